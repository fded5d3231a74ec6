// Customer models over HTTP: start a training run (a tracked job), list runs, read one run's
// metrics, decile table and log, and a customer's scores. Files are read by the CLI only: over
// HTTP a model trains on the province or on a table of the database.
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { ModelRun, getModelRun, listModelRuns, modelRunLog } from '../../models/runs.ts';
import { startChannelPreference } from '../../models/channel-preference.ts';
import { startLift } from '../../models/lift.ts';
import { MatchingTreeRequest, startMatchingTree } from '../../models/matching-tree.ts';
import { startPropensity } from '../../models/propensity.ts';
import { ScoreLabel, SubscriberScore, scoreLabels, scoresOfSubscriber } from '../../models/scores.ts';
import { ChannelPreferenceRequest, LiftRequest, PropensityRequest } from '../../models/types.ts';
import { InvalidInput } from '../../store/errors.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['models'], security: [{ bearer: [] }] };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Started = Type.Object({ runId: Type.Integer(), jobId: Type.String() });
const RunDetail = Type.Object({ run: ModelRun, log: Type.Array(Type.Object({ at: Type.String(), message: Type.String() })) });

export function modelRoutes(app: App, { store }: ServerContext): void {
  app.post(
    '/api/models/propensity',
    {
      preHandler: requires(store, 'models.train'),
      schema: { ...common, summary: 'Train a propensity model (a product, a yes/no attribute or a label column) as a job', body: PropensityRequest, response: { 202: Started, 400: ErrorBody } },
    },
    async (request, reply) => {
      if (request.body.source?.kind === 'file') throw new InvalidInput('Files are read by the command line (yiti model train-propensity --table-file); over HTTP, train on the province or a table', { field: 'source.kind' });
      const user = currentUser(request);
      const started = await startPropensity(store, request.body, user.username);
      started.done.catch((error: Error) => request.log.warn({ err: error, runId: started.runId }, 'propensity training failed'));
      await recordAudit(store, user.username, 'model.train', `model_run:${started.runId}`, { model: 'propensity', request: request.body });
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId });
    },
  );

  app.post(
    '/api/models/channel-preference',
    {
      preHandler: requires(store, 'models.train'),
      schema: { ...common, summary: 'Train the channel-preference model (share rule for frequent contacters, classifier for the rest) as a job', body: ChannelPreferenceRequest, response: { 202: Started, 400: ErrorBody } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const started = await startChannelPreference(store, request.body, user.username);
      started.done.catch((error: Error) => request.log.warn({ err: error, runId: started.runId }, 'channel-preference training failed'));
      await recordAudit(store, user.username, 'model.train', `model_run:${started.runId}`, { model: 'channel_preference', request: request.body });
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId });
    },
  );

  app.post(
    '/api/models/lift',
    {
      preHandler: requires(store, 'models.train'),
      schema: { ...common, summary: 'Association / lift of a product: with other products and with attribute bands; a 0–100 lift score per customer', body: LiftRequest, response: { 202: Started, 400: ErrorBody } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const started = await startLift(store, request.body, user.username);
      started.done.catch((error: Error) => request.log.warn({ err: error, runId: started.runId }, 'lift analysis failed'));
      await recordAudit(store, user.username, 'model.train', `model_run:${started.runId}`, { model: 'lift', request: request.body });
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId });
    },
  );

  app.post(
    '/api/models/matching-tree',
    {
      preHandler: requires(store, 'models.train'),
      schema: { ...common, summary: 'Customer–business–channel matching by a multi-target decision tree (product × channel per customer) as a job', body: MatchingTreeRequest, response: { 202: Started, 400: ErrorBody } },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const started = await startMatchingTree(store, request.body, user.username);
      started.done.catch((error: Error) => request.log.warn({ err: error, runId: started.runId }, 'matching-tree training failed'));
      await recordAudit(store, user.username, 'model.train', `model_run:${started.runId}`, { model: 'matching_tree', request: request.body });
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId });
    },
  );

  app.get(
    '/api/models/runs',
    {
      preHandler: requires(store, 'models.read'),
      schema: {
        ...common,
        summary: 'Model runs, newest first',
        querystring: Type.Object({
          model: Type.Optional(Type.String({ maxLength: 64 })),
          target: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          offset: Type.Integer({ minimum: 0, default: 0 }),
        }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(ModelRun) }) },
      },
    },
    async (request) => listModelRuns(store, request.query),
  );

  app.get(
    '/api/models/runs/:id',
    {
      preHandler: requires(store, 'models.read'),
      schema: { ...common, summary: 'One run: parameters, data window, metrics (AUC, decile table, top attributes) and its log', params: IdParams, response: { 200: RunDetail, 404: ErrorBody } },
    },
    async (request) => ({ run: await getModelRun(store, request.params.id), log: await modelRunLog(store, request.params.id) }),
  );

  app.get(
    '/api/models/runs/:id/labels',
    {
      preHandler: requires(store, 'models.read'),
      schema: { ...common, summary: "What a run scored: each label's customers and mean score", params: IdParams, response: { 200: Type.Array(ScoreLabel), 404: ErrorBody } },
    },
    async (request) => {
      await getModelRun(store, request.params.id);
      return scoreLabels(store, request.params.id);
    },
  );

  app.get(
    '/api/models/subscribers/:id/scores',
    {
      preHandler: requires(store, 'models.read'),
      schema: { ...common, summary: "A subscriber's scores from the newest run of each model", params: IdParams, response: { 200: Type.Array(SubscriberScore) } },
    },
    async (request) => scoresOfSubscriber(store, request.params.id),
  );
}
