// Builders for the contact-policy tests: a small province with a running campaign on the app and
// web channels (offers FETION and MAIL139 with a script per channel), channel keys, a policy a
// test can vary, and an engine whose wall clock the test moves.
import { createChannelKey } from '../src/channels/keys.ts';
import { wallSeconds } from '../src/policy/clock.ts';
import { policyEngine, stopPolicyEngine, type PolicyEngine } from '../src/policy/engine.ts';
import { getContactPolicy, updateContactPolicy } from '../src/policy/policies.ts';
import type { ContactPolicy } from '../src/policy/types.ts';
import { defaultContactPolicy } from '../src/policy/types.ts';
import type { Store } from '../src/store/store.ts';
import { basePlan, campaignApp, campaignIn, smallProvince, type Client } from './campaign-builders.ts';

export const at = (text: string): number => wallSeconds(text);

/** Every rule off; a test turns on the ones it is about. */
export const openPolicy: ContactPolicy = {
  ...defaultContactPolicy,
  caps: [],
  minIntervalHours: 0,
  minIntervalHoursPerChannel: {},
  stopAfterAcceptance: false,
  maxRefusals: 0,
  complaintQuietDays: 0,
  quietHours: [],
  maxContactsPerWave: 100,
  contextWeights: [],
};

export function eChannelPlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return basePlan({
    name: 'E-channel cross-sell',
    offers: [
      { productId: 'FETION', scripts: { app: '飞信免费开通', web: 'Fetion: free to open' } },
      { productId: 'MAIL139', scripts: { app: '139 邮箱 5 元/月', web: '139 Mail, 5 yuan a month' } },
    ],
    channels: [{ channelId: 'app', segment: 'app users' }, { channelId: 'web', segment: 'web' }],
    waves: [{ name: 'W1', startDate: '2026-11-01', endDate: '2026-12-31' }],
    controlPercent: 10,
    ...overrides,
  });
}

export interface PolicyWorld {
  client: Client;
  campaignId: number;
  keys: { app: string; web: string; store: string };
  clock: { now: number };
  engine: PolicyEngine;
  /** stops and starts the engine again (state reloaded from the database), same clock */
  restart(): Promise<PolicyEngine>;
  setPolicy(policy: ContactPolicy): Promise<void>;
  /** treatment targets of the campaign */
  targets: number[];
}

export async function policyWorld(store: Store, opts: { subscribers?: number; plan?: Record<string, unknown>; now?: string } = {}): Promise<PolicyWorld> {
  await smallProvince(store, opts.subscribers ?? 60);
  const clock = { now: at(opts.now ?? '2026-11-03 10:00:00') };
  let engine = await policyEngine(store, { clock: () => clock.now });
  const client = await campaignApp(store);
  const { id } = await campaignIn(client, 'running', opts.plan ?? eChannelPlan());
  await engine.refreshOffers();
  const keys = {
    app: (await createChannelKey(store, 'app', 'mobile app', 'admin')).secret,
    web: (await createChannelKey(store, 'web', 'online hall', 'admin')).secret,
    store: (await createChannelKey(store, 'store', 'store desk', 'admin')).secret,
  };
  const targets = (await store.query<{ id: number }>("SELECT subscriber_id AS id FROM campaign_targets WHERE campaign_id = $id AND grp = 'treatment' ORDER BY 1", { id })).map((r) => r.id);
  const world: PolicyWorld = {
    client,
    campaignId: id,
    keys,
    clock,
    engine,
    targets,
    async restart() {
      await stopPolicyEngine(store);
      engine = await policyEngine(store, { clock: () => clock.now });
      world.engine = engine;
      return engine;
    },
    async setPolicy(policy) {
      const current = await getContactPolicy(store);
      await updateContactPolicy(store, policy, current.version, 'admin');
    },
  };
  return world;
}
