// The real-time decision API for channel systems (online hall, WAP, app, store desk pop-up):
// authenticated by the channel's own key, answered by the contact policy's engine.
import { Type } from '@sinclair/typebox';
import { policyEngine } from '../../policy/engine.ts';
import { DecideBody, DecisionResponse } from '../../policy/types.ts';
import { DomainError, InvalidInput } from '../../store/errors.ts';
import { currentChannel, requiresChannel } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const maxContextBytes = 2048;

// The explanation (every offer considered, and why in words) is several times the answer itself:
// it is sent when asked for, so the front line's answers stay small.
const DecideQuery = Type.Object({
  explain: Type.Optional(
    Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], { description: 'explain=1: also answer every offer considered, its factors and fate, and the explanation' }),
  ),
});
const DecisionAnswer = Type.Composite([
  Type.Omit(DecisionResponse, ['considered', 'explanation']),
  Type.Partial(Type.Pick(DecisionResponse, ['considered', 'explanation'])),
]);

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
        querystring: DecideQuery,
        body: DecideBody,
        response: { 200: DecisionAnswer, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
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
      return engine.decide({ subscriberId: subscriber, channelId: channel, context, explain: request.query.explain === '1' || request.query.explain === 'true' });
    },
  );
}
