// The tariff pricing worker's entry: loads TypeScript through tsx (as bin/yiti.mjs does), then
// the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./pricing-worker.ts');
