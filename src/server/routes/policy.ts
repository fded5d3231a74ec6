// The contact policy over HTTP: read and edit the policy document (audited), generate the
// policy-checked list of a campaign wave and read it back by reason and per customer.
import { Type } from '@sinclair/typebox';
import { generateWaveList } from '../../policy/engine.ts';
import { getContactPolicy, updateContactPolicy } from '../../policy/policies.ts';
import { listWaveContacts, waveListCounts } from '../../policy/waves.ts';
import { ContactPolicy, policyReasons, StoredPolicy, WaveContact, WaveList } from '../../policy/types.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['policy'], security: [{ bearer: [] }] };
const WaveParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'campaign id' }), waveNo: Type.Integer({ minimum: 1, maximum: 20 }) });

export function policyRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/policy',
    { preHandler: requires(store, 'policy.read'), schema: { ...common, summary: 'The contact policy in force and its version', response: { 200: StoredPolicy } } },
    async () => getContactPolicy(store),
  );

  app.get(
    '/api/policy/reasons',
    { preHandler: requires(store, 'policy.read'), schema: { ...common, summary: 'Exclusion reason codes, in the order the policy checks them', response: { 200: Type.Array(Type.String()) } } },
    async () => [...policyReasons],
  );

  app.put(
    '/api/policy',
    {
      preHandler: requires(store, 'policy.write'),
      schema: {
        ...common,
        summary: 'Save a new version of the contact policy (send the version you read; audited)',
        body: Type.Object({ version: Type.Integer({ minimum: 0 }), policy: ContactPolicy }, { additionalProperties: false }),
        response: { 200: StoredPolicy, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => updateContactPolicy(store, request.body.policy, request.body.version, currentUser(request).username),
  );

  app.post(
    '/api/campaigns/:id/waves/:waveNo/list',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: {
        ...common,
        summary: 'Generate the policy-checked list of a wave of a running campaign: targets listed on their channel or excluded with a reason',
        params: WaveParams,
        response: { 200: WaveList, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => generateWaveList(store, request.params.id, request.params.waveNo),
  );

  app.get(
    '/api/campaigns/:id/waves/:waveNo/list',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: {
        ...common,
        summary: 'A wave list: counts by reason and channel, and its rows (filter by status or reason), paged',
        params: WaveParams,
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('listed'), Type.Literal('excluded')])),
            reason: Type.Optional(Type.String({ maxLength: 40 })),
            page: Type.Integer({ minimum: 1, default: 1 }),
            pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ counts: WaveList, total: Type.Integer(), items: Type.Array(WaveContact) }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { id, waveNo } = request.params;
      return { counts: await waveListCounts(store, id, waveNo), ...(await listWaveContacts(store, id, waveNo, request.query)) };
    },
  );
}
