import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { CustomerContactPoints, customerContactPoints } from '../../analytics/contact-points.ts';
import { recordAudit } from '../../audit/audit.ts';
import { contactTimeline, customer360, customersCsv, listCustomers, msisdnOf } from '../../customers/customers.ts';
import { ContactTimeline, ContactTimelineQuery, Customer360, CustomerExportQuery, CustomerList, CustomerListQuery } from '../../customers/schemas.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'subscriber id' }) });
const common = { tags: ['customers'], security: [{ bearer: [] }] };
// Numbers are always masked in these answers; the full number comes only from the audited reveal.
const masked = { revealPii: false };

export function customerRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/customers',
    {
      preHandler: requires(store, 'customers.read'),
      schema: { ...common, summary: 'Search, filter, sort and page subscribers', querystring: CustomerListQuery, response: { 200: CustomerList, 400: ErrorBody } },
    },
    async (request) => listCustomers(store, request.query, masked),
  );

  app.get(
    '/api/customers.csv',
    {
      preHandler: requires(store, 'customers.export'),
      schema: {
        ...common,
        summary: "Every customer the list's filters select (e.g. a saved segment's members) as CSV, numbers masked; audited",
        querystring: CustomerExportQuery,
        response: { 400: ErrorBody },
      },
    },
    async (request, reply) => {
      // the filters are checked (an unknown segment is a 400) before the audit and the first byte
      const lines = customersCsv(store, request.query, masked);
      const first = await lines.next();
      await recordAudit(store, currentUser(request).username, 'customers.export', 'customers', { filter: request.query, msisdn: 'masked' });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="customers${request.query.segmentId ? `-segment-${request.query.segmentId}` : ''}.csv"`);
      return reply.send(Readable.from((async function* () {
        if (!first.done) yield first.value;
        yield* lines;
      })()));
    },
  );

  app.get(
    '/api/customers/:id',
    {
      preHandler: requires(store, 'customers.read'),
      schema: { ...common, summary: 'Customer 360: profile, holdings, three months of usage and bills', params: IdParams, response: { 200: Customer360, 404: ErrorBody } },
    },
    async (request) => customer360(store, request.params.id, masked),
  );

  app.get(
    '/api/customers/:id/contacts',
    {
      preHandler: requires(store, 'customers.read'),
      schema: {
        ...common,
        summary: 'Contact timeline across every channel, newest first',
        params: IdParams,
        querystring: ContactTimelineQuery,
        response: { 200: ContactTimeline, 404: ErrorBody },
      },
    },
    async (request) => contactTimeline(store, request.params.id, request.query),
  );

  app.get(
    '/api/customers/:id/contact-points',
    {
      preHandler: requires(store, 'customers.read'),
      schema: {
        ...common,
        summary: 'Personal IVR menu, answers to prepare for the questions the customer usually asks the hotline, browsing interests',
        params: IdParams,
        response: { 200: CustomerContactPoints, 404: ErrorBody },
      },
    },
    async (request) => customerContactPoints(store, request.params.id),
  );

  app.post(
    '/api/customers/:id/reveal',
    {
      preHandler: requires(store, 'pii.reveal'),
      schema: {
        ...common,
        summary: 'Reveal the full phone number (audited)',
        params: IdParams,
        response: { 200: Type.Object({ msisdn: Type.String() }), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const msisdn = await msisdnOf(store, request.params.id);
      await recordAudit(store, currentUser(request).username, 'pii.reveal', `subscriber:${request.params.id}`, { field: 'msisdn' });
      return { msisdn };
    },
  );
}
