// Contact-point analytics: IVR key-press paths, hotline hot topics, website paths (MISSION §7); and
// for the 10086 systems themselves, a caller's personal menu and prepared answers.
import { Type } from '@sinclair/typebox';
import {
  ContactPointQuery,
  CustomerContactPoints,
  customerContactPoints,
  hotlineChannelIds,
  HotlineTopics,
  IvrAnalytics,
  WebAnalytics,
  WebQuery,
  hotlineTopics,
  ivrAnalytics,
  webAnalytics,
} from '../../analytics/contact-points.ts';
import { DomainError } from '../../store/errors.ts';
import { currentChannel, requires, requiresChannel } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['analytics'], security: [{ bearer: [] }] };

export function analyticsRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/analytics/ivr',
    {
      preHandler: requires(store, 'customers.read'),
      schema: {
        ...common,
        summary: 'IVR menu paths: sessions that reached each menu, and where they were served, went to an agent or hung up',
        querystring: ContactPointQuery,
        response: { 200: IvrAnalytics, 400: ErrorBody },
      },
    },
    async (request) => ivrAnalytics(store, request.query),
  );

  app.get(
    '/api/analytics/hotline',
    {
      preHandler: requires(store, 'customers.read'),
      schema: {
        ...common,
        summary: 'Hot topics of the 10086 hotline (IVR and agents) for a customer group, by business and month',
        querystring: ContactPointQuery,
        response: { 200: HotlineTopics, 400: ErrorBody },
      },
    },
    async (request) => hotlineTopics(store, request.query),
  );

  app.get(
    '/api/analytics/web',
    {
      preHandler: requires(store, 'customers.read'),
      schema: {
        ...common,
        summary: 'Website paths: sessions, pages with entries and exits, page-to-page moves, the commonest paths',
        querystring: WebQuery,
        response: { 200: WebAnalytics, 400: ErrorBody },
      },
    },
    async (request) => webAnalytics(store, request.query),
  );

  // the IVR platform asks for a caller's menu as the call comes in, the agent desk for the answers to prepare
  app.get(
    '/api/front-line/contact-points/:subscriber',
    {
      preHandler: requiresChannel(store),
      schema: {
        tags: ['analytics'],
        security: [{ channelKey: [] }],
        summary: "A caller's personal IVR menu, prepared answers and interests, for the 10086 IVR and agent systems (their channel key)",
        params: Type.Object({ subscriber: Type.Integer({ minimum: 1, description: 'subscriber id' }) }),
        response: { 200: CustomerContactPoints, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const caller = currentChannel(request);
      if (!(hotlineChannelIds as readonly string[]).includes(caller.channelId)) {
        throw new DomainError('CHANNEL_NOT_ALLOWED', 403, `channel: this is for the 10086 IVR and agent systems; this key speaks for "${caller.channelId}"`, { field: 'channel' });
      }
      return customerContactPoints(store, request.params.subscriber);
    },
  );
}
