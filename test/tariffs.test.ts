// Tariff re-rating: the plan model and its validation, the per-call reference rater (with the
// vectors of established rating engines), and the fast path held against it — by hand and by
// property, with the profiles built by the real SQL on a temp DuckDB file.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tieredAmount } from '../src/tariffs/charges.ts';
import type { BillLine, CustomerMonth, GprsCdr, MessageCdr, VoiceCdr, WlanCdr } from '../src/tariffs/classes.ts';
import { compilePlan } from '../src/tariffs/compile.ts';
import { validatePlan, type TariffPlan } from '../src/tariffs/plan.ts';
import { priceAll, priceProfile, rerate } from '../src/tariffs/price.ts';
import { profileSpecFor, usageProfileBatch, usageProfileSql, usageProfilesFor } from '../src/tariffs/profile.ts';
import { MonthTotals } from '../src/tariffs/totals.ts';
import { rateCall, rateMonth, usageEvent } from '../src/tariffs/reference.ts';
import type { Store } from '../src/store/store.ts';
import { addSubscriber, tempStore } from './builders.ts';

// --- small builders -------------------------------------------------------------------------

const call = (startTime: string, durationS: number, over: Partial<VoiceCdr> = {}): VoiceCdr => ({
  startTime,
  durationS,
  direction: 'mo',
  callClass: 'local',
  roamType: 'none',
  visitedCity: null,
  ipPrefix: null,
  countryGroup: null,
  isVpmn: false,
  chargeFen: 0,
  ...over,
});
const sms = (sentTime: string, over: Partial<MessageCdr> = {}): MessageCdr => ({ sentTime, direction: 'mo', peerNet: 'onnet', roamType: 'none', chargeFen: 10, ...over });
const month = (parts: Partial<CustomerMonth>): CustomerMonth => ({
  subscriberId: 1,
  month: '2024-01',
  homeCity: 'JZ',
  voice: [],
  sms: [],
  mms: [],
  gprs: [],
  wlan: [],
  bills: [],
  ...parts,
});
const plan = (over: Record<string, unknown>): TariffPlan => validatePlan({ id: 'P', monthlyFeeFen: 0, ...over });
const flat = (cls: string, price: number, increment = 1, extra: Record<string, unknown> = {}) => ({ class: cls, groups: [{ from: 0, increment, price }], ...extra });
const line = (m: ReturnType<typeof rateMonth>, kind: string, key: string) => m.lines.find((l) => l.kind === kind && l.key === key);

// 2024-01-04 is a Thursday.
const weekdaysUntil18 = {
  split: true,
  rules: [
    { band: 'day', days: [1, 2, 3, 4, 5], from: '00:00', to: '18:00' },
    { band: 'evening', days: [1, 2, 3, 4, 5], from: '18:00', to: '24:00' },
    { band: 'evening', days: [6, 7], from: '00:00', to: '24:00' },
  ],
};

describe('rating vectors from established rating engines', () => {
  it('prices graduated tiers 0, 1, 10, 11, 12, 21 units at 2, 12, 102, 110, 115, 163', () => {
    // 0–10 units at 10/unit + flat 2; 11–20 at 5 + flat 3; 21+ at 5 + flat 3
    const steps = [
      { from: 0, to: 10, price: 10, flatFen: 2 },
      { from: 10, to: 20, price: 5, flatFen: 3 },
      { from: 20, to: null, price: 5, flatFen: 3 },
    ];
    expect([0, 1, 10, 11, 12, 21].map((u) => tieredAmount(u, 'graduated', steps, 1))).toEqual([2, 12, 102, 110, 115, 163]);

    // the same through a plan: SMS counted into the tiered charge
    const p = plan({ tieredCharges: [{ id: 'sms', classes: ['sms'], mode: 'graduated', unitSize: 1, tiers: steps }] });
    const fenFor = (n: number) => {
      const m = rateMonth(p, month({ sms: Array.from({ length: n }, (_, i) => sms(`2024-01-10 10:00:${String(i).padStart(2, '0')}`)) }));
      return line(m, 'tier', 'sms')!.fen;
    };
    expect([0, 1, 10, 11, 12, 21].map(fenFor)).toEqual([2, 12, 102, 110, 115, 163]);
  });

  it('splits a call at a band boundary: Thursday 17:30→18:30 costs 1 + 1800×1 + 1800×0.5 = 2701', () => {
    // connect fee 1; weekdays before 18:00 1 per second, from 18:00 0.5 per second (scale 2: half-fen)
    const p = plan({
      priceScale: 2,
      bands: weekdaysUntil18,
      rates: [
        { class: 'local', bands: ['day'], setupFee: 2, groups: [{ from: 0, increment: 1, price: 2 }] },
        { class: 'local', bands: ['evening'], setupFee: 2, groups: [{ from: 0, increment: 1, price: 1 }] },
      ],
    });
    const m = rateMonth(p, month({ voice: [call('2024-01-04 17:30:00', 3600)] }));
    expect(m.totalFen).toBe(2701);
    expect(line(m, 'usage', 'local')).toEqual({ kind: 'usage', key: 'local', calls: 1, quantity: 3600, fen: 2701 });
  });

  it('charges 0.01 per second with a 0.1 setup fee: a 45 s call costs 0.55', () => {
    // In fen at scale 100 (0.01 fen = 1): the call's exact amount is 55/100 fen.
    const cp = compilePlan(plan({ priceScale: 100, rounding: { at: 'month', mode: 'halfUp' }, rates: [flat('local', 1, 1, { setupFee: 10 })] }));
    expect(rateCall(cp, usageEvent('local', '2024-01-04 10:00:00', 45, 0), null).amount).toBe(55);
    // Read as yuan (1 fen per second, 10 fen setup): 55 fen = 0.55 yuan.
    const m = rateMonth(plan({ rates: [flat('local', 1, 1, { setupFee: 10 })] }), month({ voice: [call('2024-01-04 10:00:00', 45)] }));
    expect(m.totalFen).toBe(55);
  });
});

describe('the reference rater', () => {
  it('charges the first 60 s as one unit, then per 6 s', () => {
    const p = plan({ rates: [{ class: 'local', groups: [{ from: 0, increment: 60, price: 15 }, { from: 60, increment: 6, price: 2 }] }] });
    const cost = (s: number) => rateMonth(p, month({ voice: [call('2024-01-04 10:00:00', s)] })).totalFen;
    expect([1, 60, 61, 66, 67, 125].map(cost)).toEqual([15, 15, 17, 17, 19, 37]);
  });

  it('rounds per call or per month, up, half-up or down', () => {
    // 0.4 fen per call, three calls
    const three = month({ voice: ['10:00:00', '11:00:00', '12:00:00'].map((t) => call(`2024-01-04 ${t}`, 1)) });
    const total = (at: string, mode: string) => rateMonth(plan({ priceScale: 10, rounding: { at, mode }, rates: [flat('local', 4)] }), three).totalFen;
    expect([total('call', 'up'), total('call', 'halfUp'), total('call', 'down')]).toEqual([3, 0, 0]);
    expect([total('month', 'up'), total('month', 'halfUp'), total('month', 'down')]).toEqual([2, 1, 1]);
  });

  it('consumes allowances in call order, charging what the balance leaves over', () => {
    // 2 free minutes (rounded per call to the minute), then 1 fen per 6 s
    const p = plan({
      rates: [flat('local', 1, 6)],
      allowances: [{ id: 'min', classes: ['local'], amount: 2, unit: 'minute' }],
    });
    const long = call('2024-01-04 10:00:00', 61);
    const short = call('2024-01-04 11:00:00', 30);
    // the 61 s call takes both minutes; the 30 s call pays 5 steps
    expect(rateMonth(p, month({ voice: [long, short] })).totalFen).toBe(5);
    // the 30 s call first takes one minute; the 61 s call pays for its last second
    expect(rateMonth(p, month({ voice: [{ ...short, startTime: '2024-01-04 09:00:00' }, long] })).totalFen).toBe(1);
    expect(rateMonth(p, month({ voice: [long, short] })).allowances).toEqual([{ id: 'min', used: 120, quantity: 120 }]);
  });

  it('draws on allowances by priority and limits them to their classes and bands', () => {
    const p = plan({
      bands: weekdaysUntil18,
      rates: [flat('local', 1), flat('dld', 3)],
      allowances: [
        { id: 'evening', classes: ['local', 'dld'], bands: ['evening'], amount: 60, unit: 'second', priority: 1 },
        { id: 'any', classes: ['local'], amount: 30, unit: 'second', priority: 2 },
      ],
    });
    const m = rateMonth(
      p,
      month({
        voice: [
          call('2024-01-04 10:00:00', 20), // day: only 'any' applies, 20 of 30
          call('2024-01-04 19:00:00', 40, { callClass: 'dld' }), // evening first: 40 of 60
          call('2024-01-04 20:00:00', 40), // evening's last 20, 'any''s last 10, 10 s charged
          call('2024-01-04 21:00:00', 15), // nothing left: 15 s charged
        ],
      }),
    );
    expect(m.allowances).toEqual([
      { id: 'evening', used: 60, quantity: 60 },
      { id: 'any', used: 30, quantity: 30 },
    ]);
    expect(line(m, 'usage', 'local')!.fen).toBe(10 + 15);
    expect(line(m, 'usage', 'dld')!.fen).toBe(0);
  });

  it('caps a call and a month', () => {
    const p = plan({ rates: [flat('local', 1, 1, { setupFee: 5, callCapFen: 100 }), flat('dld', 2)], monthCaps: [{ classes: ['local', 'dld'], capFen: 250 }] });
    const m = rateMonth(p, month({ voice: [call('2024-01-04 10:00:00', 500), call('2024-01-04 11:00:00', 50), call('2024-01-04 12:00:00', 100, { callClass: 'dld' })] }));
    expect(line(m, 'usage', 'local')!.fen).toBe(100 + 55);
    expect(line(m, 'usage', 'dld')!.fen).toBe(200);
    expect(line(m, 'cap', 'monthCaps[0]')!.fen).toBe(250 - 355);
    expect(m.totalFen).toBe(250);
  });

  it('follows seed 004 §2.2.1.6: VPMN left out, IP computed apart, 12593 carried, bill fees carried, the monthly fee added', () => {
    const p = plan({ monthlyFeeFen: 5800, rates: [flat('local', 10, 60), flat('dld', 30, 60), flat('ip', 20, 60)] });
    const m = rateMonth(
      p,
      month({
        voice: [
          call('2024-01-04 10:00:00', 100), // local: 2 min × 10
          call('2024-01-04 10:10:00', 100, { isVpmn: true, chargeFen: 10 }), // VPMN in-group: excluded
          call('2024-01-04 10:20:00', 100, { callClass: 'dld', ipPrefix: '17951', chargeFen: 60 }), // IP: 2 min × 20, own line
          call('2024-01-04 10:30:00', 100, { callClass: 'dld', ipPrefix: '12593', chargeFen: 44 }), // 12593: as it was
          call('2024-01-04 10:40:00', 100, { callClass: 'intl', countryGroup: 2, chargeFen: 960 }), // not priced by the plan: carried
        ],
        bills: [
          { item: 'other', amountFen: 300 },
          { item: 'vas', amountFen: 500 },
          { item: 'local_voice', amountFen: 999 },
        ] as BillLine[],
      }),
    );
    expect(m.lines.map((l) => [l.kind, l.key, l.fen])).toEqual([
      ['usage', 'ip', 40],
      ['usage', 'local', 20],
      ['carried', 'intl', 960],
      ['carried', 'ip:12593', 44],
      ['excluded', 'vpmn', 0],
      ['fee', 'monthly_fee', 5800],
      ['bill', 'other', 300],
      ['bill', 'vas', 500],
    ]);
    expect(m.totalFen).toBe(40 + 20 + 960 + 44 + 5800 + 800);
  });

  it('prices directional roaming by home and visited city', () => {
    const p = plan({ rates: [flat('roam_inter', 60, 60), flat('roam_inter:JZ>SH', 20, 60)] });
    const trip = month({ voice: [call('2024-01-04 10:00:00', 60, { roamType: 'inter', visitedCity: 'SH' }), call('2024-01-05 10:00:00', 60, { roamType: 'inter', visitedCity: 'BJ' })] });
    expect(rateMonth(p, trip).lines.filter((l) => l.kind === 'usage').map((l) => [l.key, l.fen])).toEqual([
      ['roam_inter', 60],
      ['roam_inter:JZ>SH', 20],
    ]);
    expect(rateMonth(p, { ...trip, homeCity: 'QS' }).lines.filter((l) => l.kind === 'usage').map((l) => [l.key, l.fen])).toEqual([['roam_inter', 120]]);
  });

  it('rates holidays with the holiday rules', () => {
    const p = plan({
      bands: {
        holidays: ['2024-01-01'],
        rules: [
          { band: 'normal', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' },
          { band: 'holiday', days: ['holiday'], from: '00:00', to: '24:00' },
        ],
      },
      rates: [flat('local', 10, 60, { bands: ['normal'] }), flat('local', 5, 60, { bands: ['holiday'] })],
    });
    const m = rateMonth(p, month({ voice: [call('2024-01-01 10:00:00', 60), call('2024-01-08 10:00:00', 60)] }));
    expect(m.totalFen).toBe(15);
  });
});

describe('plan validation', () => {
  const base = { id: 'P', monthlyFeeFen: 0 };
  const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an unknown class', { rates: [flat('locl', 1)] }, 'rates[0].class', /unknown class 'locl'/],
    ['a qualifier a class does not take', { rates: [flat('local:SH', 1)] }, 'rates[0].class', /takes no qualifier/],
    ['a negative price', { rates: [flat('local', -1)] }, 'rates[0].groups[0].price', /must not be negative/],
    ['a negative setup fee', { rates: [flat('local', 1, 1, { setupFee: -3 })] }, 'rates[0].setupFee', /must not be negative/],
    ['a charging increment of zero', { rates: [flat('local', 1, 0)] }, 'rates[0].groups[0].increment', /must be positive/],
    ['rate groups out of order', { rates: [{ class: 'local', groups: [{ from: 0, increment: 60, price: 1 }, { from: 0, increment: 6, price: 1 }] }] }, 'rates[0].groups[1].from', /increasing order/],
    ['a class priced twice', { rates: [flat('local', 1), flat('local', 2)] }, 'rates[1].class', /already priced by rates\[0\]/],
    ['a rate on a class it also carries', { carry: ['dld'], rates: [flat('dld', 1)] }, 'rates[0].class', /already carried/],
    ['an unknown band', { rates: [flat('local', 1, 1, { bands: ['night'] })] }, 'rates[0].bands[0]', /unknown band 'night'/],
    ['bands that do not cover the week', { bands: { rules: [{ band: 'a', days: [1, 2, 3, 4, 5, 6], from: '00:00', to: '24:00' }] } }, 'bands.rules', /do not cover Sunday 00:00–24:00/],
    [
      'overlapping bands',
      { bands: { rules: [{ band: 'a', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }, { band: 'b', days: [3], from: '07:00', to: '09:00' }] } },
      'bands.rules[1]',
      /overlaps bands.rules\[0\] on Wednesday 07:00–09:00/,
    ],
    ['a band with an impossible time', { bands: { rules: [{ band: 'a', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '25:00' }] } }, 'bands.rules[0].to', /HH:MM/],
    [
      'holidays with no holiday rules',
      { bands: { holidays: ['2024-10-01'], rules: [{ band: 'a', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }] } },
      'bands.rules',
      /do not cover holidays/,
    ],
    [
      'a rate leaving a band unpriced',
      { bands: weekdaysUntil18, rates: [flat('local', 1, 1, { bands: ['day'] })] },
      'rates[0].bands',
      /'local' is priced in some bands but not in 'evening'/,
    ],
    [
      'overlapping tiers',
      { tieredCharges: [{ id: 't', classes: ['sms'], mode: 'graduated', unitSize: 1, tiers: [{ from: 0, to: 10, price: 1 }, { from: 5, to: null, price: 1 }] }] },
      'tieredCharges[0].tiers[1].from',
      /overlaps the tier before, which ends at 10/,
    ],
    [
      'tiers out of order',
      { tieredCharges: [{ id: 't', classes: ['sms'], mode: 'volume', unitSize: 1, tiers: [{ from: 0, to: 10, price: 1 }, { from: 10, to: 5, price: 1 }, { from: 5, to: null, price: 1 }] }] },
      'tieredCharges[0].tiers[1].to',
      /increasing order/,
    ],
    [
      'a tier list that ends',
      { tieredCharges: [{ id: 't', classes: ['sms'], mode: 'volume', unitSize: 1, tiers: [{ from: 0, to: 10, price: 1 }] }] },
      'tieredCharges[0].tiers[0].to',
      /last tier must be open/,
    ],
    ['an allowance mixing minutes and messages', { allowances: [{ id: 'a', classes: ['local', 'sms'], amount: 1, unit: 'minute' }] }, 'allowances[0].classes[1]', /cannot mix/],
    ['an allowance in the wrong unit', { allowances: [{ id: 'a', classes: ['gprs'], amount: 1, unit: 'minute' }] }, 'allowances[0].unit', /does not measure kbs/],
    ['an allowance not in whole steps', { allowances: [{ id: 'a', classes: ['local'], amount: 90, unit: 'second', granularity: 60 }] }, 'allowances[0].granularity', /whole number of 60-unit steps/],
    ['overlapping monthly caps', { monthCaps: [{ classes: ['intl'], capFen: 1 }, { classes: ['intl:2'], capFen: 1 }] }, 'monthCaps[1].classes[0]', /one monthly cap only/],
    ['an unknown rounding mode', { rounding: { at: 'call', mode: 'sideways' } }, 'rounding.mode', /must be one of "up", "halfUp", "down"/],
    ['a missing monthly fee', { monthlyFeeFen: undefined }, 'monthlyFeeFen', /is required/],
    ['an unknown property', { discount: 5 }, 'discount', /property/i],
  ];
  it.each(refusals)('refuses %s, naming the field', (_name, over, field, message) => {
    let error: unknown;
    try {
      validatePlan({ ...base, ...over });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_PLAN', status: 400, field });
    expect((error as Error).message).toMatch(message);
  });

  it('fills the seed defaults: VPMN excluded, 12593 carried, other and new-service fees carried', () => {
    const p = validatePlan(base);
    expect(p).toMatchObject({ priceScale: 1, rounding: { at: 'call', mode: 'up' }, exclude: ['vpmn'], carry: ['ip:12593', 'intl_ip:12593'], carryBillItems: ['other', 'vas'] });
  });
});

// --- the fast path against the reference, through SQL ---------------------------------------

async function insertUsage(store: Store, cms: CustomerMonth[]): Promise<void> {
  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    if (rows.length === 0) return;
    const values = rows.map((r, i) => `(${r.map((_, j) => `$${i * columns.length + j + 1}`).join(', ')})`).join(', ');
    await store.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flat() as never);
  };
  const v = cms.flatMap((cm) =>
    cm.voice.map((c) => [cm.subscriberId, c.startTime, c.durationS, c.direction, c.callClass, 'peak', c.roamType, c.visitedCity, c.ipPrefix, c.countryGroup, c.isVpmn, c.chargeFen]),
  );
  await insert('cdr_voice', ['subscriber_id', 'start_time', 'duration_s', 'direction', 'call_class', 'time_band', 'roam_type', 'visited_city', 'ip_prefix', 'country_group', 'is_vpmn', 'charge_fen'], v);
  for (const kind of ['sms', 'mms'] as const) {
    const rows = cms.flatMap((cm) => cm[kind].map((m) => [cm.subscriberId, m.sentTime, m.direction, m.peerNet, m.roamType, m.chargeFen, ...(kind === 'mms' ? [50] : [])]));
    await insert(`cdr_${kind}`, ['subscriber_id', 'sent_time', 'direction', 'peer_net', 'roam_type', 'charge_fen', ...(kind === 'mms' ? ['size_kb'] : [])], rows);
  }
  const g = cms.flatMap((cm) => cm.gprs.map((x) => [cm.subscriberId, x.startTime, x.durationS, x.volumeKb, 'cmnet', 'web', x.roamType, x.chargeFen]));
  await insert('cdr_gprs', ['subscriber_id', 'start_time', 'duration_s', 'volume_kb', 'apn', 'service', 'roam_type', 'charge_fen'], g);
  const w = cms.flatMap((cm) => cm.wlan.map((x) => [cm.subscriberId, x.startTime, x.durationS, x.volumeKb, 'JZ', x.chargeFen]));
  await insert('cdr_wlan', ['subscriber_id', 'start_time', 'duration_s', 'volume_kb', 'hotspot_city', 'charge_fen'], w);
  const b = cms.flatMap((cm) => cm.bills.map((x) => [cm.subscriberId, `${cm.month}-01`, x.item, x.amountFen]));
  await insert('bills', ['subscriber_id', 'bill_month', 'item', 'amount_fen'], b);
}

describe('the fast path on a real database', () => {
  let store: Store;
  let nextId = 1;
  const addCustomers = async (homes: string[]) => {
    const ids = homes.map(() => nextId++);
    for (const [i, id] of ids.entries()) await addSubscriber(store, { subscriber_id: id, msisdn: `1380000${String(id).padStart(4, '0')}`, city_code: homes[i] });
    return ids;
  };
  beforeAll(async () => {
    store = await tempStore('tariffs');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('prices a month exactly from the profile, and hands an order-dependent one to the reference with the reason', async () => {
    const [a, b] = await addCustomers(['JZ', 'JZ']);
    const cms = [
      month({ subscriberId: a, voice: [call('2024-01-04 10:00:00', 61), call('2024-01-04 11:00:00', 30), call('2024-01-05 17:59:00', 120)], bills: [{ item: 'vas', amountFen: 500 }] }),
      month({ subscriberId: b, voice: [call('2024-01-04 10:00:00', 20)], sms: [sms('2024-01-04 10:00:00')] }),
    ];
    await insertUsage(store, cms);
    const plans = [
      plan({ id: 'per6s', monthlyFeeFen: 1000, rates: [flat('local', 1, 6), flat('sms', 10)], allowances: [{ id: 'min', classes: ['local'], amount: 2, unit: 'minute' }] }),
      plan({ id: 'split', priceScale: 2, bands: weekdaysUntil18, rates: [flat('local', 2, 1, { bands: ['day'], setupFee: 2 }), flat('local', 1, 1, { bands: ['evening'] })] }),
    ];
    const charges = await rerate(store, { subscriberIds: [a, b] }, ['2024-01'], plans);
    for (const c of charges) {
      const cm = cms.find((m) => m.subscriberId === c.subscriberId)!;
      const { method: _m, fallbackReason: _r, ...charge } = c;
      expect(charge).toEqual(rateMonth(plans.find((p) => p.id === c.planId)!, cm));
    }
    const methods = charges.map((c) => [c.subscriberId, c.planId, c.method]);
    expect(methods).toEqual([
      [a, 'per6s', 'reference'], // 3 calls overrun 2 minutes priced per 6 s: order matters
      [a, 'split', 'profile'], // the 17:59 call crosses 18:00 and is rated alone
      [b, 'per6s', 'profile'],
      [b, 'split', 'profile'],
    ]);
    expect(charges[0].fallbackReason).toMatch(/allowance 'min' runs out in 2024-01/);
    // setup 1 + 61 s; setup 1 + 30 s; setup 1 + 60 s at 1 + 60 s at 0.5; the new-service fee carried
    expect(charges.find((c) => c.subscriberId === a && c.planId === 'split')!.totalFen).toBe(1 + 61 + 1 + 30 + 1 + 60 + 30 + 500);
  });

  it('profiles a segment given as SQL, and binds every plan value as a parameter', async () => {
    const [c] = await addCustomers(['JZ']);
    await insertUsage(store, [month({ subscriberId: c, voice: [call('2024-01-01 09:00:00', 60, { roamType: 'inter', visitedCity: 'SH' })] })]);
    const p = plan({
      bands: { holidays: ['2024-01-01'], rules: [{ band: 'all', days: [1, 2, 3, 4, 5, 6, 7, 'holiday'], from: '00:00', to: '24:00' }] },
      rates: [flat('roam_inter:JZ>SH', 7, 60)],
    });
    const spec = profileSpecFor([p]);
    const { sql } = usageProfileSql(spec, { subscriberIds: [c] }, ['2024-01']);
    expect(sql).not.toMatch(/2024-01-01|JZ>SH|'2024-01'/);
    const profiles = await usageProfilesFor(store, { members: { sql: 'SELECT subscriber_id FROM subscribers WHERE subscriber_id = $p0', params: { p0: c } } }, ['2024-01'], spec);
    expect(profiles.map((x) => [x.subscriberId, x.rows.map((r) => [r.cls, r.n, r.quantity])])).toEqual([[c, [['roam_inter:JZ>SH', 1, 60]]]]);
  });

  it('agrees with the reference to the fen for random plans and random usage', async () => {
    const months = ['2024-01', '2024-02'];
    let exact = 0;
    let all = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(planArb, bundlePlanArb), { minLength: 1, maxLength: 3 }), fc.array(customerArb(months), { minLength: 1, maxLength: 3 }), async (plans, customers) => {
        const ids = await addCustomers(customers.map((c) => c.home));
        const cms = customers.flatMap((c, i) => c.months.map((m) => ({ ...m, subscriberId: ids[i], homeCity: c.home })));
        await insertUsage(store, cms);
        const named = plans.map((p, i) => ({ ...p, id: `plan${i}` }));
        const spec = profileSpecFor(named);
        const profiles = await usageProfilesFor(store, { subscriberIds: ids }, months, spec);
        expect(profiles).toHaveLength(ids.length * months.length);
        const charges = await priceAll(store, spec, profiles);
        charges.forEach((c, k) => {
          const cm = cms.find((m) => m.subscriberId === c.subscriberId && m.month === c.month)!;
          const { method, fallbackReason: _r, ...charge } = c;
          expect(charge).toEqual(rateMonth(named[k % named.length], cm));
          all++;
          if (method === 'profile') exact++;
          // only an allowance that runs out can force the reference
          if (method === 'reference') expect(named[k % named.length].allowances.length).toBeGreaterThan(0);
          expect(priceProfile(spec, k % named.length, profiles[Math.floor(k / named.length)]).exact).toBe(method === 'profile');
        });
        // the simulation's totals: the same fen wherever the profile prices, NaN where it cannot
        const batch = await usageProfileBatch(store, { subscriberIds: ids }, months, spec);
        const totals = new MonthTotals(spec);
        const rules = totals.rulesFor(batch);
        const out = new Float64Array(named.length);
        for (let k = 0; k < profiles.length; k++) {
          totals.price(batch, rules, k, 0, named.length, out);
          named.forEach((_, j) => {
            const c = charges[k * named.length + j];
            if (Number.isNaN(out[j])) expect(c.method === 'reference' || batch.residuals.has(k)).toBe(true);
            else expect([c.method, out[j]]).toEqual(['profile', c.totalFen]);
          });
        }
      }),
      // no shrinking: each run writes to the database, and the first counterexample says enough
      { numRuns: 60, seed: 20240104, endOnFailure: true },
    );
    // the fast path, not the fallback, does the work
    expect(exact / all).toBeGreaterThan(0.6);
    // 60 runs against a real DuckDB file: generous, so that a loaded machine does not fail it
  }, 180_000);
});

// --- generators -----------------------------------------------------------------------------

const voiceKeys = ['local', 'dld', 'ip', 'ip:17951', 'intl', 'intl:1', 'intl:hmt', 'intl_ip', 'roam_intra', 'roam_inter', 'roam_inter:JZ>SH', 'roam_intl', 'mt', 'vpmn', 'wlan'];
const messageKeys = ['sms', 'sms:onnet', 'sms_sp', 'mms'];
const dataKeys = ['gprs', 'gprs:inter', 'gprs_intl'];

// Band boundaries come from a short list, and many calls start just before one of them.
const boundaries = ['07:00', '08:00', '18:00', '21:30', '22:00', '23:00'];
const timeArb = fc.constantFrom(...boundaries);

/** A week in two or three bands with random cut times, maybe with holidays and splitting. */
const bandsArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ a: timeArb, b: timeArb, split: fc.boolean(), weekend: fc.boolean(), holiday: fc.boolean() }).map(({ a, b, split, weekend, holiday }) => {
    const [from, to] = a < b ? [a, b] : a > b ? [b, a] : ['07:00', '22:00'];
    const rules = [
      { band: 'peak', days: [1, 2, 3, 4, 5], from, to },
      { band: 'off', days: [1, 2, 3, 4, 5], from: '00:00', to: from },
      { band: 'off', days: [1, 2, 3, 4, 5], from: to, to: '24:00' },
      { band: weekend ? 'weekend' : 'off', days: [6, 7], from: '00:00', to: '24:00' },
      ...(holiday ? [{ band: 'holiday', days: ['holiday'], from: '00:00', to: '24:00' }] : []),
    ];
    return { split, holidays: holiday ? ['2024-01-01', '2024-02-10', '2024-02-12'] : [], rules, names: [...new Set(rules.map((r) => r.band))] };
  }),
);

const groupsArb = (domain: 'second' | 'message' | 'kb') => {
  const inc = domain === 'second' ? fc.constantFrom(1, 6, 30, 60) : domain === 'kb' ? fc.constantFrom(1, 10, 1024) : fc.constant(1);
  return fc.oneof(
    fc.record({ increment: inc, price: fc.integer({ min: 0, max: 40 }) }).map((g) => [{ from: 0, ...g }]),
    fc.record({ first: inc, then: inc, split: fc.integer({ min: 1, max: 3 }), p1: fc.integer({ min: 0, max: 40 }), p2: fc.integer({ min: 0, max: 40 }) }).map((g) => [
      { from: 0, increment: g.first, price: g.p1 },
      { from: g.first * g.split, increment: g.then, price: g.p2 },
    ]),
  );
};
const domainOfKey = (k: string) => (messageKeys.includes(k) ? 'message' : dataKeys.includes(k) ? 'kb' : 'second');

/** A valid plan: each chosen class priced by rates (per band or not), a tier, carried or excluded. */
const planArb = fc
  .record({
    bands: bandsArb,
    scale: fc.constantFrom(1, 10, 100, 1000),
    at: fc.constantFrom('call', 'month'),
    mode: fc.constantFrom('up', 'halfUp', 'down'),
    fee: fc.integer({ min: 0, max: 10_000 }),
    roles: fc.array(fc.constantFrom('rate', 'rate', 'rate', 'bandRate', 'tier', 'carry', 'exclude', 'none'), { minLength: 22, maxLength: 22 }),
    priced: fc.array(fc.record({ groups: fc.tuple(groupsArb('second'), groupsArb('message'), groupsArb('kb')), setup: fc.constantFrom(0, 0, 5, 10), cap: fc.option(fc.integer({ min: 0, max: 500 })) }), {
      minLength: 22,
      maxLength: 22,
    }),
    tierSteps: fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5 })),
    tierMode: fc.constantFrom('graduated', 'volume'),
    tierUnit: fc.constantFrom(1, 60),
    allowances: fc.array(
      fc.record({ pick: fc.array(fc.nat(21), { minLength: 1, maxLength: 3 }), amount: fc.integer({ min: 1, max: 30 }), step: fc.constantFrom(1, 6, 60), inBand: fc.boolean(), priority: fc.integer({ min: 1, max: 3 }) }),
      { maxLength: 2 },
    ),
    cap: fc.option(fc.record({ pick: fc.array(fc.nat(21), { minLength: 1, maxLength: 3 }), capFen: fc.integer({ min: 0, max: 3000 }) })),
  })
  .map((g) => {
    const keys = [...voiceKeys, ...messageKeys, ...dataKeys];
    const names = g.bands?.names ?? ['all'];
    const rates: unknown[] = [];
    const tierClasses: string[] = [];
    const carry: string[] = [];
    const exclude: string[] = [];
    const scaled = (p: number) => p * (g.scale === 1 ? 1 : g.scale / 10);
    keys.forEach((k, i) => {
      const role = g.roles[i];
      const d = domainOfKey(k);
      const pr = g.priced[i];
      const groups = pr.groups[d === 'second' ? 0 : d === 'message' ? 1 : 2].map((x) => ({ ...x, price: scaled(x.price) }));
      const rate = { class: k, setupFee: scaled(pr.setup), groups, ...(pr.cap === null ? {} : { callCapFen: pr.cap }) };
      if (role === 'rate') rates.push(rate);
      if (role === 'bandRate') names.forEach((b, j) => rates.push({ ...rate, bands: [b], groups: groups.map((x) => ({ ...x, price: x.price + j })) }));
      if (role === 'tier' && d === 'second') tierClasses.push(k);
      if (role === 'carry') carry.push(k);
      if (role === 'exclude') exclude.push(k);
    });
    const [to, p1, p2, flatFen] = g.tierSteps;
    const tieredCharges =
      tierClasses.length === 0
        ? []
        : [{ id: 'voice', classes: tierClasses, mode: g.tierMode, unitSize: g.tierUnit, tiers: [{ from: 0, to, price: scaled(p1), flatFen }, { from: to, to: null, price: scaled(p2), flatFen }] }];
    const pricedKeys = new Set([...rates.map((r) => (r as { class: string }).class), ...tierClasses]);
    const allowances = g.allowances
      .map((a, i) => {
        const classes = [...new Set(a.pick.map((n) => keys[n]))].filter((k) => pricedKeys.has(k) && domainOfKey(k) === domainOfKey(keys[a.pick[0]]));
        if (classes.length === 0) return null;
        const d = domainOfKey(classes[0]);
        const unit = d === 'second' ? 'second' : d === 'message' ? 'message' : 'kb';
        const step = d === 'second' ? a.step : 1;
        return { id: `a${i}`, classes, amount: a.amount * step * (d === 'kb' ? 50 : 1), unit, granularity: step, priority: a.priority, ...(a.inBand ? { bands: [names[0]] } : {}) };
      })
      .filter((a) => a !== null);
    const capClasses = g.cap ? [...new Set(g.cap.pick.map((n) => keys[n]))].filter((k, _i, all) => !all.some((o) => o !== k && (k.startsWith(`${o}:`) || o.startsWith(`${k}:`)))) : [];
    return validatePlan({
      id: 'gen',
      monthlyFeeFen: g.fee,
      priceScale: g.scale,
      rounding: { at: g.at, mode: g.mode },
      ...(g.bands ? { bands: { split: g.bands.split, holidays: g.bands.holidays, rules: g.bands.rules } } : {}),
      rates,
      tieredCharges,
      allowances,
      monthCaps: capClasses.length > 0 && g.cap ? [{ classes: capClasses, capFen: g.cap.capFen }] : [],
      carry: [...new Set([...carry, 'ip:12593', 'intl_ip:12593'])].filter((k) => !pricedKeys.has(k) && !exclude.includes(k)),
      exclude: exclude.filter((k) => !pricedKeys.has(k)),
    });
  });

/** Plans as operators write them: bundles of minutes, messages and KB over per-step prices. */
const bundlePlanArb = fc
  .record({
    bands: bandsArb,
    scale: fc.constantFrom(1, 100),
    at: fc.constantFrom('call', 'month'),
    mode: fc.constantFrom('up', 'halfUp', 'down'),
    step: fc.constantFrom(1, 6, 60),
    prices: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 5, maxLength: 5 }),
    setup: fc.constantFrom(0, 0, 1),
    minutes: fc.integer({ min: 1, max: 20 }),
    messages: fc.integer({ min: 1, max: 5 }),
    kb: fc.integer({ min: 1, max: 8000 }),
    dldTier: fc.boolean(),
    samePrice: fc.boolean(),
    spare: fc.boolean(),
  })
  .map((g) =>
    validatePlan({
      id: 'bundle',
      monthlyFeeFen: 3800,
      priceScale: g.scale,
      rounding: { at: g.at, mode: g.mode },
      ...(g.bands ? { bands: { split: g.bands.split, holidays: g.bands.holidays, rules: g.bands.rules } } : {}),
      rates: [
        { class: 'local', setupFee: g.setup * g.scale, groups: [{ from: 0, increment: g.step, price: g.prices[0] * g.scale }] },
        { class: 'roam_inter', groups: [{ from: 0, increment: g.step, price: g.prices[g.samePrice ? 0 : 1] * g.scale }] },
        ...(g.dldTier ? [] : [{ class: 'dld', groups: [{ from: 0, increment: 60, price: g.prices[2] * g.scale }] }]),
        { class: 'sms', groups: [{ from: 0, increment: 1, price: g.prices[3] * g.scale }] },
        { class: 'gprs', groups: [{ from: 0, increment: 1, price: g.prices[4] }] },
      ],
      tieredCharges: g.dldTier
        ? [{ id: 'dld', classes: ['dld'], mode: 'graduated', unitSize: 60, tiers: [{ from: 0, to: 5, price: 30 * g.scale, flatFen: 0 }, { from: 5, to: null, price: 20 * g.scale, flatFen: 0 }] }]
        : [],
      allowances: [
        { id: 'local', classes: ['local', 'roam_inter'], amount: g.minutes * g.step, unit: 'second', granularity: g.step, priority: 1 },
        { id: 'dld', classes: ['dld'], amount: 2, unit: 'minute' },
        { id: 'sms', classes: ['sms'], amount: g.messages, unit: 'message' },
        { id: 'gprs', classes: ['gprs'], amount: g.kb, unit: 'kb' },
        ...(g.spare ? [{ id: 'spare', classes: ['local'], amount: 3 * g.step, unit: 'second', granularity: g.step, priority: 2 }] : []),
      ],
    }),
  );

const two = (n: number) => String(n).padStart(2, '0');
/** A moment in the month, often right before a likely band boundary so that calls cross it. */
const momentArb = (m: string) =>
  fc
    .record({ day: fc.integer({ min: 1, max: 28 }), near: fc.boolean(), edge: fc.constantFrom(...boundaries, '24:00'), back: fc.integer({ min: 1, max: 120 }), s: fc.integer({ min: 0, max: 86_399 }) })
    .map(({ day, near, edge, back, s }) => {
      const tod = near ? Number(edge.slice(0, 2)) * 3600 + Number(edge.slice(3)) * 60 - back : s;
      return `${m}-${two(day)} ${two(Math.floor(tod / 3600))}:${two(Math.floor((tod % 3600) / 60))}:${two(tod % 60)}`;
    });

const voiceArb = (m: string): fc.Arbitrary<VoiceCdr> =>
  fc.record({
    startTime: momentArb(m),
    durationS: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 7200 })),
    direction: fc.constantFrom('mo', 'mo', 'mt', 'cf'),
    callClass: fc.constantFrom('local', 'local', 'dld', 'intl', 'hmt'),
    roamType: fc.constantFrom('none', 'none', 'none', 'intra', 'inter', 'intl'),
    visitedCity: fc.constantFrom(null, 'SH', 'BJ', 'LC'),
    ipPrefix: fc.constantFrom(null, null, '17951', '12593'),
    countryGroup: fc.constantFrom(null, 1, 2),
    isVpmn: fc.constantFrom(false, false, false, true),
    chargeFen: fc.integer({ min: 0, max: 500 }),
  }) as fc.Arbitrary<VoiceCdr>;
const messageArb = (m: string): fc.Arbitrary<MessageCdr> =>
  fc.record({
    sentTime: momentArb(m),
    direction: fc.constantFrom('mo', 'mo', 'mt'),
    peerNet: fc.constantFrom('onnet', 'offnet', 'intl', 'sp'),
    roamType: fc.constantFrom('none', 'inter'),
    chargeFen: fc.integer({ min: 0, max: 100 }),
  }) as fc.Arbitrary<MessageCdr>;
const gprsArb = (m: string): fc.Arbitrary<GprsCdr> =>
  fc.record({ startTime: momentArb(m), durationS: fc.integer({ min: 1, max: 3000 }), volumeKb: fc.integer({ min: 0, max: 5000 }), roamType: fc.constantFrom('none', 'inter', 'intl'), chargeFen: fc.integer({ min: 0, max: 500 }) }) as fc.Arbitrary<GprsCdr>;
const wlanArb = (m: string): fc.Arbitrary<WlanCdr> =>
  fc.record({ startTime: momentArb(m), durationS: fc.integer({ min: 0, max: 5000 }), volumeKb: fc.integer({ min: 0, max: 9000 }), chargeFen: fc.integer({ min: 0, max: 500 }) });

const customerArb = (months: string[]) =>
  fc.record({
    home: fc.constantFrom('JZ', 'QS'),
    months: fc.tuple(
      ...months.map((m) =>
        fc.record({
          month: fc.constant(m),
          voice: fc.array(voiceArb(m), { maxLength: 25 }),
          sms: fc.array(messageArb(m), { maxLength: 6 }),
          mms: fc.array(messageArb(m), { maxLength: 3 }),
          gprs: fc.array(gprsArb(m), { maxLength: 4 }),
          wlan: fc.array(wlanArb(m), { maxLength: 3 }),
          bills: fc.array(fc.record({ item: fc.constantFrom('other', 'vas', 'local_voice'), amountFen: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 3 }) as fc.Arbitrary<BillLine[]>,
        }),
      ),
    ),
  });

describe('stored notes', () => {
  it('read back as the notes written, packed or (runs stored before packing) as objects', async () => {
    const { unpackNotes } = await import('../src/tariffs/pricing.ts');
    const notes = [
      { code: 'allowance', planId: 'GT_BIZ_128', id: 'min', usedPerMonth: 301, quantity: 18000, domain: 'second' },
      { code: 'bundle', planId: 'GT_BIZ_128', id: 'data', unitsPerMonth: 12, included: null, unitSize: 1024 },
      { code: 'service', service: 'voice', beforeFen: 12000, afterFen: 8000 },
      { code: 'addOn', productId: 'GPRS_PACK' },
      { code: 'partialMonths', billed: 2, of: 3 },
    ];
    const packed = [['a', 'GT_BIZ_128', 'min', 301, 18000, 'second'], ['b', 'GT_BIZ_128', 'data', 12, null, 1024], ['s', 'voice', 12000, 8000], ['o', 'GPRS_PACK'], ['p', 2, 3]];
    expect(unpackNotes(JSON.stringify(packed))).toEqual(notes);
    expect(unpackNotes(JSON.stringify(notes))).toEqual(notes);
    expect(unpackNotes(null)).toEqual([]);
  });
});
