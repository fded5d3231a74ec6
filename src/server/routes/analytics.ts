// Contact-point analytics: IVR key-press paths, hotline hot topics, website paths (MISSION §7).
import {
  ContactPointQuery,
  HotlineTopics,
  IvrAnalytics,
  WebAnalytics,
  WebQuery,
  hotlineTopics,
  ivrAnalytics,
  webAnalytics,
} from '../../analytics/contact-points.ts';
import { requires } from '../auth.ts';
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
}
