// Tariff communication over HTTP: the plan catalogue (CRUD, validation, JSON import), simulation
// runs (started as jobs), their results (paged, sorted, CSV), one customer's before/after, the
// best plans for a customer, and the push of recommendations to the channels' outbox.
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { can } from '../../auth/roles.ts';
import { Delivery } from '../../channels/delivery.ts';
import { InvalidInput, NotFound } from '../../store/errors.ts';
import {
  PlanProduct,
  PlanProductBody,
  createPlanProduct,
  definedPlans,
  deletePlanProduct,
  getPlanProduct,
  importPlanProducts,
  listPlanProducts,
  planProductInput,
  updatePlanProduct,
} from '../../tariffs/catalogue.ts';
import { BestPlans, CustomerComparison, bestPlansFor, customerComparison } from '../../tariffs/comparison.ts';
import { PushManifest, PushRequest, pushRecommendations } from '../../tariffs/push.ts';
import {
  CustomerResult,
  ResultQuery,
  SimulationRequest,
  TariffRun,
  deleteRun,
  findRunResult,
  getRun,
  listRunResults,
  listRuns,
  runResultsCsv,
  startSimulation,
} from '../../tariffs/simulation.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['tariffs'], security: [{ bearer: [] }] };
const PlanParams = Type.Object({ planId: Type.String({ minLength: 1, maxLength: 64 }) });
const RunParams = Type.Object({ runId: Type.Integer({ minimum: 1 }) });
const RunCustomerParams = Type.Object({ runId: Type.Integer({ minimum: 1 }), subscriberId: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function tariffRoutes(app: App, { store, config }: ServerContext): void {
  app.get(
    '/api/tariffs/plans',
    { preHandler: requires(store, 'tariffs.read'), schema: { ...common, summary: 'Tariff plans of the catalogue, with their definitions', response: { 200: Type.Array(PlanProduct) } } },
    async () => listPlanProducts(store),
  );

  app.get(
    '/api/tariffs/plans/:planId',
    { preHandler: requires(store, 'tariffs.read'), schema: { ...common, summary: 'One tariff plan', params: PlanParams, response: { 200: PlanProduct, 404: ErrorBody } } },
    async (request) => getPlanProduct(store, request.params.planId),
  );

  app.post(
    '/api/tariffs/plans/validate',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: { ...common, summary: 'Check a plan without saving it: the plan with defaults filled, or 400 naming the field', body: PlanProductBody, response: { 200: Type.Object({ plan: Type.Unknown() }), 400: ErrorBody } },
    },
    async (request) => ({ plan: planProductInput(request.body).plan }),
  );

  app.post(
    '/api/tariffs/plans',
    { preHandler: requires(store, 'tariffs.write'), schema: { ...common, summary: 'Add a tariff plan', body: PlanProductBody, response: { 201: PlanProduct, ...errors } } },
    async (request, reply) => {
      const product = await createPlanProduct(store, planProductInput(request.body));
      await recordAudit(store, currentUser(request).username, 'tariff.plan.create', `plan:${product.planId}`);
      return reply.status(201).send(product);
    },
  );

  app.put(
    '/api/tariffs/plans/:planId',
    { preHandler: requires(store, 'tariffs.write'), schema: { ...common, summary: 'Change a tariff plan', params: PlanParams, body: PlanProductBody, response: { 200: PlanProduct, ...errors } } },
    async (request) => {
      const product = await updatePlanProduct(store, request.params.planId, planProductInput(request.body));
      await recordAudit(store, currentUser(request).username, 'tariff.plan.update', `plan:${product.planId}`);
      return product;
    },
  );

  app.delete(
    '/api/tariffs/plans/:planId',
    { preHandler: requires(store, 'tariffs.write'), schema: { ...common, summary: 'Delete a plan nobody holds', params: PlanParams, response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody } } },
    async (request, reply) => {
      await deletePlanProduct(store, request.params.planId);
      await recordAudit(store, currentUser(request).username, 'tariff.plan.delete', `plan:${request.params.planId}`);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tariffs/plans/import',
    {
      preHandler: requires(store, 'tariffs.write'),
      schema: {
        ...common,
        summary: 'Import plan JSON: a plan, {service, brands, plan}, or a list of them; all validated before any is saved',
        body: Type.Unknown(),
        response: { 200: Type.Object({ imported: Type.Array(Type.Object({ planId: Type.String(), created: Type.Boolean() })) }), 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const imported = await importPlanProducts(store, request.body);
      await recordAudit(store, currentUser(request).username, 'tariff.plan.import', null, { plans: imported.map((p) => p.planId) });
      return { imported };
    },
  );

  app.post(
    '/api/tariffs/simulations',
    {
      preHandler: requires(store, 'tariffs.simulate'),
      schema: {
        ...common,
        summary: 'Start a tariff-communication run: candidate plans × a segment × the months, as a job',
        body: SimulationRequest,
        response: { 202: Type.Object({ runId: Type.Integer(), jobId: Type.String(), targetCount: Type.Integer() }), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const started = await startSimulation(store, request.body, user.username);
      started.done.catch((error: Error) => request.log.warn({ err: error, runId: started.runId }, 'tariff simulation failed'));
      await recordAudit(store, user.username, 'tariff.simulate', `tariff_run:${started.runId}`, { planIds: request.body.planIds, targetCount: started.targetCount });
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId, targetCount: started.targetCount });
    },
  );

  app.get(
    '/api/tariffs/runs',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: {
        ...common,
        summary: 'Tariff-communication runs, newest first',
        querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(TariffRun) }) },
      },
    },
    async (request) => listRuns(store, { limit: request.query.pageSize, offset: (request.query.page - 1) * request.query.pageSize }),
  );

  app.get(
    '/api/tariffs/runs/:runId',
    { preHandler: requires(store, 'tariffs.read'), schema: { ...common, summary: 'One run with its summary', params: RunParams, response: { 200: TariffRun, 404: ErrorBody } } },
    async (request) => getRun(store, request.params.runId),
  );

  app.delete(
    '/api/tariffs/runs/:runId',
    {
      preHandler: requires(store, 'tariffs.simulate'),
      schema: { ...common, summary: 'Delete a finished run with its target and results', params: RunParams, response: { 204: Type.Null(), 404: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => {
      const deleted = await deleteRun(store, request.params.runId);
      await recordAudit(store, currentUser(request).username, 'tariff.run.delete', `tariff_run:${deleted.runId}`, { results: deleted.results });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/tariffs/runs/:runId/results',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: {
        ...common,
        summary: 'Per-customer results, filtered, sorted and paged (numbers masked)',
        params: RunParams,
        querystring: ResultQuery,
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(CustomerResult) }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => listRunResults(store, request.params.runId, request.query, { revealPii: false }),
  );

  app.get(
    '/api/tariffs/runs/:runId/results.csv',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: {
        ...common,
        summary: 'The results as CSV (numbers masked unless the user may reveal them; audited)',
        params: RunParams,
        querystring: Type.Omit(ResultQuery, ['page', 'pageSize', 'sort', 'order']),
        response: { 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const revealPii = can(user.role, 'pii.reveal');
      await getRun(store, request.params.runId);
      await recordAudit(store, user.username, 'tariff.export', `tariff_run:${request.params.runId}`, { msisdn: revealPii ? 'full' : 'masked', filter: request.query });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="tariff-run-${request.params.runId}.csv"`);
      return reply.send(Readable.from(runResultsCsv(store, request.params.runId, request.query, { revealPii })));
    },
  );

  app.get(
    '/api/tariffs/runs/:runId/customers/:subscriberId',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: {
        ...common,
        summary: "One customer's result and month-by-month before/after by call class under a plan of the run (default: the best)",
        params: RunCustomerParams,
        querystring: Type.Object({ planId: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.Object({ result: CustomerResult, comparison: CustomerComparison }), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { runId, subscriberId } = request.params;
      const run = await getRun(store, runId);
      const result = await findRunResult(store, runId, subscriberId, { revealPii: false });
      if (!result) throw new NotFound(`Customer in tariff run ${runId}`, subscriberId);
      const planId = request.query.planId ?? result.bestPlanIds[0] ?? run.planIds[0];
      if (!run.planIds.includes(planId)) {
        throw new InvalidInput(`planId: ${planId} is not a candidate of run ${runId} (${run.planIds.join(', ')})`, { field: 'planId' });
      }
      const [{ plan }] = await definedPlans(store, [planId], 'planId');
      return { result, comparison: await customerComparison(store, subscriberId, plan, run.months) };
    },
  );

  app.post(
    '/api/tariffs/runs/:runId/push',
    {
      preHandler: requires(store, 'tariffs.push'),
      schema: {
        ...common,
        summary: 'Push the recommendations with their before/after to the channels: CSV + manifest per channel in the outbox, and HTTP where a channel has an endpoint; audited',
        params: RunParams,
        body: PushRequest,
        response: { 200: Type.Object({ folder: Type.String(), manifests: Type.Array(PushManifest), deliveries: Type.Array(Delivery) }), ...errors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const revealPii = can(user.role, 'pii.reveal');
      const pushed = await pushRecommendations(store, config.outboxDir, request.params.runId, request.body, { username: user.username, revealPii });
      // HTTP sends go on in the background; their status is on each delivery
      pushed.pushes.catch((error: Error) => request.log.error({ err: error }, 'push failed'));
      await recordAudit(store, user.username, 'tariff.push', `tariff_run:${request.params.runId}`, {
        channels: pushed.manifests.map((m) => ({ channel: m.channel, rows: m.rows, sha256: m.sha256 })),
        msisdn: revealPii ? 'full' : 'masked',
      });
      return { folder: pushed.folder, manifests: pushed.manifests, deliveries: pushed.deliveries };
    },
  );

  app.get(
    '/api/tariffs/customers/:subscriberId/best-plans',
    {
      preHandler: requires(store, 'tariffs.read'),
      schema: {
        ...common,
        summary: "Every defined plan priced on the customer's last months, cheapest first (for the customer 360)",
        params: Type.Object({ subscriberId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }),
        response: { 200: BestPlans, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => bestPlansFor(store, request.params.subscriberId, { limit: request.query.limit }),
  );
}
