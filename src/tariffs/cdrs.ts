// Loads customer-months of CDRs and bills as plain objects, for the reference rater: the
// fast path's fallback, a customer's drill-down, and tests. Not for bulk work.
import type { Db } from '../store/store.ts';
import type { BillLine, CustomerMonth, GprsCdr, MessageCdr, VoiceCdr, WlanCdr } from './classes.ts';

interface Keyed {
  sid: number;
  month: string;
}

/** CustomerMonths for these subscribers and months ('YYYY-MM'), one per pair, empty ones included. */
export async function customerMonthsFor(db: Db, subscriberIds: number[], months: string[]): Promise<CustomerMonth[]> {
  if (subscriberIds.length === 0 || months.length === 0) return [];
  const sorted = [...months].sort();
  const [y, m] = sorted[sorted.length - 1].split('-').map(Number);
  const end = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  const params = { ids: subscriberIds.join(','), months: sorted.join(','), from: `${sorted[0]}-01`, to: end };
  // the time range, and the subscribers as a semi-join (whose bounds DuckDB pushes into the
  // scan), let it skip the row groups of other subscribers: a list_contains filter reads every CDR
  const mine = (col: string) =>
    `${col} >= CAST($from AS TIMESTAMP) AND ${col} < CAST($to AS TIMESTAMP)
     AND subscriber_id IN (SELECT unnest(CAST(string_split($ids, ',') AS INTEGER[])))
     AND list_contains(string_split($months, ','), strftime(${col}, '%Y-%m'))`;
  // One query at a time: `db` may be a single connection (a transaction).
  const subs = await db.query<{ sid: number; home: string }>(
    `SELECT subscriber_id AS sid, city_code AS home FROM subscribers WHERE list_contains(CAST(string_split($ids, ',') AS INTEGER[]), subscriber_id)`,
    { ids: params.ids },
  );
  const voice = await db.query<Keyed & VoiceCdr>(
    `SELECT subscriber_id AS sid, strftime(start_time, '%Y-%m') AS month, strftime(start_time, '%Y-%m-%d %H:%M:%S') AS "startTime",
       duration_s AS "durationS", CAST(direction AS VARCHAR) AS direction, CAST(call_class AS VARCHAR) AS "callClass",
       CAST(roam_type AS VARCHAR) AS "roamType", visited_city AS "visitedCity", ip_prefix AS "ipPrefix",
       CAST(country_group AS INTEGER) AS "countryGroup", is_vpmn AS "isVpmn", charge_fen AS "chargeFen"
     FROM cdr_voice WHERE ${mine('start_time')}`,
    params,
  );
  const sms = await db.query<Keyed & MessageCdr>(
    `SELECT subscriber_id AS sid, strftime(sent_time, '%Y-%m') AS month, strftime(sent_time, '%Y-%m-%d %H:%M:%S') AS "sentTime",
       CAST(direction AS VARCHAR) AS direction, CAST(peer_net AS VARCHAR) AS "peerNet", CAST(roam_type AS VARCHAR) AS "roamType", charge_fen AS "chargeFen"
     FROM cdr_sms WHERE ${mine('sent_time')}`,
    params,
  );
  const mms = await db.query<Keyed & MessageCdr>(
    `SELECT subscriber_id AS sid, strftime(sent_time, '%Y-%m') AS month, strftime(sent_time, '%Y-%m-%d %H:%M:%S') AS "sentTime",
       CAST(direction AS VARCHAR) AS direction, CAST(peer_net AS VARCHAR) AS "peerNet", CAST(roam_type AS VARCHAR) AS "roamType", charge_fen AS "chargeFen"
     FROM cdr_mms WHERE ${mine('sent_time')}`,
    params,
  );
  const gprs = await db.query<Keyed & GprsCdr>(
    `SELECT subscriber_id AS sid, strftime(start_time, '%Y-%m') AS month, strftime(start_time, '%Y-%m-%d %H:%M:%S') AS "startTime",
       duration_s AS "durationS", volume_kb AS "volumeKb", CAST(roam_type AS VARCHAR) AS "roamType", charge_fen AS "chargeFen"
     FROM cdr_gprs WHERE ${mine('start_time')}`,
    params,
  );
  const wlan = await db.query<Keyed & WlanCdr>(
    `SELECT subscriber_id AS sid, strftime(start_time, '%Y-%m') AS month, strftime(start_time, '%Y-%m-%d %H:%M:%S') AS "startTime",
       duration_s AS "durationS", volume_kb AS "volumeKb", charge_fen AS "chargeFen"
     FROM cdr_wlan WHERE ${mine('start_time')}`,
    params,
  );
  const bills = await db.query<Keyed & BillLine>(
    `SELECT subscriber_id AS sid, strftime(bill_month, '%Y-%m') AS month, CAST(item AS VARCHAR) AS item, amount_fen AS "amountFen"
     FROM bills WHERE ${mine('bill_month')}`,
    params,
  );
  const out = new Map<string, CustomerMonth>();
  for (const s of subs) {
    for (const month of sorted) {
      out.set(`${s.sid}|${month}`, { subscriberId: s.sid, month, homeCity: s.home, voice: [], sms: [], mms: [], gprs: [], wlan: [], bills: [] });
    }
  }
  const put = <T extends Keyed>(rows: T[], pick: (cm: CustomerMonth) => Array<Omit<T, 'sid' | 'month'>>) => {
    for (const { sid, month, ...rest } of rows) {
      const cm = out.get(`${sid}|${month}`);
      if (cm) pick(cm).push(rest as Omit<T, 'sid' | 'month'>);
    }
  };
  put(voice, (cm) => cm.voice);
  put(sms, (cm) => cm.sms);
  put(mms, (cm) => cm.mms);
  put(gprs, (cm) => cm.gprs);
  put(wlan, (cm) => cm.wlan);
  put(bills, (cm) => cm.bills);
  return [...out.values()];
}
