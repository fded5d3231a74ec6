// Business–channel fit: the graded matrix, business and channel parameters, overrides.
import { Type } from '@sinclair/typebox';
import { FitCell, FitMatrix, deleteFitBusiness, fitMatrix, saveFitBusiness, saveFitChannel, setFitOverride } from '../../models/fit.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['models'], security: [{ bearer: [] }] };
const Attributes = Type.Unknown({ description: 'explanation, handsOn, identity, reach, value: each 0..5' });

export function fitRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/models/fit',
    { preHandler: requires(store, 'models.read'), schema: { ...common, summary: 'Business × channel fit grades (A priority, B fit, C unfit)', response: { 200: FitMatrix } } },
    async () => fitMatrix(store),
  );

  app.put(
    '/api/models/fit/businesses/:businessId',
    {
      preHandler: requires(store, 'models.settings'),
      schema: {
        ...common,
        summary: 'Create or change a business and its attribute parameters',
        params: Type.Object({ businessId: Type.String() }),
        body: Type.Object({ nameZh: Type.String({ minLength: 1, maxLength: 60 }), nameEn: Type.String({ minLength: 1, maxLength: 60 }), attributes: Attributes }),
        response: { 204: Type.Null(), 400: ErrorBody },
      },
    },
    async (request, reply) => {
      await saveFitBusiness(store, request.params.businessId, request.body, currentUser(request).username);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/models/fit/businesses/:businessId',
    { preHandler: requires(store, 'models.settings'), schema: { ...common, summary: 'Remove a business from the fit model', params: Type.Object({ businessId: Type.String() }), response: { 204: Type.Null(), 404: ErrorBody } } },
    async (request, reply) => {
      await deleteFitBusiness(store, request.params.businessId, currentUser(request).username);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/models/fit/channels/:channelId',
    {
      preHandler: requires(store, 'models.settings'),
      schema: { ...common, summary: "Change a channel's attribute parameters", params: Type.Object({ channelId: Type.String() }), body: Type.Object({ attributes: Attributes }), response: { 204: Type.Null(), 400: ErrorBody, 404: ErrorBody } },
    },
    async (request, reply) => {
      await saveFitChannel(store, request.params.channelId, request.body.attributes, currentUser(request).username);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/models/fit/overrides/:businessId/:channelId',
    {
      preHandler: requires(store, 'models.settings'),
      schema: {
        ...common,
        summary: 'Override the grade of a pair (grade null clears it); audited',
        params: Type.Object({ businessId: Type.String(), channelId: Type.String() }),
        body: Type.Object({ grade: Type.Union([Type.String(), Type.Null()]), reason: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])) }),
        response: { 200: FitCell, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) =>
      setFitOverride(store, request.params.businessId, request.params.channelId, request.body.grade, request.body.reason ?? null, currentUser(request).username),
  );
}
