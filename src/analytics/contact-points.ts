// Contact-point analytics (MISSION §7): where 10086 IVR callers go, give up or ask for an agent;
// what high-value, frequent and complaining customers call the hotline about; how people move
// through the websites. Per customer: a personal IVR menu, the answers to prepare for the
// questions they usually ask, and what they browse.
import { Type, type Static } from '@sinclair/typebox';
import { InvalidInput, NotFound } from '../store/errors.ts';
import { Filters } from '../store/filters.ts';
import type { Db, Store } from '../store/store.ts';
import { StateCache } from './state-cache.ts';
import { isCalendarDate } from '../store/dates.ts';
import { billedMinutesSql } from '../store/sql.ts';

export const customerGroups = ['all', 'high_value', 'frequent', 'complaint'] as const;
export type CustomerGroup = (typeof customerGroups)[number];

const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const ContactPointQuery = Type.Object({
  from: Type.Optional({ ...DateText, description: 'first day, YYYY-MM-DD (default: the first day of the data)' }),
  to: Type.Optional({ ...DateText, description: 'last day, YYYY-MM-DD, included (default: the last day of the data)' }),
  group: Type.Optional(
    Type.Union(customerGroups.map((g) => Type.Literal(g)), {
      default: 'all',
      description: 'high_value: VIP level 3 or more; frequent: at least frequentMin contacts in the last 90 days; complaint: a complaint in the last 90 days',
    }),
  ),
  frequentMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'contacts in 90 days that make a frequent contacter' })),
});
export type ContactPointQuery = Static<typeof ContactPointQuery>;

export const WebQuery = Type.Object({
  from: Type.Optional(ContactPointQuery.properties.from),
  to: Type.Optional(ContactPointQuery.properties.to),
  site: Type.Optional(Type.String({ minLength: 1, description: 'one site (online_hall, portal, wap, …); all sites when left out' })),
});
export type WebQuery = Static<typeof WebQuery>;

const Label = { labelZh: Type.String(), labelEn: Type.String() };

export const IvrAnalytics = Type.Object({
  summary: Type.Object({
    sessions: Type.Integer(),
    callers: Type.Integer(),
    selfServed: Type.Integer(),
    toAgent: Type.Integer(),
    abandoned: Type.Integer(),
    averageDurationS: Type.Number(),
    averageDepth: Type.Number(),
  }),
  nodes: Type.Array(
    Type.Object({
      path: Type.String({ description: "keys pressed to get here, like 1>2; a last key 0 is the agent" }),
      parent: Type.Union([Type.String(), Type.Null()]),
      depth: Type.Integer(),
      ...Label,
      reached: Type.Integer({ description: 'sessions that got here or deeper' }),
      endedHere: Type.Integer(),
      selfServed: Type.Integer({ description: 'sessions that ended here served, without an agent' }),
      toAgent: Type.Integer({ description: 'sessions that ended here with an agent' }),
      abandoned: Type.Integer({ description: 'callers who hung up here' }),
      averageDurationS: Type.Number({ description: 'of the sessions that ended here' }),
    }),
  ),
});
export type IvrAnalytics = Static<typeof IvrAnalytics>;

export const HotlineTopics = Type.Object({
  months: Type.Array(Type.String()),
  contacts: Type.Integer(),
  customers: Type.Integer(),
  topics: Type.Array(
    Type.Object({
      business: Type.String(),
      contacts: Type.Integer(),
      customers: Type.Integer(),
      share: Type.Number({ description: "of the group's hotline contacts" }),
      complaints: Type.Integer(),
      unresolved: Type.Integer({ description: 'contacts not resolved at once (unresolved or transferred)' }),
      byMonth: Type.Array(Type.Integer(), { description: 'contacts per month of `months`' }),
    }),
  ),
});
export type HotlineTopics = Static<typeof HotlineTopics>;

export const WebAnalytics = Type.Object({
  summary: Type.Object({
    sessions: Type.Integer(),
    visitors: Type.Integer(),
    pageViews: Type.Integer(),
    pagesPerSession: Type.Number(),
    bounceRate: Type.Number({ description: 'share of sessions of one page' }),
  }),
  pages: Type.Array(
    Type.Object({
      site: Type.String(),
      page: Type.String(),
      views: Type.Integer(),
      visitors: Type.Integer(),
      entries: Type.Integer(),
      exits: Type.Integer(),
      averageDurationS: Type.Number(),
    }),
  ),
  transitions: Type.Array(Type.Object({ site: Type.String(), from: Type.String(), to: Type.String(), sessions: Type.Integer() })),
  paths: Type.Array(Type.Object({ site: Type.String(), pages: Type.Array(Type.String()), sessions: Type.Integer() })),
});
export type WebAnalytics = Static<typeof WebAnalytics>;

export const CustomerContactPoints = Type.Object({
  ivrMenu: Type.Object({
    sessions: Type.Integer(),
    agentFirst: Type.Boolean({ description: 'offer the agent first: a VIP (level 3+) or a caller who mostly ends with an agent' }),
    reason: Type.Union([Type.Literal('vip'), Type.Literal('agent_preferred'), Type.Null()]),
    shortcuts: Type.Array(Type.Object({ path: Type.String(), ...Label, uses: Type.Integer(), lastUsed: Type.String() })),
  }),
  hotline: Type.Array(
    Type.Object({
      business: Type.String(),
      contacts: Type.Integer(),
      lastAt: Type.String(),
      answer: Type.Union([Type.Null(), Type.Object({ kind: Type.String(), facts: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])) })]),
    }),
  ),
  interests: Type.Array(Type.Object({ topic: Type.String(), views: Type.Integer(), seconds: Type.Integer(), share: Type.Number() })),
});
export type CustomerContactPoints = Static<typeof CustomerContactPoints>;

/** A new session after this long without a page view on the same site. */
export const webSessionGapS = 30 * 60;
/** The 10086 hotline's channels: the IVR and its agents. */
export const hotlineChannelIds = ['ivr', 'agent'] as const;
const hotlineChannels = `(${hotlineChannelIds.map((c) => `'${c}'`).join(', ')})`;

/** The window as timestamps: [from, to + 1 day). */
function windowFilter(filters: Filters, column: string, query: { from?: string; to?: string }): Filters {
  if (query.from && query.to && query.from > query.to) throw new InvalidInput(`from (${query.from}) is after to (${query.to})`, { field: 'from' });
  for (const [field, value] of [['from', query.from], ['to', query.to]] as const) {
    if (value !== undefined && !isCalendarDate(value)) throw new InvalidInput(`${field} is not a date: "${value}"`, { field });
  }
  return filters
    .when(query.from, 'from', `${column} >= CAST($from AS TIMESTAMP)`)
    .when(query.to, 'to', `${column} < CAST($to AS TIMESTAMP) + INTERVAL 1 DAY`);
}

/** The condition that keeps the rows of a customer group (on `subscriber_id`). */
function groupFilter(filters: Filters, query: ContactPointQuery): Filters {
  const group = query.group ?? 'all';
  if (group === 'high_value') return filters.always('subscriber_id IN (SELECT subscriber_id FROM subscribers WHERE vip_level >= 3)');
  if (group === 'frequent') {
    return filters.always('subscriber_id IN (SELECT subscriber_id FROM customer_features WHERE contacts_90d >= $frequentMin)', {
      frequentMin: query.frequentMin ?? 10,
    });
  }
  if (group === 'complaint') return filters.always('subscriber_id IN (SELECT subscriber_id FROM customer_features WHERE complaints_90d >= 1)');
  return filters;
}

/** The label of a path: the menu's, else 'Agent' for key 0, else the keys themselves. */
const labelSql = (path: string) => `
  coalesce(m.label_zh, CASE WHEN regexp_full_match(${path}, '(.*>)?0') THEN '人工服务' END, ${path}) AS "labelZh",
  coalesce(m.label_en, CASE WHEN regexp_full_match(${path}, '(.*>)?0') THEN 'Agent' END, ${path}) AS "labelEn"`;

/** The IVR menu tree with how many sessions reached each node, ended there, and how. */
export async function ivrAnalytics(db: Db, query: ContactPointQuery): Promise<IvrAnalytics> {
  const filters = groupFilter(windowFilter(new Filters(), 'start_time', query), query);
  const sessions = `(SELECT * FROM ivr_sessions ${filters.where})`;
  const summary = await db.one<IvrAnalytics['summary']>(
    `SELECT count(*) AS sessions, count(DISTINCT subscriber_id) AS callers,
       count(*) FILTER (WHERE NOT abandoned AND NOT to_agent) AS "selfServed",
       count(*) FILTER (WHERE to_agent) AS "toAgent", count(*) FILTER (WHERE abandoned) AS abandoned,
       coalesce(avg(duration_s), 0) AS "averageDurationS", coalesce(avg(len(string_split(key_path, '>'))), 0) AS "averageDepth"
     FROM ${sessions}`,
    filters.params,
  );
  const nodes = await db.query<IvrAnalytics['nodes'][number]>(
    `WITH s AS (SELECT *, string_split(key_path, '>') AS keys FROM ${sessions}),
     prefixes AS (
       SELECT *, array_to_string(keys[1:depth], '>') AS path FROM (SELECT *, unnest(range(1, len(keys) + 1)) AS depth FROM s)
     ),
     agg AS (
       SELECT path, any_value(depth) AS depth, count(*) AS reached,
         count(*) FILTER (WHERE path = key_path) AS "endedHere",
         count(*) FILTER (WHERE path = key_path AND NOT abandoned AND NOT to_agent) AS "selfServed",
         count(*) FILTER (WHERE path = key_path AND to_agent) AS "toAgent",
         count(*) FILTER (WHERE path = key_path AND abandoned) AS abandoned,
         coalesce(avg(duration_s) FILTER (WHERE path = key_path), 0) AS "averageDurationS"
       FROM prefixes GROUP BY path
     )
     SELECT a.path, CASE WHEN a.depth > 1 THEN regexp_replace(a.path, '>[^>]+$', '') END AS parent, CAST(a.depth AS INTEGER) AS depth,
       ${labelSql('a.path')}, a.reached, a."endedHere", a."selfServed", a."toAgent", a.abandoned, a."averageDurationS"
     FROM agg a LEFT JOIN ivr_menu m ON m.key_path = a.path
     ORDER BY string_split(a.path, '>')`,
    filters.params,
  );
  return { summary: summary!, nodes };
}

/** What the group calls the 10086 hotline (IVR and agents) about, by business, with the monthly trend. */
export async function hotlineTopics(db: Db, query: ContactPointQuery): Promise<HotlineTopics> {
  const filters = groupFilter(windowFilter(new Filters().always(`channel_id IN ${hotlineChannels}`), 'event_time', query), query);
  const contacts = `(SELECT * FROM contact_events ${filters.where})`;
  const [totals, rows, perMonth] = await Promise.all([
    db.one<{ contacts: number; customers: number }>(`SELECT count(*) AS contacts, count(DISTINCT subscriber_id) AS customers FROM ${contacts}`, filters.params),
    db.query<Omit<HotlineTopics['topics'][number], 'share' | 'byMonth'>>(
      `SELECT business, count(*) AS contacts, count(DISTINCT subscriber_id) AS customers,
         count(*) FILTER (WHERE event_type = 'complaint') AS complaints,
         count(*) FILTER (WHERE outcome IN ('unresolved', 'transferred')) AS unresolved
       FROM ${contacts} GROUP BY business ORDER BY contacts DESC, business`,
      filters.params,
    ),
    db.query<{ business: string; month: string; n: number }>(
      `SELECT business, strftime(event_time, '%Y-%m') AS month, count(*) AS n FROM ${contacts} GROUP BY ALL`,
      filters.params,
    ),
  ]);
  const months = [...new Set(perMonth.map((r) => r.month))].sort();
  const monthly = new Map(perMonth.map((r) => [`${r.business}|${r.month}`, r.n]));
  return {
    months,
    contacts: totals!.contacts,
    customers: totals!.customers,
    topics: rows.map((r) => ({
      ...r,
      share: totals!.contacts ? r.contacts / totals!.contacts : 0,
      byMonth: months.map((m) => monthly.get(`${r.business}|${m}`) ?? 0),
    })),
  };
}

/** Paths are told by their first pages: this many. */
export const webPathSteps = 4;

/**
 * Page views cut into sessions (a new one after 30 minutes without a view, or on another site),
 * then pages with their entries and exits, the page-to-page moves and the commonest paths (their
 * first four pages). One sorted pass over the views flags each with what the rest is counted
 * from — a session's next pages are read ahead from its first view — so no session is ever
 * gathered into a list.
 */
export async function webAnalytics(store: Store, query: WebQuery, limit = 50): Promise<WebAnalytics> {
  if (query.site !== undefined) {
    const sites = (await store.query<{ site: string }>(`SELECT unnest(enum_range(NULL::web_site))::VARCHAR AS site`)).map((r) => r.site);
    if (!sites.includes(query.site)) throw new InvalidInput(`site must be one of ${sites.join(', ')}; got "${query.site}"`, { field: 'site' });
  }
  const filters = windowFilter(new Filters(), 'visit_time', query).when(query.site, 'site', 'site::VARCHAR = $site');
  const key = JSON.stringify([query.from ?? null, query.to ?? null, query.site ?? null, limit]);
  return webCache.get(store, key, () => webPaths(store, filters, limit));
}

/** A million subscribers browse some 17M pages: their paths (2.9 s at 200k) are kept per state of the table and query. */
const webCache = new StateCache<WebAnalytics>(['web_browse'], 16);

async function webPaths(store: Store, filters: Filters, limit: number): Promise<WebAnalytics> {
  const ahead = Array.from({ length: webPathSteps - 1 }, (_, i) => i + 1);
  // view k after this one is in the session when every gap up to it is within the limit
  const within = (k: number) => ahead.slice(0, k).map((j) => `t${j} IS NOT NULL AND datediff('second', t${j - 1}, t${j}) <= $gap`).join(' AND ');
  return store.withConnection(async (c) => {
    await c.run(
      `CREATE OR REPLACE TEMP TABLE web_views AS
       SELECT subscriber_id, site, page, duration_s,
         prev_t IS NULL OR datediff('second', prev_t, t0) > $gap AS entry,
         NOT (${within(1)}) AS exit,
         ${ahead.map((k) => `CASE WHEN ${within(k)} THEN p${k} END AS p${k}`).join(', ')}
       FROM (
         SELECT subscriber_id, site::VARCHAR AS site, page_path AS page, duration_s, visit_time AS t0, lag(visit_time) OVER w AS prev_t,
           ${ahead.map((k) => `lead(visit_time, ${k}) OVER w AS t${k}, lead(page_path, ${k}) OVER w AS p${k}`).join(', ')}
         FROM web_browse ${filters.where}
         WINDOW w AS (PARTITION BY subscriber_id, site ORDER BY visit_time, page_path))`,
      { ...filters.params, gap: webSessionGapS },
    );
    try {
      const summary = await c.one<WebAnalytics['summary']>(
        `SELECT count(*) FILTER (WHERE entry) AS sessions, count(DISTINCT subscriber_id) AS visitors, count(*) AS "pageViews",
           coalesce(count(*) / nullif(count(*) FILTER (WHERE entry), 0), 0) AS "pagesPerSession",
           coalesce(count(*) FILTER (WHERE entry AND exit) / nullif(count(*) FILTER (WHERE entry), 0), 0) AS "bounceRate"
         FROM web_views`,
      );
      const pages = await c.query<WebAnalytics['pages'][number]>(
        `SELECT site, page, count(*) AS views, count(DISTINCT subscriber_id) AS visitors, count(*) FILTER (WHERE entry) AS entries,
           count(*) FILTER (WHERE exit) AS exits, avg(duration_s) AS "averageDurationS"
         FROM web_views GROUP BY site, page ORDER BY views DESC, site, page LIMIT $limit`,
        { limit },
      );
      const transitions = await c.query<WebAnalytics['transitions'][number]>(
        `SELECT site, page AS "from", p1 AS "to", count(*) AS sessions FROM web_views WHERE p1 IS NOT NULL
         GROUP BY ALL ORDER BY sessions DESC, site, "from", "to" LIMIT $limit`,
        { limit },
      );
      const paths = await c.query<WebAnalytics['paths'][number]>(
        `SELECT site, list_filter([page, ${ahead.map((k) => `p${k}`).join(', ')}], (p) -> p IS NOT NULL) AS pages, sessions
         FROM (SELECT site, page, ${ahead.map((k) => `p${k}`).join(', ')}, count(*) AS sessions FROM web_views WHERE entry GROUP BY ALL)
         ORDER BY sessions DESC, site, array_to_string(pages, '>') LIMIT $limit`,
        { limit },
      );
      return { summary: summary!, pages, transitions, paths };
    } finally {
      await c.run('DROP TABLE IF EXISTS web_views');
    }
  });
}

/**
 * What a page view says the visitor is interested in: mail and Fetion by their site, other pages
 * by their first path segment (after /wap), e.g. /plan/compare → plan; home pages say nothing.
 */
export const pageTopicSql = (site: string, page: string) => `CASE ${site} WHEN 'mail139' THEN 'mail' WHEN 'fetion' THEN 'fetion'
  ELSE nullif(coalesce(string_split(regexp_replace(${page}, '^/wap/', '/'), '/')[2], ''), 'home') END`;

/** The facts a prepared answer to a business shows, from the customer's own data. */
const answerKinds: Record<string, string> = {
  balance_query: 'bill', bill_query: 'bill', bill_dispute: 'bill', bill_payment: 'bill', recharge: 'bill',
  plan_info: 'plan', plan_change: 'plan',
  gprs_info: 'data',
  roaming_info: 'roaming', roaming_charge: 'roaming',
  vas_info: 'services', vas_order: 'services', vas_cancel: 'services', vas_unsubscribed_charge: 'services',
};

async function answerFacts(db: Db, subscriberId: number, kind: string): Promise<Record<string, string | number> | null> {
  const id = { id: subscriberId };
  if (kind === 'bill') {
    const r = await db.one<{ month: string; total: number; items: number }>(
      `SELECT strftime(bill_month, '%Y-%m') AS month, sum(amount_fen) AS total, count(*) AS items FROM bills
       WHERE subscriber_id = $id AND bill_month = (SELECT max(bill_month) FROM bills WHERE subscriber_id = $id) GROUP BY bill_month`,
      id,
    );
    return r ? { month: r.month, totalFen: r.total, items: r.items } : null;
  }
  if (kind === 'plan') {
    const r = await db.one<{ plan: string; zh: string; en: string; fee: number | null }>(
      `SELECT s.plan_id AS plan, p.name_zh AS zh, p.name_en AS en, p.monthly_fee_fen AS fee
       FROM subscribers s LEFT JOIN products p ON p.product_id = s.plan_id WHERE s.subscriber_id = $id`,
      id,
    );
    return r ? { planId: r.plan, nameZh: r.zh ?? r.plan, nameEn: r.en ?? r.plan, monthlyFeeFen: r.fee ?? 0 } : null;
  }
  if (kind === 'data') {
    const r = await db.one<{ month: string | null; kb: number }>(
      `SELECT strftime(max(start_time), '%Y-%m') AS month,
         coalesce(sum(volume_kb) FILTER (WHERE date_trunc('month', start_time) = (SELECT date_trunc('month', max(start_time)) FROM cdr_gprs WHERE subscriber_id = $id)), 0) AS kb
       FROM cdr_gprs WHERE subscriber_id = $id`,
      id,
    );
    return r?.month ? { month: r.month, mb: Math.round((r.kb / 1024) * 10) / 10 } : null;
  }
  if (kind === 'roaming') {
    const r = await db.one<{ month: string | null; calls: number; minutes: number; fen: number }>(
      `WITH last AS (SELECT date_trunc('month', max(start_time)) AS m FROM cdr_voice WHERE subscriber_id = $id)
       SELECT strftime((SELECT m FROM last), '%Y-%m') AS month, count(*) AS calls, coalesce(sum(${billedMinutesSql('duration_s')}), 0) AS minutes,
         coalesce(sum(charge_fen), 0) AS fen
       FROM cdr_voice WHERE subscriber_id = $id AND roam_type <> 'none' AND date_trunc('month', start_time) = (SELECT m FROM last)`,
      id,
    );
    return r?.month ? { month: r.month, calls: r.calls, minutes: r.minutes, chargeFen: r.fen } : null;
  }
  const held = await db.query<{ zh: string; en: string }>(
    `SELECT p.name_zh AS zh, p.name_en AS en FROM holdings h JOIN products p USING (product_id)
     WHERE h.subscriber_id = $id AND p.kind = 'vas' AND h.end_date IS NULL ORDER BY p.product_id`,
    id,
  );
  return { services: held.length, heldZh: held.map((h) => h.zh).join('、'), heldEn: held.map((h) => h.en).join(', ') };
}

/** One customer's contact points: a personal IVR menu, answers to prepare, browsing interests. */
export async function customerContactPoints(db: Db, subscriberId: number): Promise<CustomerContactPoints> {
  const who = await db.one<{ vip: number }>('SELECT vip_level AS vip FROM subscribers WHERE subscriber_id = $id', { id: subscriberId });
  if (!who) throw new NotFound('Subscriber', subscriberId);
  const id = { id: subscriberId };
  const [calls, shortcuts, topics, interests] = await Promise.all([
    db.one<{ sessions: number; agent: number }>(
      `SELECT count(*) AS sessions, count(*) FILTER (WHERE to_agent) AS agent FROM ivr_sessions WHERE subscriber_id = $id`,
      id,
    ),
    // the places a caller was served at (not given up on, not the agent key itself), most used first
    db.query<CustomerContactPoints['ivrMenu']['shortcuts'][number]>(
      `SELECT s.key_path AS path, ${labelSql('s.key_path')}, count(*) AS uses, strftime(max(s.start_time), '%Y-%m-%d %H:%M:%S') AS "lastUsed"
       FROM ivr_sessions s LEFT JOIN ivr_menu m ON m.key_path = s.key_path
       WHERE s.subscriber_id = $id AND NOT s.abandoned AND NOT s.to_agent
       GROUP BY s.key_path, m.label_zh, m.label_en ORDER BY uses DESC, max(s.start_time) DESC, s.key_path LIMIT 3`,
      id,
    ),
    db.query<{ business: string; contacts: number; lastAt: string }>(
      `SELECT business, count(*) AS contacts, strftime(max(event_time), '%Y-%m-%d %H:%M:%S') AS "lastAt"
       FROM contact_events WHERE subscriber_id = $id AND channel_id IN ${hotlineChannels}
       GROUP BY business ORDER BY contacts DESC, max(event_time) DESC, business LIMIT 3`,
      id,
    ),
    db.query<CustomerContactPoints['interests'][number]>(
      `SELECT topic, count(*) AS views, CAST(sum(duration_s) AS INTEGER) AS seconds, count(*) / sum(count(*)) OVER () AS share
       FROM (SELECT ${pageTopicSql('site', 'page_path')} AS topic, duration_s FROM web_browse WHERE subscriber_id = $id)
       WHERE topic IS NOT NULL AND topic <> ''
       GROUP BY topic ORDER BY views DESC, seconds DESC, topic LIMIT 8`,
      id,
    ),
  ]);
  const reason = who.vip >= 3 ? 'vip' : calls!.sessions > 0 && calls!.agent * 2 >= calls!.sessions ? 'agent_preferred' : null;
  // businesses that share a kind of answer (a balance query, a bill dispute) share its facts, read once
  const facts = new Map<string, ReturnType<typeof answerFacts>>();
  const hotline = await Promise.all(
    topics.map(async (t) => {
      const kind = answerKinds[t.business];
      if (!kind) return { ...t, answer: null };
      if (!facts.has(kind)) facts.set(kind, answerFacts(db, subscriberId, kind));
      const found = await facts.get(kind)!;
      return { ...t, answer: found ? { kind, facts: found } : null };
    }),
  );
  return {
    ivrMenu: { sessions: calls!.sessions, agentFirst: reason !== null, reason, shortcuts },
    hotline,
    interests,
  };
}
