// Closed-loop campaigns over HTTP: CRUD of drafts, the lifecycle actions, adjustments while running,
// the approval inbox, targets, outcomes, the report (JSON and CSV), marketing resources and the
// global holdout setting. Handlers parse → authorize → call the domain → respond.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  adjustCampaign,
  campaignHistory,
  getCampaignRow,
  campaignReport,
  createCampaign,
  deleteCampaign,
  getCampaign,
  holdoutSettings,
  listCampaigns,
  setHoldoutPercent,
  transitionActions,
  transitionCampaign,
  updateCampaign,
  type Actor,
} from '../../campaigns/campaigns.ts';
import { transitionRules } from '../../campaigns/lifecycle.ts';
import { recordOutcomes } from '../../campaigns/outcomes.ts';
import { reportCsv, reportXlsx } from '../../campaigns/export.ts';
import { CampaignReport } from '../../campaigns/report.ts';
import { DiversionQuery, DiversionReport, diversionReport } from '../../campaigns/diversion.ts';
import { CampaignSimulation, simulateCampaign } from '../../campaigns/simulation.ts';
import { policyEngine } from '../../policy/engine.ts';
import { applyForResource, decideResource, listResources, recordResourceUsage } from '../../campaigns/resources.ts';
import { targetCounts } from '../../campaigns/targets.ts';
import {
  AdjustBody,
  Campaign,
  CampaignList,
  CampaignListQuery,
  CampaignPlan,
  CampaignUpdate,
  HistoryEntry,
  HoldoutSettings,
  OutcomeBatch,
  Resource,
  ResourceApplication,
  ResourceDecision,
  ResourceUsage,
  TargetCounts,
  TransitionBody,
} from '../../campaigns/types.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['campaigns'], security: [{ bearer: [] }] };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: 'campaign id' }) });
const ResourceParams = Type.Object({ id: Type.Integer({ minimum: 1 }), resourceId: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

const actorOf = (request: FastifyRequest): Actor => {
  const user = currentUser(request);
  return { username: user.username, role: user.role };
};

export function campaignRoutes(app: App, { store }: ServerContext): void {
  app.get(
    '/api/campaigns',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'Campaigns, filtered by status and name, sorted and paged', querystring: CampaignListQuery, response: { 200: CampaignList, 400: ErrorBody } },
    },
    async (request) => listCampaigns(store, request.query),
  );

  app.get(
    '/api/campaigns/inbox',
    {
      preHandler: requires(store, 'campaigns.approve'),
      schema: { ...common, summary: 'Approval inbox: submitted campaigns that I neither created nor submitted', querystring: CampaignListQuery, response: { 200: CampaignList, 400: ErrorBody, 403: ErrorBody } },
    },
    async (request) => listCampaigns(store, request.query, { inboxFor: currentUser(request).username }),
  );

  app.get(
    '/api/campaigns/settings',
    { preHandler: requires(store, 'campaigns.read'), schema: { ...common, summary: 'The global holdout: its share and size', response: { 200: HoldoutSettings } } },
    async () => holdoutSettings(store),
  );

  app.put(
    '/api/campaigns/settings',
    {
      preHandler: requires(store, 'campaigns.settings'),
      schema: {
        ...common,
        summary: 'Change the global holdout share (audited)',
        body: Type.Object({ holdoutPercent: Type.Number({ minimum: 0, maximum: 20 }) }, { additionalProperties: false }),
        response: { 200: HoldoutSettings, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => setHoldoutPercent(store, request.body.holdoutPercent, actorOf(request)),
  );

  app.post(
    '/api/campaigns',
    { preHandler: requires(store, 'campaigns.write'), schema: { ...common, summary: 'Create a draft campaign', body: CampaignPlan, response: { 201: Campaign, ...errors } } },
    async (request, reply) => reply.status(201).send(await createCampaign(store, request.body, actorOf(request))),
  );

  app.get(
    '/api/campaigns/:id',
    { preHandler: requires(store, 'campaigns.read'), schema: { ...common, summary: 'One campaign: plan, status, targets and what I may do with it', params: IdParams, response: { 200: Campaign, 404: ErrorBody } } },
    async (request) => getCampaign(store, request.params.id, actorOf(request)),
  );

  app.put(
    '/api/campaigns/:id',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: { ...common, summary: 'Edit a draft (send the version you read)', params: IdParams, body: CampaignUpdate, response: { 200: Campaign, ...errors } },
    },
    async (request) => updateCampaign(store, request.params.id, request.body, actorOf(request)),
  );

  app.delete(
    '/api/campaigns/:id',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: {
        ...common,
        summary: 'Delete a draft',
        params: IdParams,
        querystring: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteCampaign(store, request.params.id, request.query.version, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  for (const action of transitionActions) {
    const rule = transitionRules[action];
    app.post(
      `/api/campaigns/:id/${action}`,
      {
        preHandler: requires(store, rule.permission),
        schema: {
          ...common,
          summary: `${action[0].toUpperCase()}${action.slice(1)}: ${rule.from.join(' / ')} → ${rule.to} (needs ${rule.permission}${rule.notOwn ? ', not on your own campaign' : ''}${rule.needsReason ? ', with a reason' : ''})`,
          params: IdParams,
          body: TransitionBody,
          response: { 200: Campaign, ...errors },
        },
      },
      async (request) => transitionCampaign(store, request.params.id, action, request.body, actorOf(request)),
    );
  }

  app.post(
    '/api/campaigns/:id/adjust',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: {
        ...common,
        summary: 'Adjust a running or paused campaign: budget actuals, waves (names, dates, channel order), channel priority rules',
        params: IdParams,
        body: AdjustBody,
        response: { 200: Campaign, ...errors },
      },
    },
    async (request) => adjustCampaign(store, request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/campaigns/:id/targets',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'Materialized targets: treatment, control, exclusions by reason, by wave and channel', params: IdParams, response: { 200: TargetCounts, 404: ErrorBody } },
    },
    async (request) => {
      const row = await getCampaignRow(store, request.params.id);
      return targetCounts(store, row.campaignId, row.scheduledAt);
    },
  );

  app.get(
    '/api/campaigns/:id/history',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'Every change of the campaign: who, when, what', params: IdParams, response: { 200: Type.Array(HistoryEntry), 404: ErrorBody } },
    },
    async (request) => campaignHistory(store, request.params.id),
  );

  app.post(
    '/api/campaigns/:id/outcomes',
    {
      preHandler: requires(store, 'campaigns.feedback'),
      schema: {
        ...common,
        summary: 'Record contact outcomes (a batch, all or nothing; rows already recorded are skipped)',
        params: IdParams,
        body: OutcomeBatch,
        response: { 200: Type.Object({ recorded: Type.Integer(), duplicates: Type.Integer() }), ...errors },
      },
    },
    async (request) => recordOutcomes(store, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/campaigns/:id/simulate',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: {
        ...common,
        summary: 'Simulate a campaign not yet scheduled: targets left after eligibility and the contact policy (with reasons), expected responses, cost against the budget, channel load per day',
        params: IdParams,
        response: { 200: CampaignSimulation, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      simulateCampaign(store, request.params.id, actorOf(request), async (campaignId, plan, targets) => (await policyEngine(store)).dryRun(campaignId, plan, targets)),
  );

  app.get(
    '/api/campaigns/:id/report',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'Tracking and evaluation report (live; frozen once evaluated)', params: IdParams, response: { 200: CampaignReport, 404: ErrorBody, 409: ErrorBody } },
    },
    async (request) => campaignReport(store, request.params.id),
  );

  app.get(
    '/api/campaigns/:id/diversion',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: {
        ...common,
        summary: "E-channel diversion: the targets' and the control group's transactions by channel before and after launch, who moved to e-channels",
        params: IdParams,
        querystring: DiversionQuery,
        response: { 200: DiversionReport, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => diversionReport(store, request.params.id, request.query),
  );

  app.get(
    '/api/campaigns/:id/report.csv',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'The report as CSV (UTF-8 with BOM, opens in Excel)', params: IdParams, response: { 404: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => {
      const report = await campaignReport(store, request.params.id);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="campaign-${request.params.id}-report.csv"`);
      return reply.send(reportCsv(report));
    },
  );

  app.get(
    '/api/campaigns/:id/report.xlsx',
    {
      preHandler: requires(store, 'campaigns.read'),
      schema: { ...common, summary: 'The report as an Excel workbook (breakdown and summary sheets)', params: IdParams, response: { 404: ErrorBody, 409: ErrorBody } },
    },
    async (request, reply) => {
      const report = await campaignReport(store, request.params.id);
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename="campaign-${request.params.id}-report.xlsx"`);
      return reply.send(await reportXlsx(report));
    },
  );

  app.get(
    '/api/campaigns/:id/resources',
    { preHandler: requires(store, 'campaigns.read'), schema: { ...common, summary: 'Marketing resources of the campaign', params: IdParams, response: { 200: Type.Array(Resource), 404: ErrorBody } } },
    async (request) => listResources(store, request.params.id),
  );

  app.post(
    '/api/campaigns/:id/resources',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: { ...common, summary: 'Apply for a marketing resource (e.g. gifted prepaid credit) against the budget', params: IdParams, body: ResourceApplication, response: { 201: Resource, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await applyForResource(store, request.params.id, request.body, actorOf(request))),
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/api/campaigns/:id/resources/:resourceId/${decision}`,
      {
        preHandler: requires(store, 'campaigns.approve'),
        schema: {
          ...common,
          summary: `${decision === 'approve' ? 'Approve' : 'Reject (with a note)'} a resource application (not your own)`,
          params: ResourceParams,
          body: ResourceDecision,
          response: { 200: Resource, ...errors },
        },
      },
      async (request) => decideResource(store, request.params.id, request.params.resourceId, decision, request.body.note, actorOf(request)),
    );
  }

  app.post(
    '/api/campaigns/:id/resources/:resourceId/usage',
    {
      preHandler: requires(store, 'campaigns.write'),
      schema: { ...common, summary: 'Record how much of an approved resource is used (cumulative)', params: ResourceParams, body: ResourceUsage, response: { 200: Resource, ...errors } },
    },
    async (request) => recordResourceUsage(store, request.params.id, request.params.resourceId, request.body.usedQuantity, actorOf(request)),
  );
}
