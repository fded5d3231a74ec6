// Customer tags: list and edit, recompute (a job), ratings and comments, validation, a customer's tags.
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import {
  CustomerTag,
  Tag,
  TagComment,
  TagInput,
  TagValidation,
  commentOnTag,
  createTag,
  deleteTag,
  getTag,
  listTags,
  rateTag,
  startTagRecompute,
  tagComments,
  tagsOf,
  updateTag,
  validateTag,
} from '../../models/tags.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['tags'], security: [{ bearer: [] }] };
const TagParams = Type.Object({ tagId: Type.String({ maxLength: 64 }) });

export function tagRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/tags',
    { preHandler: requires(store, 'models.read'), schema: { ...common, summary: 'Every tag with its members count, advice and rating', response: { 200: Type.Array(Tag) } } },
    async () => listTags(store),
  );

  app.get(
    '/api/tags/:tagId',
    { preHandler: requires(store, 'models.read'), schema: { ...common, summary: 'One tag', params: TagParams, response: { 200: Tag, 404: ErrorBody } } },
    async (request) => getTag(store, request.params.tagId),
  );

  app.post(
    '/api/tags',
    { preHandler: requires(store, 'models.settings'), schema: { ...common, summary: 'Create a custom tag', body: TagInput, response: { 201: Tag, 400: ErrorBody, 409: ErrorBody } } },
    async (request, reply) => {
      const user = currentUser(request).username;
      const tag = await createTag(store, request.body, user);
      await recordAudit(store, user, 'tag.create', `tag:${tag.tagId}`, { rule: tag.rule });
      return reply.status(201).send(tag);
    },
  );

  app.put(
    '/api/tags/:tagId',
    { preHandler: requires(store, 'models.settings'), schema: { ...common, summary: "Change a tag's names, rule or advice", params: TagParams, body: TagInput, response: { 200: Tag, 400: ErrorBody, 404: ErrorBody } } },
    async (request) => {
      const user = currentUser(request).username;
      const tag = await updateTag(store, request.params.tagId, request.body, user);
      await recordAudit(store, user, 'tag.update', `tag:${tag.tagId}`, { rule: tag.rule, advice: tag.advice });
      return tag;
    },
  );

  app.delete(
    '/api/tags/:tagId',
    { preHandler: requires(store, 'models.settings'), schema: { ...common, summary: 'Delete a custom tag', params: TagParams, response: { 204: Type.Null(), 400: ErrorBody, 404: ErrorBody } } },
    async (request, reply) => {
      await deleteTag(store, request.params.tagId);
      await recordAudit(store, currentUser(request).username, 'tag.delete', `tag:${request.params.tagId}`);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tags/recompute',
    { preHandler: requires(store, 'models.train'), schema: { ...common, summary: 'Recompute every tag from its rule (a tracked job)', response: { 202: Type.Object({ jobId: Type.String() }) } } },
    async (request, reply) => {
      const job = await startTagRecompute(store, currentUser(request).username);
      job.done.catch(() => undefined); // the job records its own failure
      return reply.status(202).send({ jobId: job.jobId });
    },
  );

  app.put(
    '/api/tags/:tagId/rating',
    {
      preHandler: requires(store, 'tags.comment'),
      schema: { ...common, summary: 'Rate a tag 1–5 (one rating per user, changeable)', params: TagParams, body: Type.Object({ rating: Type.Integer() }), response: { 200: Tag, 400: ErrorBody, 404: ErrorBody } },
    },
    async (request) => rateTag(store, request.params.tagId, currentUser(request).username, request.body.rating),
  );

  app.get(
    '/api/tags/:tagId/comments',
    { preHandler: requires(store, 'models.read'), schema: { ...common, summary: "A tag's comments, newest first", params: TagParams, response: { 200: Type.Array(TagComment) } } },
    async (request) => tagComments(store, request.params.tagId),
  );

  app.post(
    '/api/tags/:tagId/comments',
    {
      preHandler: requires(store, 'tags.comment'),
      schema: { ...common, summary: 'Comment on a tag', params: TagParams, body: Type.Object({ body: Type.String({ maxLength: 2000 }) }), response: { 201: TagComment, 400: ErrorBody, 404: ErrorBody } },
    },
    async (request, reply) => reply.status(201).send(await commentOnTag(store, request.params.tagId, currentUser(request).username, request.body.body)),
  );

  app.get(
    '/api/tags/:tagId/validation',
    {
      preHandler: requires(store, 'models.read'),
      schema: { ...common, summary: 'Response rate of tagged vs untagged customers in finished campaigns, with a significance test', params: TagParams, response: { 200: TagValidation, 404: ErrorBody } },
    },
    async (request) => validateTag(store, request.params.tagId),
  );

  app.get(
    '/api/customers/:id/tags',
    {
      preHandler: requires(store, 'customers.read'),
      schema: { ...common, summary: "A customer's tags with their marketing advice", params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: Type.Array(CustomerTag) } },
    },
    async (request) => tagsOf(store, request.params.id),
  );
}
