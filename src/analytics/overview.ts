// The province overview: subscribers by brand and city, the ARPU distribution, channel
// contact volumes and monthly revenue/usage — the console's landing page.
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../store/store.ts';
import { billedMinutesSql, monthNumberSql } from '../store/sql.ts';

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

export async function provinceMeta(db: Db): Promise<Record<string, string>> {
  const rows = await db.query<{ key: string; value: string }>('SELECT key, value FROM province_meta');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
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
    db.query<{ bin: number; subscribers: number }>(
      `SELECT CAST(list_position($edges, list_last(list_filter($edges, e -> e <= arpu_fen))) AS INTEGER) AS bin,
         CAST(count(*) AS INTEGER) AS subscribers
       FROM subscribers GROUP BY 1 ORDER BY 1`,
      { edges: arpuBinEdgesFen },
    ),
    db.query<Overview['channelVolumes'][number]>(
      `SELECT ch.channel_id AS "channelId", ch.name_zh AS "nameZh", ch.name_en AS "nameEn",
         CAST(count(e.subscriber_id) AS INTEGER) AS contacts,
         CAST(count(e.subscriber_id) FILTER (WHERE e.event_type = 'complaint'::contact_type) AS INTEGER) AS complaints
       FROM channels ch LEFT JOIN contact_events e USING (channel_id)
       GROUP BY ALL ORDER BY contacts DESC, "channelId"`,
    ),
    db.query<Overview['monthly'][number]>(
      // months as numbers (year × 12 + month − 1) until the end: formatting a date per CDR would
      // cost more than the whole scan
      `WITH revenue AS (SELECT ${monthNumberSql('bill_month')} AS m, sum(amount_fen) AS fen FROM bills GROUP BY 1),
         voice AS (SELECT ${monthNumberSql('start_time')} AS m, sum(${billedMinutesSql('duration_s')}) AS minutes FROM cdr_voice GROUP BY 1),
         sms AS (SELECT ${monthNumberSql('sent_time')} AS m, count(*) AS n FROM cdr_sms WHERE direction = 'mo'::msg_direction GROUP BY 1),
         gprs AS (SELECT ${monthNumberSql('start_time')} AS m, sum(volume_kb) AS kb FROM cdr_gprs GROUP BY 1)
       SELECT strftime(make_date(CAST(m // 12 AS INTEGER), CAST(m % 12 + 1 AS INTEGER), 1), '%Y-%m') AS month,
         CAST(coalesce(revenue.fen, 0) AS BIGINT) AS "revenueFen",
         CAST(coalesce(voice.minutes, 0) AS BIGINT) AS "voiceMinutes", CAST(coalesce(sms.n, 0) AS BIGINT) AS sms,
         CAST(round(coalesce(gprs.kb, 0) / 1024) AS BIGINT) AS "gprsMb"
       FROM revenue FULL JOIN voice USING (m) FULL JOIN sms USING (m) FULL JOIN gprs USING (m)
       ORDER BY m`,
    ),
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
