// Health, overview, the product catalogue, jobs and audit: the platform-wide read routes.
import { Type } from '@sinclair/typebox';
import { Overview, overview } from '../../analytics/overview.ts';
import { listAudit, recordAudit } from '../../audit/audit.ts';
import { can } from '../../auth/roles.ts';
import { Product, ProductQuery, listProducts } from '../../catalogue/products.ts';
import { cancelJob, getJob, isCancellable, listJobs, type Job } from '../../jobs/jobs.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const JobSchema = Type.Object({
  jobId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  progress: Type.Number(),
  message: Type.Union([Type.String(), Type.Null()]),
  params: Type.Unknown(),
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  cancellable: Type.Boolean({ description: 'Running, and stops part-way when asked (POST /api/jobs/:jobId/cancel)' }),
});

const toJob = (j: Job) => ({
  jobId: j.job_id,
  kind: j.kind,
  status: j.status,
  progress: j.progress,
  message: j.message,
  params: j.params,
  result: j.result,
  error: j.error,
  createdBy: j.created_by,
  createdAt: j.created_at,
  startedAt: j.started_at,
  finishedAt: j.finished_at,
  cancellable: isCancellable(j.job_id),
});

const Paging = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});

const secured = { security: [{ bearer: [] }] };

export function platformRoutes(app: App, { store, startup }: ServerContext): void {
  app.get(
    '/api/health',
    {
      schema: {
        tags: ['platform'],
        summary: 'Readiness: 503 while the first-start demo province is being generated',
        response: {
          200: Type.Object({ status: Type.String() }),
          503: Type.Object({ status: Type.String(), jobId: Type.Union([Type.String(), Type.Null()]), progress: Type.Number(), message: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (_request, reply) => {
      if (startup.error) return reply.status(503).send({ status: 'failed', jobId: startup.jobId, progress: 0, message: startup.error });
      if (startup.jobId) {
        const job = await getJob(store, startup.jobId);
        return reply.status(503).send({ status: 'generating demo province', jobId: job.job_id, progress: job.progress, message: job.message });
      }
      return { status: 'ok' };
    },
  );

  app.get(
    '/api/overview',
    { preHandler: requires(store, 'customers.read'), schema: { tags: ['analytics'], ...secured, summary: 'Province overview', response: { 200: Overview } } },
    async () => overview(store),
  );

  app.get(
    '/api/jobs',
    {
      preHandler: requires(store, 'jobs.read'),
      schema: {
        tags: ['jobs'],
        ...secured,
        summary: 'Tracked long jobs, newest first',
        querystring: Type.Composite([Paging, Type.Object({ kind: Type.Optional(Type.String({ maxLength: 64 })) })]),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(JobSchema) }) },
      },
    },
    async (request) => {
      const { page, pageSize, kind } = request.query;
      const { total, items } = await listJobs(store, { limit: pageSize, offset: (page - 1) * pageSize, kind });
      return { total, items: items.map(toJob) };
    },
  );

  app.get(
    '/api/jobs/:jobId',
    {
      preHandler: requires(store, 'jobs.read'),
      schema: { tags: ['jobs'], ...secured, summary: 'One job with its progress', params: Type.Object({ jobId: Type.String({ maxLength: 64 }) }), response: { 200: JobSchema, 404: ErrorBody } },
    },
    async (request) => toJob(await getJob(store, request.params.jobId)),
  );

  app.post(
    '/api/jobs/:jobId/cancel',
    {
      preHandler: requires(store, 'jobs.read'),
      schema: {
        tags: ['jobs'],
        ...secured,
        summary: 'Ask a running job to stop: it undoes what it wrote and ends as cancelled (its starter, or a role with jobs.cancel)',
        params: Type.Object({ jobId: Type.String({ maxLength: 64 }) }),
        response: { 202: JobSchema, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const job = await cancelJob(store, request.params.jobId, user.username, can(user.role, 'jobs.cancel'));
      await recordAudit(store, user.username, 'job.cancel', `job:${job.job_id}`, { kind: job.kind, startedBy: job.created_by });
      return reply.status(202).send(toJob(await getJob(store, job.job_id)));
    },
  );

  app.get(
    '/api/audit',
    {
      preHandler: requires(store, 'audit.read'),
      schema: {
        tags: ['platform'],
        ...secured,
        summary: 'The audit trail of sensitive actions',
        querystring: Type.Composite([Paging, Type.Object({ action: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 64 })) })]),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(
              Type.Object({ auditId: Type.Integer(), occurredAt: Type.String(), actor: Type.String(), action: Type.String(), target: Type.Union([Type.String(), Type.Null()]), detail: Type.Unknown() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { page, pageSize, action, actor } = request.query;
      return listAudit(store, { limit: pageSize, offset: (page - 1) * pageSize, action, actor });
    },
  );

  app.get(
    '/api/products',
    {
      preHandler: requires(store),
      schema: {
        tags: ['platform'],
        ...secured,
        summary: 'The product catalogue: tariff plans, value-added services, offers',
        querystring: ProductQuery,
        response: { 200: Type.Array(Product), 400: ErrorBody },
      },
    },
    async (request) => listProducts(store, request.query),
  );
}
