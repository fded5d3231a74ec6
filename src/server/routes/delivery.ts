// Delivery over HTTP: a wave's lists to the channel systems (outbox files, HTTP push, worklists),
// the deliveries and their attempts, the channels' push endpoints, and the operator's worklist.
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { can } from '../../auth/roles.ts';
import { Delivery, DeliveryAttempt, deliverWave, deliveryAttempts, getDelivery, listDeliveries, policyWaveList } from '../../channels/delivery.ts';
import { generateWaveList } from '../../policy/engine.ts';
import { Conflict, InvalidInput } from '../../store/errors.ts';
import { getCampaignRow } from '../../campaigns/campaigns.ts';
import { ChannelEndpoint, ChannelEndpointBody, deleteEndpoint, listEndpoints, retryDelivery, setEndpoint } from '../../channels/push.ts';
import { WorklistItem, listWorklist, recordWorklistOutcome, worklistOutcomes } from '../../channels/worklists.ts';
import { FeedbackReceipt } from '../../ingest/feedback.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['delivery'], security: [{ bearer: [] }] };
const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const Page = { page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) };

export function deliveryRoutes(app: App, { store, config }: ServerContext): void {
  const outbox = config.outboxDir;

  app.post(
    '/api/campaigns/:id/waves/:waveNo/deliver',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: {
        ...common,
        summary:
          "Deliver a wave's list (the policy-checked one when generated, else the campaign's targets): CSV + manifest per channel in the outbox, HTTP push where configured, worklists for account managers and outbound",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), waveNo: Type.Integer({ minimum: 1, maximum: 100 }) }),
        response: { 201: Type.Object({ folder: Type.String(), deliveries: Type.Array(Delivery) }), ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      // only a policy-checked list goes out: the one the planner generated, else it is generated now
      const { id, waveNo } = request.params;
      const waves = (await getCampaignRow(store, id)).plan.waves.length;
      if (waveNo > waves) throw new InvalidInput(`Campaign ${id} has ${waves} wave(s); there is no wave ${waveNo}`, { field: 'waveNo', code: 'UNKNOWN_WAVE' });
      let list = await policyWaveList(store, id, waveNo);
      if (!list) {
        await generateWaveList(store, id, waveNo);
        list = await policyWaveList(store, id, waveNo);
      }
      if (!list) throw new Conflict(`Wave ${waveNo} of campaign ${id}: the contact policy excluded every target; nothing to deliver`, { field: 'waveNo', code: 'NOTHING_TO_DELIVER' });
      const result = await deliverWave(store, outbox, list, { username: user.username, revealPii: can(user.role, 'pii.reveal') });
      await recordAudit(store, user.username, 'wave.deliver', `campaign:${list.campaignId}`, { waveNo: list.waveNo, rows: list.rows.length, folder: result.folder });
      // pushes go on in the background; their status is on each delivery
      result.pushes.catch((error: Error) => request.log.error({ err: error }, 'push failed'));
      return reply.status(201).send({ folder: result.folder, deliveries: result.deliveries });
    },
  );

  app.get(
    '/api/deliveries',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: {
        ...common,
        summary: 'Deliveries to the channel systems, newest first',
        querystring: Type.Object({ campaignId: Type.Optional(Type.Integer({ minimum: 1 })), ...Page }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Delivery) }) },
      },
    },
    async (request) => {
      const { campaignId, page, pageSize } = request.query;
      return listDeliveries(store, { campaignId, limit: pageSize, offset: (page - 1) * pageSize });
    },
  );

  app.get(
    '/api/deliveries/:id',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: {
        ...common,
        summary: 'One delivery with every HTTP push attempt',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Object({ delivery: Delivery, attempts: Type.Array(DeliveryAttempt) }), 404: ErrorBody },
      },
    },
    async (request) => ({ delivery: await getDelivery(store, request.params.id), attempts: await deliveryAttempts(store, request.params.id) }),
  );

  app.post(
    '/api/deliveries/:id/retry',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: { ...common, summary: 'Push a failed HTTP delivery again', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 202: Delivery, ...errors } },
    },
    async (request, reply) => {
      await retryDelivery(store, outbox, request.params.id);
      await recordAudit(store, currentUser(request).username, 'delivery.retry', `delivery:${request.params.id}`);
      return reply.status(202).send(await getDelivery(store, request.params.id));
    },
  );

  app.get(
    '/api/channel-endpoints',
    { preHandler: requires(store, 'channels.manage'), schema: { ...common, summary: "Channel systems' push endpoints", response: { 200: Type.Array(ChannelEndpoint) } } },
    async () => listEndpoints(store),
  );

  app.put(
    '/api/channels/:channelId/endpoint',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: { ...common, summary: "Set a channel system's push endpoint", params: Type.Object({ channelId: Type.String() }), body: ChannelEndpointBody, response: { 200: ChannelEndpoint, ...errors } },
    },
    async (request) => {
      const user = currentUser(request);
      const endpoint = await setEndpoint(store, request.params.channelId, request.body, user.username);
      await recordAudit(store, user.username, 'channel_endpoint.set', `channel:${endpoint.channelId}`, { url: endpoint.url, enabled: endpoint.enabled });
      return endpoint;
    },
  );

  app.delete(
    '/api/channels/:channelId/endpoint',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: { ...common, summary: "Remove a channel system's push endpoint", params: Type.Object({ channelId: Type.String() }), response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await deleteEndpoint(store, request.params.channelId);
      await recordAudit(store, currentUser(request).username, 'channel_endpoint.delete', `channel:${request.params.channelId}`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/worklist',
    {
      preHandler: requires(store, 'worklists.work'),
      schema: {
        ...common,
        summary: 'My worklist: the customers assigned to me to call, with the offer and its script',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])), ...Page }),
        response: { 200: Type.Object({ total: Type.Integer(), open: Type.Integer(), items: Type.Array(WorklistItem) }) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const { status, page, pageSize } = request.query;
      return listWorklist(store, user.username, { status, limit: pageSize, offset: (page - 1) * pageSize, revealPii: can(user.role, 'pii.reveal') });
    },
  );

  app.post(
    '/api/worklist/:itemId/outcome',
    {
      preHandler: requires(store, 'worklists.work'),
      schema: {
        ...common,
        summary: 'Record what came of a call (stored as channel feedback)',
        params: Type.Object({ itemId: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ outcome: Type.Union(worklistOutcomes.map((o) => Type.Literal(o))) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ item: Type.Object({ itemId: Type.Integer(), status: Type.String(), lastOutcome: Type.String() }), receipt: FeedbackReceipt }),
          ...errors,
        },
      },
    },
    async (request) => recordWorklistOutcome(store, request.params.itemId, request.body.outcome, currentUser(request).username),
  );
}
