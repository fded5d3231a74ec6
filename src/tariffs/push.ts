// Pushing a run's recommendations to the channels that carry the tariff conversation (seed 004
// §2.2.1.7: online hall first, store desk, outbound call): one CSV per channel with the before/
// after comparison, and a manifest with its row count and SHA-256, in an outbox folder next to
// the database, written by the channels' outbox writer (atomic) and recorded as deliveries.
import os from 'node:os';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { recordDelivery } from '../channels/delivery.ts';
import { outboxStamp, writeManifest, writeOutboxBytes } from '../channels/outbox.ts';
import { maskMsisdn } from '../customers/msisdn.ts';
import { Conflict } from '../store/errors.ts';
import type { Db } from '../store/store.ts';
import { unpackNotes, type Note } from './pricing.ts';
import { csvLine, getRun, resultColumns, type ResultSqlRow } from './simulation.ts';

export const pushChannels = ['web', 'store', 'outbound'] as const;
export type PushChannel = (typeof pushChannels)[number];

export const PushRequest = Type.Object(
  {
    channels: Type.Array(Type.Union(pushChannels.map((c) => Type.Literal(c))), {
      minItems: 1,
      uniqueItems: true,
      default: [...pushChannels],
      description: 'web (online hall), store (store desk), outbound (outbound call; do-not-disturb and inactive lines left out)',
    }),
  },
  { additionalProperties: false },
);
export type PushRequest = Static<typeof PushRequest>;

export const PushManifest = Type.Object({
  kind: Type.Literal('tariff_recommendations'),
  runId: Type.Integer(),
  runName: Type.String(),
  channel: Type.String(),
  file: Type.String({ description: 'The CSV, relative to the outbox folder' }),
  rows: Type.Integer(),
  sha256: Type.String(),
  msisdn: Type.Union([Type.Literal('masked'), Type.Literal('full')]),
  months: Type.Array(Type.String()),
  columns: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
export type PushManifest = Static<typeof PushManifest>;

/** The outbox folder next to the database file. */
export function outboxDir(dbFile: string): string {
  return dbFile === ':memory:' ? path.join(os.tmpdir(), 'yiti-outbox') : path.join(path.dirname(dbFile), 'outbox');
}

const columns = [
  'subscriber_id', 'msisdn', 'brand', 'city', 'current_plan', 'current_monthly_yuan',
  'recommended_plan', 'recommended_name_zh', 'recommended_name_en', 'new_monthly_yuan', 'saving_monthly_yuan',
  'saving_total_yuan', 'months', 'other_recommended', 'changes',
];

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** 'voice 120.00→80.00; gprs 30.00→0.00': the services whose charge changes, largest first. */
function changesText(notes: Note[]): string {
  return notes
    .filter((n): n is Extract<Note, { code: 'service' }> => n.code === 'service' && n.beforeFen !== n.afterFen)
    .slice(0, 4)
    .map((n) => `${n.service} ${yuan(n.beforeFen)}→${yuan(n.afterFen)}`)
    .join('; ');
}

/** Writes one CSV and manifest per channel for the run's customers on a sub-optimal plan. */
export async function pushRecommendations(
  db: Db,
  dbFile: string,
  runId: number,
  request: PushRequest,
  who: { username: string; revealPii: boolean },
): Promise<{ folder: string; manifests: PushManifest[] }> {
  const run = await getRun(db, runId);
  if (run.status !== 'succeeded') throw new Conflict(`Run ${runId} has not finished (${run.status}); push it when it has succeeded`, { code: 'RUN_NOT_READY' });
  const names = new Map(
    (await db.query<{ id: string; zh: string; en: string }>(`SELECT product_id AS id, name_zh AS zh, name_en AS en FROM products WHERE kind = 'tariff_plan'`)).map((p) => [p.id, p]),
  );
  const createdAt = new Date();
  const folderName = `tariff-run-${runId}-${outboxStamp(createdAt)}`;
  const outbox = outboxDir(dbFile);
  const folder = path.join(outbox, folderName);
  const manifests: PushManifest[] = [];
  for (const channel of request.channels) {
    // an outbound call may not reach a do-not-disturb or inactive line
    const extra = channel === 'outbound' ? "AND NOT s.dnd AND s.status = 'active'" : '';
    const rows = await db.query<ResultSqlRow>(
      `SELECT ${resultColumns} FROM tariff_run_results r JOIN subscribers s USING (subscriber_id)
       WHERE r.run_id = $run AND r.outcome = 'better' ${extra} ORDER BY r.saving_fen DESC, r.subscriber_id`,
      { run: runId },
    );
    let text = '\uFEFF' + csvLine(columns);
    for (const r of rows) {
      const best = r.bestPlanIds[0];
      const plan = names.get(best);
      const months = Math.max(1, r.monthsBilled);
      const notes = unpackNotes(r.notes);
      text += csvLine([
        r.subscriberId,
        who.revealPii ? r.msisdn : maskMsisdn(r.msisdn),
        r.brand,
        r.cityCode,
        r.currentPlanId,
        yuan(Math.round(r.currentFen / months)),
        best,
        plan?.zh ?? best,
        plan?.en ?? best,
        yuan(Math.round((r.bestFen ?? 0) / months)),
        yuan(Math.round(r.savingFen / months)),
        yuan(r.savingFen),
        r.monthsBilled,
        r.recommended.filter((p) => p !== best),
        changesText(notes),
      ]);
    }
    const written = await writeOutboxBytes(outbox, `${folderName}/${channel}.csv`, Buffer.from(text, 'utf8'));
    const manifest: PushManifest = {
      kind: 'tariff_recommendations',
      runId,
      runName: run.name,
      channel,
      file: written.file,
      rows: rows.length,
      sha256: written.sha256,
      msisdn: who.revealPii ? 'full' : 'masked',
      months: run.months,
      columns,
      createdBy: who.username,
      createdAt: createdAt.toISOString(),
    };
    // the manifest last: a reader that sees it may trust the CSV is complete
    await writeManifest(outbox, `${folderName}/${channel}.manifest.json`, manifest);
    await recordDelivery(db, { kind: 'tariff_recommendations', runId, channelId: channel, method: 'file', file: written.file, rows: rows.length, sha256: written.sha256, status: 'delivered', createdBy: who.username });
    manifests.push(manifest);
  }
  return { folder, manifests };
}
