// A customer's scores from the models: for each (model, target), the newest succeeded run that
// scored them. Runs trained on a file keep row numbers, not subscriber ids, and are left out.
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/store.ts';

export const SubscriberScore = Type.Object({
  runId: Type.Integer(),
  model: Type.String(),
  target: Type.String(),
  version: Type.Integer(),
  /** '' for one score per customer, else the class scored (e.g. a channel id) */
  label: Type.String(),
  score: Type.Number(),
});
export type SubscriberScore = Static<typeof SubscriberScore>;

export async function scoresOfSubscriber(db: Db, subscriberId: number): Promise<SubscriberScore[]> {
  return db.query<SubscriberScore>(
    `WITH newest AS (
       SELECT run_id, model, target, version FROM model_runs
       WHERE status = 'succeeded' AND target NOT LIKE 'file:%'
       QUALIFY row_number() OVER (PARTITION BY model, target ORDER BY version DESC) = 1
     )
     SELECT n.run_id AS "runId", n.model, n.target, n.version, ms.label, ms.score
     FROM model_scores ms JOIN newest n USING (run_id)
     WHERE ms.subscriber_id = $id
     ORDER BY n.model, n.target, ms.score DESC, ms.label`,
    { id: subscriberId },
  );
}

export const ScoreLabel = Type.Object({
  /** '' for one score per customer, else the class scored (a channel id, a cluster, product|channel) */
  label: Type.String(),
  customers: Type.Integer(),
  avgScore: Type.Number(),
});
export type ScoreLabel = Static<typeof ScoreLabel>;

/** The labels a run scored, with how many customers each and their mean score: what a segment's model-score condition may pick. */
export async function scoreLabels(db: Db, runId: number): Promise<ScoreLabel[]> {
  return db.query<ScoreLabel>(
    `SELECT label, count(*)::INTEGER AS customers, round(avg(score), 1)::DOUBLE AS "avgScore"
     FROM model_scores WHERE run_id = $run GROUP BY label ORDER BY label`,
    { run: runId },
  );
}
