// Builds customer_features: each subscriber's monthly-average behaviour over the data months
// (usage by class, bill, VAS, contacts). Rebuilt in one SQL statement after data changes.
import { billedMinutesSql } from '../store/sql.ts';
import type { Db } from '../store/store.ts';
import type { Progress } from '../jobs/jobs.ts';

/**
 * The moment the province's data ends: the first day after the last bill month (or after the
 * last CDR month when there are no bills). "Last 30 days" filters count back from here.
 */
export const dataEndSql = `(SELECT coalesce(
    (SELECT max(bill_month) FROM bills) + INTERVAL 1 MONTH,
    (SELECT date_trunc('month', max(start_time)) FROM cdr_voice) + INTERVAL 1 MONTH,
    current_date)::TIMESTAMP)`;

const electronicChannels = `('sms_hall', 'web', 'wap', 'app', 'terminal')`;

export async function refreshCustomerFeatures(db: Db, progress: Progress = () => undefined): Promise<{ subscribers: number }> {
  progress(0, 'customer features');
  await db.run('DELETE FROM customer_features');
  await db.run(`
    INSERT INTO customer_features
    WITH span AS (
      -- the bill months, or the calendar months the calls span (first to last, a min/max away)
      SELECT greatest(1, (SELECT count(DISTINCT bill_month) FROM bills),
                         (SELECT coalesce(datediff('month', min(start_time), max(start_time)) + 1, 0) FROM cdr_voice)) AS months,
             ${dataEndSql} AS data_end
    ),
    voice AS (
      SELECT subscriber_id, count(*) AS calls,
        sum(m) AS minutes,
        sum(m) FILTER (WHERE call_class = 'local'::call_class AND roam_type = 'none'::roam_type) AS local_minutes,
        sum(m) FILTER (WHERE call_class = 'dld'::call_class) AS ld_minutes,
        sum(m) FILTER (WHERE ip_prefix IS NOT NULL) AS ip_minutes,
        sum(m) FILTER (WHERE call_class IN ('intl'::call_class, 'hmt'::call_class)) AS intl_minutes,
        sum(m) FILTER (WHERE roam_type = 'intra'::roam_type) AS roam_intra_minutes,
        sum(m) FILTER (WHERE roam_type IN ('inter'::roam_type, 'intl'::roam_type)) AS roam_inter_minutes,
        sum(m) FILTER (WHERE time_band = 'offpeak'::time_band) AS offpeak_minutes,
        sum(m) FILTER (WHERE is_vpmn) AS vpmn_minutes
      FROM (SELECT subscriber_id, call_class, roam_type, ip_prefix, time_band, is_vpmn, ${billedMinutesSql('duration_s')} AS m FROM cdr_voice)
      GROUP BY subscriber_id
    ),
    sms AS (SELECT subscriber_id, count(*) AS n FROM cdr_sms WHERE direction = 'mo'::msg_direction GROUP BY subscriber_id),
    mms AS (SELECT subscriber_id, count(*) AS n FROM cdr_mms WHERE direction = 'mo'::msg_direction GROUP BY subscriber_id),
    gprs AS (
      SELECT subscriber_id, sum(volume_kb) / 1024.0 AS mb, sum(volume_kb) FILTER (WHERE service = 'fetion'::data_service) / 1024.0 AS fetion_mb
      FROM cdr_gprs GROUP BY subscriber_id
    ),
    wlan AS (SELECT subscriber_id, sum(${billedMinutesSql('duration_s')}) AS minutes FROM cdr_wlan GROUP BY subscriber_id),
    bill AS (SELECT subscriber_id, sum(amount_fen) AS fen FROM bills GROUP BY subscriber_id),
    vas AS (
      SELECT h.subscriber_id, count(*) AS n FROM holdings h JOIN products p USING (product_id)
      WHERE p.kind = 'vas'::product_kind AND h.end_date IS NULL GROUP BY h.subscriber_id
    ),
    contacts AS (
      SELECT e.subscriber_id, count(*) AS n,
        count(*) FILTER (WHERE e.event_type = 'complaint') AS complaints,
        count(*) FILTER (WHERE e.channel_id = 'store') AS store_visits,
        count(*) FILTER (WHERE e.channel_id IN ${electronicChannels}) AS electronic,
        max(e.event_time) AS last_at
      FROM contact_events e, span
      WHERE e.event_time >= span.data_end - INTERVAL 90 DAY AND e.event_time < span.data_end
      GROUP BY e.subscriber_id
    )
    SELECT s.subscriber_id, span.months,
      CAST(round(coalesce(bill.fen, 0) / span.months) AS INTEGER),
      coalesce(voice.calls, 0) / span.months,
      coalesce(voice.minutes, 0) / span.months,
      coalesce(voice.local_minutes, 0) / span.months,
      coalesce(voice.ld_minutes, 0) / span.months,
      coalesce(voice.ip_minutes, 0) / span.months,
      coalesce(voice.intl_minutes, 0) / span.months,
      coalesce(voice.roam_intra_minutes, 0) / span.months,
      coalesce(voice.roam_inter_minutes, 0) / span.months,
      CASE WHEN coalesce(voice.minutes, 0) > 0 THEN coalesce(voice.offpeak_minutes, 0) / voice.minutes ELSE 0 END,
      coalesce(voice.vpmn_minutes, 0) / span.months,
      coalesce(sms.n, 0) / span.months,
      coalesce(mms.n, 0) / span.months,
      coalesce(gprs.mb, 0) / span.months,
      coalesce(gprs.fetion_mb, 0) / span.months,
      coalesce(wlan.minutes, 0) / span.months,
      CAST(coalesce(vas.n, 0) AS INTEGER),
      CAST(coalesce(contacts.n, 0) AS INTEGER),
      CAST(coalesce(contacts.complaints, 0) AS INTEGER),
      CAST(coalesce(contacts.store_visits, 0) AS INTEGER),
      CASE WHEN coalesce(contacts.n, 0) > 0 THEN contacts.electronic / contacts.n ELSE 0 END,
      contacts.last_at
    FROM subscribers s CROSS JOIN span
      LEFT JOIN voice USING (subscriber_id) LEFT JOIN sms USING (subscriber_id) LEFT JOIN mms USING (subscriber_id)
      LEFT JOIN gprs USING (subscriber_id) LEFT JOIN wlan USING (subscriber_id) LEFT JOIN bill USING (subscriber_id)
      LEFT JOIN vas USING (subscriber_id) LEFT JOIN contacts USING (subscriber_id)`);
  const row = await db.one<{ n: number }>('SELECT count(*) AS n FROM customer_features');
  progress(1, 'customer features');
  return { subscribers: row?.n ?? 0 };
}
