import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { Channel, listChannels } from '../../channels/channels.ts';
import { ChannelKey, createChannelKey, listChannelKeys, revokeChannelKey } from '../../channels/keys.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['channels'], security: [{ bearer: [] }] };

export function channelRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/channels',
    { preHandler: requires(store), schema: { ...common, summary: 'Contact channels', response: { 200: Type.Array(Channel) } } },
    async () => listChannels(store),
  );

  app.get(
    '/api/channel-keys',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: { ...common, summary: 'API keys of channel systems', querystring: Type.Object({ channelId: Type.Optional(Type.String()) }), response: { 200: Type.Array(ChannelKey) } },
    },
    async (request) => listChannelKeys(store, request.query.channelId),
  );

  app.post(
    '/api/channels/:channelId/keys',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: {
        ...common,
        summary: 'Issue an API key for a channel system (the secret is shown once)',
        params: Type.Object({ channelId: Type.String() }),
        body: Type.Object({ label: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 201: Type.Object({ key: ChannelKey, secret: Type.String() }), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const issued = await createChannelKey(store, request.params.channelId, request.body.label, currentUser(request).username);
      await recordAudit(store, currentUser(request).username, 'channel_key.create', `channel_key:${issued.key.keyId}`, { channelId: issued.key.channelId, label: issued.key.label });
      return reply.status(201).send(issued);
    },
  );

  app.post(
    '/api/channel-keys/:keyId/revoke',
    {
      preHandler: requires(store, 'channels.manage'),
      schema: { ...common, summary: 'Revoke a channel key', params: Type.Object({ keyId: Type.String() }), response: { 200: ChannelKey, 404: ErrorBody } },
    },
    async (request) => {
      const key = await revokeChannelKey(store, request.params.keyId);
      await recordAudit(store, currentUser(request).username, 'channel_key.revoke', `channel_key:${key.keyId}`, { channelId: key.channelId });
      return key;
    },
  );
}
