// The unified customer view: the subscriber list, the customer 360 (profile, holdings, three
// months of usage and bills) and the contact timeline across every channel (MISSION §2).
import type { Db } from '../store/store.ts';
import { NotFound } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';
import { billedMinutesSql, csvFieldSql, csvLine, csvRowSql, yuanTextSql } from '../store/sql.ts';
import { maskMsisdn, maskMsisdnSql } from './msisdn.ts';
import { savedSegmentAt, segmentMembersSql } from './segments.ts';
import type {
  ContactTimeline,
  ContactTimelineQuery,
  Customer360,
  CustomerExportQuery,
  CustomerList,
  CustomerListQuery,
  CustomerProfile,
  CustomerSortField,
  Holding,
  MonthlyBill,
  MonthlyUsage,
} from './schemas.ts';

// Tenure is counted up to the end of the province's data, not today's date, so that a
// demo province generated for past months shows the tenure it had then.
const asOfDate = `COALESCE((SELECT TRY_CAST(value AS DATE) FROM province_meta WHERE key = 'as_of_date'), current_date)`;

const summaryColumns = `
  s.subscriber_id AS "subscriberId", s.msisdn, s.brand::VARCHAR AS brand, s.plan_id AS "planId",
  p.name_zh AS "planNameZh", p.name_en AS "planNameEn", s.status::VARCHAR AS status,
  s.city_code AS "cityCode", c.name_zh AS "cityNameZh", c.name_en AS "cityNameEn",
  s.age, s.gender::VARCHAR AS gender, s.arpu_fen AS "arpuFen", s.vip_level AS "vipLevel",
  CAST(greatest(0, datediff('month', s.join_date, ${asOfDate})) AS INTEGER) AS "tenureMonths"`;

const summaryFrom = `subscribers s
  LEFT JOIN products p ON p.product_id = s.plan_id
  LEFT JOIN cities c ON c.city_code = s.city_code`;

const sortColumns: Record<CustomerSortField, string> = {
  subscriberId: 's.subscriber_id',
  arpuFen: 's.arpu_fen',
  age: 's.age',
  tenureMonths: 's.join_date',
  vipLevel: 's.vip_level',
};

/** Whether the caller sees full numbers; PII reveal is a separate audited action. */
export interface Viewer {
  revealPii: boolean;
}

const masked = <T extends { msisdn: string }>(row: T, viewer: Viewer): T =>
  viewer.revealPii ? row : { ...row, msisdn: maskMsisdn(row.msisdn) };

/** The list's conditions: number or id, brand, city, status, and a saved segment's members. */
async function customerFilters(db: Db, query: CustomerExportQuery): Promise<Filters> {
  const filters = new Filters();
  const q = query.q?.trim();
  if (q) {
    // a number or id is all digits; anything else matches nobody
    if (/^\d+$/.test(q)) filters.always('(s.msisdn LIKE $qPrefix OR s.subscriber_id = TRY_CAST($q AS INTEGER))', { qPrefix: `${q}%`, q });
    else filters.always('false');
  }
  filters
    .when(query.brand, 'brand', 's.brand = $brand')
    .when(query.cityCode, 'cityCode', 's.city_code = $cityCode')
    .when(query.status, 'status', 's.status = $status');
  if (query.segmentId !== undefined) {
    const segment = await savedSegmentAt(db, query.segmentId, 'segmentId');
    const members = segmentMembersSql(segment.filter);
    filters.always(`s.subscriber_id IN (${members.where})`, members.params);
  }
  return filters;
}

/** ORDER BY of the list; tenure grows as join_date falls, so its sort runs the other way. */
function customerOrder(query: CustomerExportQuery): string {
  const direction = (query.sort === 'tenureMonths') !== (query.order === 'desc') ? 'DESC' : 'ASC';
  return `${sortColumns[query.sort]} ${direction}, s.subscriber_id`;
}

export async function listCustomers(db: Db, query: CustomerListQuery, viewer: Viewer = { revealPii: false }): Promise<CustomerList> {
  const { where, params } = await customerFilters(db, query);
  // the page and the total in one pass over the filter (a segment's can take a second at a million)
  const rows = await db.query<CustomerList['items'][number] & { total: number }>(
    `SELECT ${summaryColumns}, count(*) OVER () AS total FROM ${summaryFrom} ${where}
     ORDER BY ${customerOrder(query)}
     LIMIT $limit OFFSET $offset`,
    { ...params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  // a page past the end has no row to carry the total
  const total = rows.length ? rows[0].total : (await db.one<{ n: number }>(`SELECT count(*) AS n FROM subscribers s ${where}`, params))?.n ?? 0;
  return { total, items: rows.map(({ total: _total, ...r }) => masked(r, viewer)) };
}

/** Every customer the list's filters select, as CSV lines in the list's order (a BOM first, for Excel), streamed. */
export async function* customersCsv(db: Db, query: CustomerExportQuery, viewer: Viewer): AsyncGenerator<string> {
  const { where, params } = await customerFilters(db, query);
  yield '\uFEFF' + csvLine(['subscriber_id', 'msisdn', 'brand', 'plan_id', 'plan_name', 'status', 'city_code', 'city_name', 'age', 'gender', 'arpu_yuan', 'vip_level', 'tenure_months']);
  const fields = [
    's.subscriber_id', csvFieldSql(viewer.revealPii ? 's.msisdn' : maskMsisdnSql('s.msisdn')), 'CAST(s.brand AS VARCHAR)', csvFieldSql('s.plan_id'), csvFieldSql('p.name_zh'),
    'CAST(s.status AS VARCHAR)', csvFieldSql('s.city_code'), csvFieldSql('c.name_zh'), 's.age', 'CAST(s.gender AS VARCHAR)', yuanTextSql('s.arpu_fen'), 's.vip_level',
    `CAST(greatest(0, datediff('month', s.join_date, ${asOfDate})) AS INTEGER)`,
  ];
  for await (const batch of db.stream<{ line: string }>(`SELECT ${csvRowSql(fields)} || chr(13) || chr(10) AS line FROM ${summaryFrom} ${where} ORDER BY ${customerOrder(query)}`, params)) {
    let chunk = '';
    for (const r of batch) chunk += r.line;
    yield chunk;
  }
}

export async function findCustomerProfile(db: Db, subscriberId: number, viewer: Viewer): Promise<CustomerProfile | undefined> {
  const row = await db.one<CustomerProfile>(
    `SELECT ${summaryColumns}, strftime(s.join_date, '%Y-%m-%d') AS "joinDate", s.payment_type::VARCHAR AS "paymentType",
       s.handset_brand AS "handsetBrand", s.handset_gprs AS "handsetGprs", s.handset_mms AS "handsetMms",
       s.handset_wap AS "handsetWap", s.handset_smart AS "handsetSmart", s.dnd,
       s.group_id AS "groupId", g.name AS "groupName", s.vpmn_group_id AS "vpmnGroupId",
       s.is_group_key_person AS "isGroupKeyPerson"
     FROM ${summaryFrom} LEFT JOIN groups g ON g.group_id = s.group_id
     WHERE s.subscriber_id = $id`,
    { id: subscriberId },
  );
  return row && masked(row, viewer);
}

export async function getCustomerProfile(db: Db, subscriberId: number, viewer: Viewer): Promise<CustomerProfile> {
  const profile = await findCustomerProfile(db, subscriberId, viewer);
  if (!profile) throw new NotFound('Subscriber', subscriberId);
  return profile;
}

export async function holdingsOf(db: Db, subscriberId: number): Promise<Holding[]> {
  return db.query<Holding>(
    `SELECT h.product_id AS "productId", p.kind::VARCHAR AS kind, p.service::VARCHAR AS service,
       p.name_zh AS "nameZh", p.name_en AS "nameEn", p.monthly_fee_fen AS "monthlyFeeFen",
       strftime(h.start_date, '%Y-%m-%d') AS "startDate", strftime(h.end_date, '%Y-%m-%d') AS "endDate"
     FROM holdings h JOIN products p USING (product_id)
     WHERE h.subscriber_id = $id ORDER BY h.end_date NULLS FIRST, h.start_date DESC, h.product_id`,
    { id: subscriberId },
  );
}

/** Usage per month from the CDRs; months with no usage at all are absent. */
export async function usageOf(db: Db, subscriberId: number): Promise<MonthlyUsage[]> {
  const minutes = billedMinutesSql('duration_s');
  return db.query<MonthlyUsage>(
    `WITH voice AS (
       SELECT strftime(start_time, '%Y-%m') AS month, count(*) AS calls,
         sum(${minutes}) AS minutes,
         sum(${minutes}) FILTER (WHERE call_class = 'local' AND roam_type = 'none') AS local_minutes,
         sum(${minutes}) FILTER (WHERE call_class <> 'local') AS ld_minutes,
         sum(${minutes}) FILTER (WHERE roam_type <> 'none') AS roam_minutes
       FROM cdr_voice WHERE subscriber_id = $id GROUP BY 1),
     sms AS (SELECT strftime(sent_time, '%Y-%m') AS month, count(*) AS n FROM cdr_sms WHERE subscriber_id = $id AND direction = 'mo' GROUP BY 1),
     mms AS (SELECT strftime(sent_time, '%Y-%m') AS month, count(*) AS n FROM cdr_mms WHERE subscriber_id = $id AND direction = 'mo' GROUP BY 1),
     gprs AS (SELECT strftime(start_time, '%Y-%m') AS month, sum(volume_kb) AS kb FROM cdr_gprs WHERE subscriber_id = $id GROUP BY 1),
     wlan AS (SELECT strftime(start_time, '%Y-%m') AS month, sum(${minutes}) AS minutes FROM cdr_wlan WHERE subscriber_id = $id GROUP BY 1),
     months AS (SELECT month FROM voice UNION SELECT month FROM sms UNION SELECT month FROM mms
                UNION SELECT month FROM gprs UNION SELECT month FROM wlan)
     SELECT m.month,
       CAST(coalesce(voice.calls, 0) AS INTEGER) AS "voiceCalls",
       CAST(coalesce(voice.minutes, 0) AS INTEGER) AS "voiceMinutes",
       CAST(coalesce(voice.local_minutes, 0) AS INTEGER) AS "localMinutes",
       CAST(coalesce(voice.ld_minutes, 0) AS INTEGER) AS "longDistanceMinutes",
       CAST(coalesce(voice.roam_minutes, 0) AS INTEGER) AS "roamingMinutes",
       CAST(coalesce(sms.n, 0) AS INTEGER) AS sms,
       CAST(coalesce(mms.n, 0) AS INTEGER) AS mms,
       CAST(coalesce(gprs.kb, 0) AS BIGINT) AS "gprsKb",
       CAST(coalesce(wlan.minutes, 0) AS INTEGER) AS "wlanMinutes"
     FROM months m
       LEFT JOIN voice USING (month) LEFT JOIN sms USING (month) LEFT JOIN mms USING (month)
       LEFT JOIN gprs USING (month) LEFT JOIN wlan USING (month)
     ORDER BY m.month`,
    { id: subscriberId },
  );
}

export async function billsOf(db: Db, subscriberId: number): Promise<MonthlyBill[]> {
  const rows = await db.query<{ month: string; item: string; amount: number }>(
    `SELECT strftime(bill_month, '%Y-%m') AS month, item::VARCHAR AS item, CAST(sum(amount_fen) AS BIGINT) AS amount
     FROM bills WHERE subscriber_id = $id GROUP BY 1, 2 ORDER BY 1, 2`,
    { id: subscriberId },
  );
  const byMonth = new Map<string, MonthlyBill>();
  for (const r of rows) {
    const bill = byMonth.get(r.month) ?? { month: r.month, totalFen: 0, items: {} };
    bill.items[r.item] = r.amount;
    bill.totalFen += r.amount;
    byMonth.set(r.month, bill);
  }
  return [...byMonth.values()];
}

export async function customer360(db: Db, subscriberId: number, viewer: Viewer): Promise<Customer360> {
  const profile = await getCustomerProfile(db, subscriberId, viewer);
  const [holdings, usage, bills] = await Promise.all([holdingsOf(db, subscriberId), usageOf(db, subscriberId), billsOf(db, subscriberId)]);
  return { profile, holdings, usage, bills };
}

/**
 * Every contact of one customer on every channel, newest first: CRM contact events, IVR
 * key-press sessions, web browsing and orders, as one timeline.
 */
export async function contactTimeline(db: Db, subscriberId: number, query: ContactTimelineQuery): Promise<ContactTimeline> {
  await getCustomerProfile(db, subscriberId, { revealPii: false });
  const timeline = `(
    SELECT event_time AS time, 'contact' AS source, channel_id AS "channelId", event_type::VARCHAR AS type,
      business, outcome::VARCHAR AS outcome, duration_s AS "durationS", coalesce(note, campaign_id) AS detail
    FROM contact_events WHERE subscriber_id = $id
    UNION ALL
    SELECT start_time, 'ivr', 'ivr', 'ivr', 'ivr_menu',
      CASE WHEN abandoned THEN 'abandoned' WHEN to_agent THEN 'transferred' ELSE 'self_served' END,
      duration_s, key_path
    FROM ivr_sessions WHERE subscriber_id = $id
    UNION ALL
    SELECT visit_time, 'web', CASE WHEN site = 'wap' THEN 'wap' ELSE 'web' END, 'browse', site::VARCHAR, NULL,
      duration_s, page_path
    FROM web_browse WHERE subscriber_id = $id
    UNION ALL
    SELECT order_time, 'order', channel_id, 'order', product_id, status, NULL, action
    FROM orders WHERE subscriber_id = $id
  )`;
  const { where, params: filterParams } = new Filters()
    .when(query.channelId, 'channelId', '"channelId" = $channelId')
    .when(query.type, 'type', 'type = $type');
  const params = { ...filterParams, id: subscriberId };
  const total = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${timeline} t ${where}`, params);
  const items = await db.query<ContactTimeline['items'][number]>(
    `SELECT strftime(time, '%Y-%m-%d %H:%M:%S') AS time, source, "channelId", type, business, outcome, "durationS", detail
     FROM ${timeline} t ${where} ORDER BY t.time DESC, source, type LIMIT $limit OFFSET $offset`,
    { ...params, limit: query.pageSize, offset: (query.page - 1) * query.pageSize },
  );
  return { total: total?.n ?? 0, items };
}

/** The full number of one subscriber, for the audited reveal. */
export async function msisdnOf(db: Db, subscriberId: number): Promise<string> {
  const row = await db.one<{ msisdn: string }>('SELECT msisdn FROM subscribers WHERE subscriber_id = $id', { id: subscriberId });
  if (!row) throw new NotFound('Subscriber', subscriberId);
  return row.msisdn;
}
