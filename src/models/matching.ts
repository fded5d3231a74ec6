// Customer–business–channel matching (客户-业务-渠道匹配): a customer's propensity for a product
// (model 'propensity', target = product id) × their preference for a channel (model
// 'channel_preference', target 'channels', label = channel id) × the business–channel fit weight
// (A 1, B 0.7, C excluded). Campaigns take the top customers for a product with their best channel.
import { Type, type Static } from '@sinclair/typebox';
import { InvalidInput, NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import { fitMatrix, type Grade } from './fit.ts';
import { findLatestModelRun, getModelRun } from './runs.ts';

/** How a fit grade weighs a channel; C (unfit) removes it. A business with no parameters counts as B. */
export const fitWeights: Record<Grade, number> = { A: 1, B: 0.7, C: 0 };

/** The fit weight of each channel for offering a product (a business without parameters counts as B). */
export async function fitWeightsFor(db: Db, productId: string, channelIds: readonly string[]): Promise<number[]> {
  const fit = await fitMatrix(db);
  const known = fit.businesses.some((b) => b.businessId === productId);
  return channelIds.map((channelId) => {
    const cell = known ? fit.cells.find((c) => c.businessId === productId && c.channelId === channelId) : undefined;
    return fitWeights[(cell?.grade as Grade | undefined) ?? 'B'];
  });
}

export const MatchedTarget = Type.Object({
  subscriberId: Type.Integer(),
  channelId: Type.String(),
  /** propensity × preference ÷ 100 × fit weight, 0..100 */
  score: Type.Number(),
  propensity: Type.Number(),
  preference: Type.Number(),
  grade: Type.String(),
});
export type MatchedTarget = Static<typeof MatchedTarget>;

export const Matching = Type.Object({
  productId: Type.String(),
  propensityRunId: Type.Integer(),
  channelPreferenceRunId: Type.Integer(),
  targets: Type.Array(MatchedTarget),
});
export type Matching = Static<typeof Matching>;

export interface MatchOptions {
  limit: number;
  /** Pin the runs; default the latest succeeded ones. */
  propensityRunId?: number;
  channelPreferenceRunId?: number;
  /** Leave out customers scoring below this propensity (0..100). */
  minPropensity?: number;
}

async function runFor(db: Db, model: string, target: string, runId: number | undefined) {
  if (runId !== undefined) {
    const run = await getModelRun(db, runId);
    if (run.model !== model || run.status !== 'succeeded') throw new InvalidInput(`Run ${runId} is not a succeeded ${model} run`, { field: model === 'propensity' ? 'propensityRunId' : 'channelPreferenceRunId' });
    return run;
  }
  const run = await findLatestModelRun(db, model, target);
  if (!run) throw new NotFound(model === 'propensity' ? `Propensity model for` : 'Channel preference model', model === 'propensity' ? target : 'channels');
  return run;
}

/**
 * The top `limit` customers for a product, each with their best channel, among those who do not
 * hold it yet. Channels graded C for the product are never chosen.
 */
export async function matchTargets(db: Db, productId: string, options: MatchOptions): Promise<Matching> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 1_000_000) throw new InvalidInput('limit must be from 1 to 1,000,000', { field: 'limit' });
  const propensity = await runFor(db, 'propensity', productId, options.propensityRunId);
  if (propensity.target !== productId) throw new InvalidInput(`Run ${propensity.runId} scores ${propensity.target}, not ${productId}`, { field: 'propensityRunId' });
  const preference = await runFor(db, 'channel_preference', 'channels', options.channelPreferenceRunId);
  const fit = await fitMatrix(db);
  const known = fit.businesses.some((b) => b.businessId === productId);
  const channels = fit.channels.map((c) => c.channelId);
  const grade = (channelId: string): Grade =>
    known ? (fit.cells.find((c) => c.businessId === productId && c.channelId === channelId)!.grade as Grade) : 'B';
  const grades = channels.map(grade);
  const targets = await db.query<MatchedTarget>(
    `WITH p AS (SELECT subscriber_id, score FROM model_scores WHERE run_id = $prun AND score >= $min),
       c AS (SELECT subscriber_id, label AS channel_id, score FROM model_scores WHERE run_id = $crun),
       f AS (SELECT channel_id, grade, CASE grade WHEN 'A' THEN $wa WHEN 'B' THEN $wb ELSE $wc END AS w
             FROM (SELECT unnest($channels) AS channel_id, unnest($grades) AS grade)),
       m AS (
         SELECT p.subscriber_id, c.channel_id, p.score AS propensity, c.score AS preference, f.grade, p.score * c.score / 100 * f.w AS score
         FROM p JOIN c USING (subscriber_id) JOIN f USING (channel_id)
         WHERE f.w > 0 AND p.subscriber_id NOT IN (SELECT subscriber_id FROM holdings WHERE product_id = $product AND end_date IS NULL))
     SELECT subscriber_id AS "subscriberId", channel_id AS "channelId", score, propensity, preference, grade FROM m
     QUALIFY row_number() OVER (PARTITION BY subscriber_id ORDER BY score DESC, channel_id) = 1
     ORDER BY score DESC, subscriber_id LIMIT $limit`,
    {
      prun: propensity.runId,
      crun: preference.runId,
      min: options.minPropensity ?? 0,
      channels,
      grades,
      wa: fitWeights.A,
      wb: fitWeights.B,
      wc: fitWeights.C,
      product: productId,
      limit: options.limit,
    },
  );
  return { productId, propensityRunId: propensity.runId, channelPreferenceRunId: preference.runId, targets };
}
