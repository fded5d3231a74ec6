// The demo catalogue's plans as real tariff definitions: each current plan exactly as the
// generator charges its CDRs (so re-rating a customer under their own plan reproduces the
// bill), the GPRS pack as a tariff add-on, and the candidate plans an operator would push in
// a tariff-communication campaign (seed 004 §2.2.1.3: business travellers, voice and GPRS).
import type { Db } from '../store/store.ts';
import { setAddOnTerms, upsertPlanProduct, type PlanProductInput } from '../tariffs/catalogue.ts';
import { validatePlan, type TariffPlan } from '../tariffs/plan.ts';
import { plans, type DemoPlan } from './catalogue.ts';

/**
 * Prices are in 1/1024 fen so that GPRS can be priced per KB at the demo's yuan-per-MB rates;
 * whole-fen rates are multiplied up. The generator rounds GPRS per session, half up.
 */
const scale = 1024;
const perMinute = (cls: string, fen: number) => ({ class: cls, groups: [{ from: 0, increment: 60, price: fen * scale }] });
const perMessage = (cls: string, fen: number) => ({ class: cls, groups: [{ from: 0, increment: 1, price: fen * scale }] });
/** fen per MB, charged per KB */
const perKb = (cls: string, fenPerMb: number) => ({ class: cls, groups: [{ from: 0, increment: 1, price: fenPerMb }] });

/**
 * What the demo leaves alone whatever the plan: VPMN in-group calls are charged by the group's
 * VPMN package (seed 004 §2.2.1.6 takes them out of re-rating; carrying them at their original
 * charge keeps them on both sides of the comparison), 12593 calls are recorded apart, and the
 * bill's other fees, new-service fees and the VPMN group discount are carried as billed.
 */
const demoCarried = {
  exclude: [] as string[],
  carry: ['vpmn', 'ip:12593', 'intl_ip:12593'],
  carryBillItems: ['other', 'vas', 'discount'] as TariffPlan['carryBillItems'],
};

/**
 * A current demo plan as the generator charges it (src/demo/generate.ts): every started minute
 * at the class's rate — roaming rates for every roaming call, received ones too; received calls
 * at home free; Hong Kong/Macao/Taiwan at half the international rate (rounded); SMS at the
 * plan's rate, 1 yuan abroad, SP and received ones free; MMS sent to a person at the plan's
 * rate; GPRS per session at round(KB × yuan-per-MB / 1024); WLAN per started minute.
 * The GPRS pack (free home-network data) is the add-on in `demoAddOns`.
 */
export function demoTariffPlan(p: DemoPlan): TariffPlan {
  return validatePlan({
    id: p.id,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    monthlyFeeFen: p.monthlyFee,
    priceScale: scale,
    rounding: { at: 'call', mode: 'halfUp' },
    rates: [
      perMinute('local', p.localPerMin),
      perMinute('dld', p.dldPerMin),
      perMinute('ip', p.ipPerMin),
      perMinute('intl', p.intlPerMin),
      perMinute('intl:hmt', Math.round(p.intlPerMin / 2)),
      perMinute('roam_intra', p.roamPerMin),
      perMinute('roam_inter', p.roamPerMin),
      perMinute('roam_intl', p.intlRoamPerMin),
      perMinute('mt', 0),
      perMessage('sms', p.sms),
      perMessage('sms_intl', 100),
      perMessage('sms_mt', 0),
      perMessage('sms_sp', 0),
      perMessage('mms', p.mms),
      perMessage('mms_mt', 0),
      perMessage('mms_sp', 0),
      perKb('gprs', p.gprsPerMb),
      perMinute('wlan', p.wlanPerMin),
    ],
    ...demoCarried,
  });
}

/** Offers whose terms change how usage is charged: the GPRS pack makes home-network data free. */
export const demoAddOns: Record<string, { carry: string[] }> = {
  GPRS_PACK: { carry: ['gprs'] },
};

/** Domestic calls (home and roaming, made and received while roaming) counted as one bundle of minutes. */
const domesticVoice = ['local', 'dld', 'ip', 'roam_intra', 'roam_inter'];
const minutesBundle = (id: string, classes: string[], included: number, overFen: number) => ({
  id,
  classes,
  mode: 'graduated' as const,
  unitSize: 60,
  tiers: [
    { from: 0, to: included, price: 0, flatFen: 0 },
    { from: included, to: null, price: overFen * scale, flatFen: 0 },
  ],
});
const messagesRates = (sms: number, mms: number) => [
  perMessage('sms', sms),
  perMessage('sms_intl', 100),
  perMessage('sms_mt', 0),
  perMessage('sms_sp', 0),
  perMessage('mms', mms),
  perMessage('mms_mt', 0),
  perMessage('mms_sp', 0),
];

/**
 * Candidate plans: what the operator answers a competitor's business-traveller offer with, and
 * a few everyday alternatives. They round once per month (charging data per KB), so included
 * minutes and megabytes are order-free and the fast pricer handles them without the per-call rater.
 */
export function demoCandidatePlans(): PlanProductInput[] {
  const common = { priceScale: scale, rounding: { at: 'month', mode: 'up' }, ...demoCarried };
  const candidates: Array<Omit<PlanProductInput, 'plan'> & { plan: Record<string, unknown> }> = [
    {
      service: 'voice',
      brands: ['gotone'],
      plan: {
        id: 'GT_BIZ_128',
        nameZh: '全球通商旅畅行 128 元套餐',
        nameEn: 'GoTone Business Travel 128',
        monthlyFeeFen: 12_800,
        ...common,
        tieredCharges: [minutesBundle('domestic_minutes', domesticVoice, 300, 19)],
        allowances: [{ id: 'data_300mb', classes: ['gprs'], amount: 300, unit: 'mb' }],
        rates: [
          perMinute('mt', 0),
          perMinute('intl', 360),
          perMinute('intl:hmt', 180),
          perMinute('roam_intl', 990),
          ...messagesRates(10, 30),
          perKb('gprs', 30),
          perMinute('wlan', 3),
        ],
      },
    },
    {
      service: 'voice',
      brands: ['gotone'],
      plan: {
        id: 'GT_BIZ_188',
        nameZh: '全球通商旅尊享 188 元套餐',
        nameEn: 'GoTone Business Travel Premium 188',
        monthlyFeeFen: 18_800,
        ...common,
        tieredCharges: [minutesBundle('domestic_minutes', domesticVoice, 800, 15)],
        allowances: [{ id: 'data_500mb', classes: ['gprs'], amount: 500, unit: 'mb' }],
        rates: [
          perMinute('mt', 0),
          perMinute('intl', 300),
          perMinute('intl:hmt', 150),
          perMinute('roam_intl', 790),
          ...messagesRates(8, 25),
          perKb('gprs', 20),
          perMinute('wlan', 2),
        ],
      },
    },
    {
      service: 'gprs',
      brands: ['gotone'],
      plan: {
        id: 'GT_DATA_68',
        nameZh: '全球通 68 元流量套餐',
        nameEn: 'GoTone Data 68',
        monthlyFeeFen: 6_800,
        ...common,
        tieredCharges: [minutesBundle('home_minutes', ['local', 'dld', 'ip'], 150, 19)],
        allowances: [{ id: 'data_1gb', classes: ['gprs'], amount: 1024, unit: 'mb' }],
        rates: [
          perMinute('mt', 0),
          perMinute('roam_intra', 59),
          perMinute('roam_inter', 59),
          perMinute('roam_intl', 1990),
          perMinute('intl', 480),
          perMinute('intl:hmt', 240),
          ...messagesRates(10, 30),
          perKb('gprs', 10),
          perMinute('wlan', 5),
        ],
      },
    },
    {
      service: 'sms',
      brands: ['mzone'],
      plan: {
        id: 'MZ_SMS_20',
        nameZh: '动感地带短信 20 元套餐',
        nameEn: 'M-Zone SMS 20',
        monthlyFeeFen: 2_000,
        ...common,
        bands: {
          split: false,
          holidays: [],
          rules: [
            { band: 'day', days: [1, 2, 3, 4, 5, 6, 7], from: '07:00', to: '23:00' },
            { band: 'night', days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '07:00' },
            { band: 'night', days: [1, 2, 3, 4, 5, 6, 7], from: '23:00', to: '24:00' },
          ],
        },
        tieredCharges: [{ id: 'sms_400', classes: ['sms'], mode: 'graduated', unitSize: 1, tiers: [{ from: 0, to: 400, price: 0, flatFen: 0 }, { from: 400, to: null, price: 8 * scale, flatFen: 0 }] }],
        allowances: [{ id: 'data_100mb', classes: ['gprs'], amount: 100, unit: 'mb' }],
        rates: [
          { ...perMinute('local', 20), bands: ['day'] },
          { ...perMinute('local', 10), bands: ['night'] },
          perMinute('dld', 60),
          perMinute('ip', 40),
          perMinute('roam_intra', 80),
          perMinute('roam_inter', 80),
          perMinute('roam_intl', 2990),
          perMinute('intl', 800),
          perMinute('intl:hmt', 400),
          perMinute('mt', 0),
          perMessage('sms_intl', 100),
          perMessage('sms_mt', 0),
          perMessage('sms_sp', 0),
          perMessage('mms', 20),
          perMessage('mms_mt', 0),
          perMessage('mms_sp', 0),
          perKb('gprs', 50),
          perMinute('wlan', 6),
        ],
      },
    },
    {
      service: 'voice',
      brands: ['easyown'],
      plan: {
        id: 'EO_LOCAL_8',
        nameZh: '神州行本地畅聊 8 元卡',
        nameEn: 'Easy-Own Local Chat 8',
        monthlyFeeFen: 800,
        ...common,
        tieredCharges: [minutesBundle('local_minutes', ['local'], 100, 10)],
        rates: [
          perMinute('dld', 50),
          perMinute('ip', 30),
          perMinute('roam_intra', 60),
          perMinute('roam_inter', 60),
          perMinute('roam_intl', 2990),
          perMinute('intl', 800),
          perMinute('intl:hmt', 400),
          perMinute('mt', 0),
          ...messagesRates(10, 30),
          perKb('gprs', 150),
          perMinute('wlan', 6),
        ],
      },
    },
  ];
  return candidates.map((c) => ({ ...c, plan: validatePlan(c.plan) }));
}

/** Every demo plan product with its definition: the current plans, then the candidates. */
export function demoTariffProducts(): PlanProductInput[] {
  return [...plans.map((p) => ({ service: 'voice' as const, brands: [p.brand], plan: demoTariffPlan(p) })), ...demoCandidatePlans()];
}

/**
 * Stores the definitions in products (kind 'tariff_plan'; the candidates are added as products
 * nobody holds yet) and the GPRS pack's add-on terms. Idempotent; meant to run right after the
 * generator has written the catalogue.
 */
export async function storeDemoTariffPlans(db: Db): Promise<void> {
  for (const product of demoTariffProducts()) await upsertPlanProduct(db, product);
  for (const [productId, terms] of Object.entries(demoAddOns)) await setAddOnTerms(db, productId, terms);
}
