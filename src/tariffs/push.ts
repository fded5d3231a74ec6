// Pushing a run's recommendations to the channels that carry the tariff conversation (seed 004
// §2.2.1.7: online hall first, store desk, outbound call): one CSV per channel with the before/
// after comparison, and a manifest with its row count and SHA-256, in the outbox, written by the
// channels' outbox writer (atomic) and recorded as deliveries; a channel system with an HTTP
// endpoint is also sent its list, with retries, like a campaign wave's.
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { recordListDelivery, startSends, type Delivery } from '../channels/delivery.ts';
import { outboxStamp, writeManifest, writeOutboxFiles } from '../channels/outbox.ts';
import { maskMsisdnSql } from '../customers/msisdn.ts';
import { Conflict } from '../store/errors.ts';
import { csvField, csvFieldSql, csvLine, csvRowSql, yuanTextSql } from '../store/sql.ts';
import type { Store } from '../store/store.ts';
import { unpackNotes, type Note } from './pricing.ts';
import { getRun } from './simulation.ts';

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

/**
 * Writes one CSV and manifest per channel for the run's customers on a sub-optimal plan into
 * `outbox`, and sends each list to its channel's HTTP endpoint where one is configured; those
 * sends go on in the background (`pushes`), their status on each delivery.
 */
export async function pushRecommendations(
  store: Store,
  outbox: string,
  runId: number,
  request: PushRequest,
  who: { username: string; revealPii: boolean },
): Promise<{ folder: string; manifests: PushManifest[]; deliveries: Delivery[]; pushes: Promise<void> }> {
  const run = await getRun(store, runId);
  if (run.status !== 'succeeded') throw new Conflict(`Run ${runId} has not finished (${run.status}); push it when it has succeeded`, { code: 'RUN_NOT_READY' });
  const createdAt = new Date();
  const folderName = `tariff-run-${runId}-${outboxStamp(createdAt)}`;
  const folder = path.join(outbox, folderName);
  // each month's figure is the run's total over the months billed, rounded like Math.round
  const monthly = (fen: string) => yuanTextSql(`floor(${fen} / greatest(1, r.months_billed) + 0.5)`);
  const best = 'r.best_plan_ids[1]';
  // every column but the last in SQL, one line per customer; the changes come from the notes
  const head = [
    'r.subscriber_id', csvFieldSql(who.revealPii ? 's.msisdn' : maskMsisdnSql('s.msisdn')), 'CAST(s.brand AS VARCHAR)', csvFieldSql('s.city_code'),
    csvFieldSql('r.current_plan_id'), monthly('r.current_fen'), csvFieldSql(best), csvFieldSql(`coalesce(p.name_zh, ${best})`),
    csvFieldSql(`coalesce(p.name_en, ${best})`), monthly('coalesce(r.best_fen, 0)'), monthly('r.saving_fen'), yuanTextSql('r.saving_fen'),
    'r.months_billed', csvFieldSql(`array_to_string(list_filter(r.recommended, id -> id <> ${best}), ' ')`),
  ];
  // one pass over the run's sub-optimal customers writes every channel's list
  const rows = request.channels.map(() => 0);
  const files = await writeOutboxFiles(
    outbox,
    request.channels.map((channel) => `${folderName}/${channel}.csv`),
    async (temps) => {
      const outs = temps.map((temp) => fs.createWriteStream(temp));
      const finished = Promise.all(outs.map((out) => once(out, 'finish')));
      try {
        const header = '\uFEFF' + csvLine(columns);
        for (const out of outs) out.write(header);
        const lines = store.stream<{ head: string; notes: string | null; reachable: boolean }>(
          `SELECT ${csvRowSql(head)} AS head, CAST(r.notes AS VARCHAR) AS notes, NOT s.dnd AND s.status = 'active' AS reachable
           FROM tariff_run_results r JOIN subscribers s USING (subscriber_id)
             LEFT JOIN products p ON p.product_id = ${best} AND p.kind = 'tariff_plan'
           WHERE r.run_id = $run AND r.outcome = 'better' ORDER BY r.saving_fen DESC, r.subscriber_id`,
          { run: runId },
        );
        for await (const batch of lines) {
          let all = '';
          let reachable = '';
          let reached = 0;
          for (const r of batch) {
            const line = `${r.head},${csvField(changesText(unpackNotes(r.notes)))}\r\n`;
            all += line;
            if (r.reachable) {
              reachable += line;
              reached++;
            }
          }
          // an outbound call may not reach a do-not-disturb or inactive line
          const drained = request.channels.map((channel, i) => {
            const text = channel === 'outbound' ? reachable : all;
            rows[i] += channel === 'outbound' ? reached : batch.length;
            return outs[i].write(text) ? null : once(outs[i], 'drain');
          });
          await Promise.all(drained);
        }
      } finally {
        for (const out of outs) out.end();
        await finished;
      }
    },
  );
  const manifests: PushManifest[] = [];
  const ids: number[] = [];
  for (const [i, channel] of request.channels.entries()) {
    const written = files[i];
    const manifest: PushManifest = {
      kind: 'tariff_recommendations',
      runId,
      runName: run.name,
      channel,
      file: written.file,
      rows: rows[i],
      sha256: written.sha256,
      msisdn: who.revealPii ? 'full' : 'masked',
      months: run.months,
      columns,
      createdBy: who.username,
      createdAt: createdAt.toISOString(),
    };
    // the manifest after its CSV: a reader that sees it may trust the CSV is complete
    await writeManifest(outbox, `${folderName}/${channel}.manifest.json`, manifest);
    ids.push(...(await recordListDelivery(store, { kind: 'tariff_recommendations', runId, channelId: channel, file: written.file, rows: rows[i], sha256: written.sha256, createdBy: who.username })));
    manifests.push(manifest);
  }
  return { folder, manifests, ...(await startSends(store, outbox, ids)) };
}
