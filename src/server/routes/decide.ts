// The real-time decision API for channel systems (online hall, WAP, app, store desk pop-up):
// authenticated by the channel's own key, answered by the contact policy's engine.
import { policyEngine } from '../../policy/engine.ts';
import { DecideBody, DecisionResponse } from '../../policy/types.ts';
import { DomainError, InvalidInput } from '../../store/errors.ts';
import { currentChannel, requiresChannel } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const maxContextBytes = 2048;

export function decideRoutes(app: App, { store }: ServerContext): void {
  // start the engine with the server, not on the first request
  void policyEngine(store).catch((error) => app.log.error({ err: error }, 'the contact policy engine did not start'));

  app.post(
    '/api/decide',
    {
      preHandler: requiresChannel(store),
      schema: {
        tags: ['policy'],
        summary: 'Ranked offers for a subscriber arriving on a channel, under the contact policy; each offer returned is reserved as a contact',
        headers: { type: 'object', properties: { 'x-channel-key': { type: 'string' } } },
        body: DecideBody,
        response: { 200: DecisionResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const caller = currentChannel(request);
      const { subscriber, channel, context } = request.body;
      if (context && JSON.stringify(context).length > maxContextBytes) {
        throw new InvalidInput(`context: ${JSON.stringify(context).length} bytes; at most ${maxContextBytes}`, { field: 'context', code: 'CONTEXT_TOO_LARGE' });
      }
      const engine = await policyEngine(store);
      await engine.assertChannel(channel);
      if (channel !== caller.channelId) {
        throw new DomainError('CHANNEL_MISMATCH', 403, `channel: this key speaks for "${caller.channelId}", not "${channel}"`, { field: 'channel' });
      }
      return engine.decide({ subscriberId: subscriber, channelId: channel, context });
    },
  );
}
