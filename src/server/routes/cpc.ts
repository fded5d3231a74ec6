// CPC segments: start a k-means run, read a run's segments and fit matrices.
import { Type } from '@sinclair/typebox';
import { CpcParams, CpcResult, cpcFeatureNames, cpcFeatures, defaultCpcFeatures, getCpcResult, startCpcRun } from '../../models/cpc.ts';
import { Matching, matchTargets } from '../../models/matching.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['models'], security: [{ bearer: [] }] };

export function cpcRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/models/cpc/features',
    { preHandler: requires(store, 'models.read'), schema: { ...common, summary: 'Features a CPC segmentation may cluster on', response: { 200: Type.Unknown() } } },
    async () => cpcFeatureNames.map((name) => ({ name, labelZh: cpcFeatures[name].labelZh, labelEn: cpcFeatures[name].labelEn, default: defaultCpcFeatures.includes(name) })),
  );

  app.post(
    '/api/models/cpc/runs',
    {
      preHandler: requires(store, 'models.train'),
      schema: { ...common, summary: 'Cluster the customers into CPC segments (a tracked, versioned model run)', body: CpcParams, response: { 202: Type.Object({ runId: Type.Integer(), jobId: Type.String() }), 400: ErrorBody } },
    },
    async (request, reply) => {
      const started = await startCpcRun(store, request.body, currentUser(request).username);
      started.done.catch(() => undefined); // the run records its own failure
      return reply.status(202).send({ runId: started.runId, jobId: started.jobId });
    },
  );

  app.get(
    '/api/models/cpc',
    {
      preHandler: requires(store, 'models.read'),
      schema: { ...common, summary: 'Segments and CP / CC / PC fit matrices of a CPC run (the latest when no run is named)', querystring: Type.Object({ runId: Type.Optional(Type.Integer({ minimum: 1 })) }), response: { 200: CpcResult, 404: ErrorBody } },
    },
    async (request) => getCpcResult(store, request.query.runId),
  );

  app.get(
    '/api/models/matching',
    {
      preHandler: requires(store, 'models.read'),
      schema: {
        ...common,
        summary: 'Top customers for a product with their best channel: propensity × channel preference × business–channel fit',
        querystring: Type.Object({
          productId: Type.String({ minLength: 1, maxLength: 64 }),
          limit: Type.Integer({ default: 100 }),
          minPropensity: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          propensityRunId: Type.Optional(Type.Integer({ minimum: 1 })),
          channelPreferenceRunId: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Matching, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { productId, ...options } = request.query;
      return matchTargets(store, productId, options);
    },
  );
}
