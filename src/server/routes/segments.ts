import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import {
  FilterBody,
  SavedSegment,
  SegmentInput,
  SegmentPreview,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewSegment,
  segmentFieldCatalogue,
  updateSegment,
} from '../../customers/segments.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['segments'], security: [{ bearer: [] }] };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function segmentRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/segments/fields',
    { preHandler: requires(store, 'customers.read'), schema: { ...common, summary: 'Fields and operators a segment may use', response: { 200: Type.Unknown() } } },
    async () => segmentFieldCatalogue(),
  );

  app.post(
    '/api/segments/preview',
    {
      preHandler: requires(store, 'customers.read'),
      schema: { ...common, summary: 'Live count and composition of a filter', body: Type.Object({ filter: FilterBody }), response: { 200: SegmentPreview, 400: ErrorBody } },
    },
    async (request) => previewSegment(store, request.body.filter),
  );

  app.get(
    '/api/segments',
    { preHandler: requires(store, 'customers.read'), schema: { ...common, summary: 'Saved segments', response: { 200: Type.Array(SavedSegment) } } },
    async () => listSegments(store),
  );

  app.get(
    '/api/segments/:id',
    { preHandler: requires(store, 'customers.read'), schema: { ...common, summary: 'One saved segment', params: IdParams, response: { 200: SavedSegment, 404: ErrorBody } } },
    async (request) => getSegment(store, request.params.id),
  );

  app.post(
    '/api/segments',
    {
      preHandler: requires(store, 'segments.write'),
      schema: { ...common, summary: 'Save a segment', body: SegmentInput, response: { 201: SavedSegment, 400: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => {
      const segment = await createSegment(store, request.body, currentUser(request).username);
      await recordAudit(store, currentUser(request).username, 'segment.create', `segment:${segment.segmentId}`, { name: segment.name });
      return reply.status(201).send(segment);
    },
  );

  app.put(
    '/api/segments/:id',
    {
      preHandler: requires(store, 'segments.write'),
      schema: { ...common, summary: 'Change a saved segment', params: IdParams, body: SegmentInput, response: { 200: SavedSegment, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody } },
    },
    async (request) => {
      const segment = await updateSegment(store, request.params.id, request.body);
      await recordAudit(store, currentUser(request).username, 'segment.update', `segment:${segment.segmentId}`, { name: segment.name });
      return segment;
    },
  );

  app.delete(
    '/api/segments/:id',
    { preHandler: requires(store, 'segments.write'), schema: { ...common, summary: 'Delete a saved segment (refused while a draft campaign targets it)', params: IdParams, response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody } } },
    async (request, reply) => {
      await deleteSegment(store, request.params.id);
      await recordAudit(store, currentUser(request).username, 'segment.delete', `segment:${request.params.id}`);
      return reply.status(204).send(null);
    },
  );
}
