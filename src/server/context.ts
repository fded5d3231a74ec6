// What every route plugin gets: the store, the configuration and the app's start-up state.
import type { FastifyInstance, FastifyBaseLogger, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { Store } from '../store/store.ts';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface ServerContext {
  store: Store;
  config: Config;
  /** While the first-start demo generation runs, its job id; health answers 503 until it ends. */
  startup: { jobId: string | null; error: string | null };
}
