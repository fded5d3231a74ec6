// The province overview: subscribers by brand and city, the ARPU distribution, channel
// contact volumes and monthly revenue/usage — the console's landing page.
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/store.ts';
import { billedMinutesSql, monthNumberSql } from '../store/sql.ts';
import { StateCache } from './state-cache.ts';

export const Overview = Type.Object({
  province: Type.Object({
    nameZh: Type.String(),
    nameEn: Type.String(),
    months: Type.Array(Type.String()),
    subscribers: Type.Integer(),
  }),
  byBrand: Type.Array(Type.Object({ brand: Type.String(), subscribers: Type.Integer(), arpuFen: Type.Integer() })),
  byCity: Type.Array(
    Type.Object({ cityCode: Type.String(), nameZh: Type.String(), nameEn: Type.String(), subscribers: Type.Integer(), arpuFen: Type.Integer() }),
  ),
  arpuHistogram: Type.Array(Type.Object({ fromFen: Type.Integer(), toFen: Type.Union([Type.Integer(), Type.Null()]), subscribers: Type.Integer() })),
  channelVolumes: Type.Array(
    Type.Object({ channelId: Type.String(), nameZh: Type.String(), nameEn: Type.String(), contacts: Type.Integer(), complaints: Type.Integer() }),
  ),
  monthly: Type.Array(
    Type.Object({ month: Type.String(), revenueFen: Type.Integer(), voiceMinutes: Type.Integer(), sms: Type.Integer(), gprsMb: Type.Integer() }),
  ),
});
export type Overview = Static<typeof Overview>;

/** ARPU histogram bin edges in fen (¥0–20, 20–50, …, 500+). */
export const arpuBinEdgesFen = [0, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 50_000];

/** The 1-based bin of `arpuBinEdgesFen` an amount falls in (NULL below the first edge), as a CASE over constants. */
const arpuBinSql = (column: string) =>
  `CAST(CASE ${arpuBinEdgesFen.map((edge, i) => `WHEN ${column} >= ${edge} THEN ${i + 1}`).reverse().join(' ')} END AS INTEGER)`;

export async function provinceMeta(db: Db): Promise<Record<string, string>> {
  const rows = await db.query<{ key: string; value: string }>('SELECT key, value FROM province_meta');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

type Monthly = Overview['monthly'];

/**
 * The CDR usage by month, computed once per state of the CDR tables: it scans every CDR (3 s at a
 * million subscribers), and the console opens on it.
 */
const usageCache = new StateCache<UsageMonth[]>(['cdr_voice', 'cdr_sms', 'cdr_gprs']);

interface UsageMonth {
  m: number;
  voiceMinutes: number;
  sms: number;
  gprsKb: number;
}

async function usageByMonth(db: Db): Promise<UsageMonth[]> {
  // months as numbers (year × 12 + month − 1): formatting a date per CDR would cost more than the whole scan
  return usageCache.get(db, 'usage', () =>
    db.query<UsageMonth>(
      `WITH voice AS (SELECT ${monthNumberSql('start_time')} AS m, sum(${billedMinutesSql('duration_s')}) AS minutes FROM cdr_voice GROUP BY 1),
         sms AS (SELECT ${monthNumberSql('sent_time')} AS m, count(*) AS n FROM cdr_sms WHERE direction = 'mo'::msg_direction GROUP BY 1),
         gprs AS (SELECT ${monthNumberSql('start_time')} AS m, sum(volume_kb) AS kb FROM cdr_gprs GROUP BY 1)
       SELECT CAST(m AS INTEGER) AS m, CAST(coalesce(voice.minutes, 0) AS BIGINT) AS "voiceMinutes", CAST(coalesce(sms.n, 0) AS BIGINT) AS sms,
         CAST(coalesce(gprs.kb, 0) AS BIGINT) AS "gprsKb"
       FROM voice FULL JOIN sms USING (m) FULL JOIN gprs USING (m)`,
    ),
  );
}

/** Revenue (from the bills, read live) and CDR usage by month. */
async function monthlyTotals(db: Db): Promise<Monthly> {
  const [revenue, usage] = await Promise.all([
    db.query<{ m: number; fen: number }>(
      `SELECT CAST(${monthNumberSql('bill_month')} AS INTEGER) AS m, CAST(fen AS BIGINT) AS fen FROM (SELECT bill_month, sum(amount_fen) AS fen FROM bills GROUP BY 1)`,
    ),
    usageByMonth(db),
  ]);
  const months = new Map<number, Monthly[number]>();
  const month = (m: number) => {
    let row = months.get(m);
    if (!row) {
      const label = `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      months.set(m, (row = { month: label, revenueFen: 0, voiceMinutes: 0, sms: 0, gprsMb: 0 }));
    }
    return row;
  };
  for (const r of revenue) month(r.m).revenueFen = r.fen;
  for (const u of usage) Object.assign(month(u.m), { voiceMinutes: u.voiceMinutes, sms: u.sms, gprsMb: Math.round(u.gprsKb / 1024) });
  return [...months.keys()].sort((a, b) => a - b).map((m) => months.get(m)!);
}

export async function overview(db: Db): Promise<Overview> {
  const [meta, byBrand, byCity, histogram, channels, monthly] = await Promise.all([
    provinceMeta(db),
    db.query<Overview['byBrand'][number]>(
      // brands in their catalogue order (GoTone, M-Zone, Easy-Own), not alphabetical
      `SELECT s.brand::VARCHAR AS brand, CAST(count(*) AS INTEGER) AS subscribers, CAST(round(avg(s.arpu_fen)) AS INTEGER) AS "arpuFen"
       FROM subscribers s GROUP BY s.brand ORDER BY s.brand`,
    ),
    db.query<Overview['byCity'][number]>(
      `SELECT s.city_code AS "cityCode", coalesce(c.name_zh, s.city_code) AS "nameZh", coalesce(c.name_en, s.city_code) AS "nameEn",
         CAST(count(*) AS INTEGER) AS subscribers, CAST(round(avg(s.arpu_fen)) AS INTEGER) AS "arpuFen"
       FROM subscribers s LEFT JOIN cities c USING (city_code) GROUP BY ALL ORDER BY subscribers DESC`,
    ),
    db.query<{ bin: number; subscribers: number }>(`SELECT ${arpuBinSql('arpu_fen')} AS bin, CAST(count(*) AS INTEGER) AS subscribers FROM subscribers GROUP BY 1 ORDER BY 1`),
    db.query<Overview['channelVolumes'][number]>(
      // the events counted per channel before the join: ten times faster than joining each event
      `WITH e AS (SELECT channel_id, count(*) AS n, count(*) FILTER (WHERE event_type = 'complaint'::contact_type) AS complaints FROM contact_events GROUP BY 1)
       SELECT ch.channel_id AS "channelId", ch.name_zh AS "nameZh", ch.name_en AS "nameEn",
         CAST(coalesce(e.n, 0) AS INTEGER) AS contacts, CAST(coalesce(e.complaints, 0) AS INTEGER) AS complaints
       FROM channels ch LEFT JOIN e USING (channel_id)
       ORDER BY contacts DESC, "channelId"`,
    ),
    monthlyTotals(db),
  ]);
  const counts = new Map(histogram.map((h) => [h.bin, h.subscribers]));
  const arpuHistogram = arpuBinEdgesFen.map((fromFen, i) => ({
    fromFen,
    toFen: arpuBinEdgesFen[i + 1] ?? null,
    subscribers: counts.get(i + 1) ?? 0,
  }));
  const subscribers = byBrand.reduce((n, b) => n + b.subscribers, 0);
  return {
    province: {
      nameZh: meta.province_name_zh ?? '演示省',
      nameEn: meta.province_name_en ?? 'Demo province',
      months: monthly.map((m) => m.month),
      subscribers,
    },
    byBrand,
    byCity,
    arpuHistogram,
    channelVolumes: channels,
    monthly,
  };
}
