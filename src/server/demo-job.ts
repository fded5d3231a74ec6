// Demo generation as the server runs it (first start, or the data page): a tracked job that
// replaces the province, then starts the contact policy afresh, since its ledger and subscriber
// directory were read from the province just replaced and no contact fact announces the change.
import { generateProvince, type DemoOptions, type DemoSummary } from '../demo/generate.ts';
import { startJob, type JobHandle } from '../jobs/jobs.ts';
import { restartPolicyEngine } from '../policy/engine.ts';
import type { Store } from '../store/store.ts';

export function startDemoGeneration(store: Store, options: DemoOptions, createdBy: string): Promise<JobHandle<DemoSummary>> {
  return startJob(store, 'demo.generate', options, createdBy, async (progress) => {
    const summary = await generateProvince(store, options, progress);
    await restartPolicyEngine(store);
    return summary;
  });
}
