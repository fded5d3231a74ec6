// Usage classes: the key under which a CDR is priced (`local`, `ip:17951`, `intl:2`,
// `roam_inter:JZ>SH`, `sms:onnet`, `gprs`...). The JS classifier here serves the reference
// rater; its SQL twin, which yields class codes for the usage profiles, is in profile.ts
// (voiceCodeSql …), held to this one by the property test.

/** What a class's quantity counts: seconds (voice, WLAN), messages (SMS, MMS) or KB (GPRS). */
export type Domain = 'second' | 'message' | 'kb';

/** The class roots; a key is a root optionally followed by `:qualifier` segments. */
export const classRoots = {
  local: 'second',
  dld: 'second',
  ip: 'second',
  intl: 'second',
  intl_ip: 'second',
  roam_intra: 'second',
  roam_inter: 'second',
  roam_intl: 'second',
  mt: 'second',
  vpmn: 'second',
  wlan: 'second',
  sms: 'message',
  sms_mt: 'message',
  sms_sp: 'message',
  sms_intl: 'message',
  mms: 'message',
  mms_mt: 'message',
  mms_sp: 'message',
  mms_intl: 'message',
  gprs: 'kb',
  gprs_intl: 'kb',
} as const satisfies Record<string, Domain>;
export type ClassRoot = keyof typeof classRoots;

const prefix = /^\d{3,8}$/;
const countryGroup = /^(\d{1,3}|hmt)$/;
const route = /^[A-Za-z0-9_-]{1,16}>[A-Za-z0-9_-]{1,16}$/;

/** Why a class key is not valid, or null when it is. */
export function classKeyProblem(key: string): string | null {
  const [root, ...rest] = key.split(':');
  if (!(root in classRoots)) return `unknown class '${root}' (known: ${Object.keys(classRoots).join(', ')})`;
  if (rest.length === 0) return null;
  const q = rest.join(':');
  const ok = (() => {
    switch (root) {
      case 'ip':
        return rest.length === 1 && prefix.test(rest[0]);
      case 'intl':
        return rest.length === 1 && countryGroup.test(rest[0]);
      case 'intl_ip':
        return prefix.test(rest[0]) && (rest.length === 1 || (rest.length === 2 && countryGroup.test(rest[1])));
      case 'roam_intra':
      case 'roam_inter':
      case 'roam_intl':
        return rest.length === 1 && route.test(rest[0]);
      case 'sms':
      case 'mms':
        return rest.length === 1 && (rest[0] === 'onnet' || rest[0] === 'offnet');
      case 'gprs':
        return rest.length === 1 && (rest[0] === 'intra' || rest[0] === 'inter');
      default:
        return false;
    }
  })();
  return ok ? null : `class '${root}' takes no qualifier '${q}' (e.g. ip:17951, intl:2, intl:hmt, intl_ip:12593:2, roam_inter:JZ>SH, sms:onnet, gprs:inter)`;
}

/** The key and its ancestors, most specific first: intl_ip:12593:3 → intl_ip:12593 → intl_ip. */
export function classChain(key: string): string[] {
  const parts = key.split(':');
  const chain: string[] = [];
  for (let i = parts.length; i >= 1; i--) chain.push(parts.slice(0, i).join(':'));
  return chain;
}

export function domainOf(key: string): Domain {
  return classRoots[key.split(':')[0] as ClassRoot];
}

/** What a class key or bill item is about, for before/after by service. */
export type Service = 'voice' | 'sms' | 'mms' | 'gprs' | 'wlan' | 'fee' | 'other';
export const services: readonly Service[] = ['voice', 'sms', 'mms', 'gprs', 'wlan', 'fee', 'other'];

export function serviceOfClass(key: string): Service {
  const root = key.split(':')[0];
  if (root.startsWith('sms')) return 'sms';
  if (root.startsWith('mms')) return 'mms';
  if (root.startsWith('gprs')) return 'gprs';
  if (root === 'wlan') return 'wlan';
  return 'voice';
}

/** Home>visited city pair named by a route-qualified roaming key, if any. */
export function routeOf(key: string): string | null {
  const [root, q] = key.split(':');
  return root.startsWith('roam_') && q ? q : null;
}

// CDRs as plain objects (the cdr_* table columns, camelCase). Times are naive local text.
export type RoamType = 'none' | 'intra' | 'inter' | 'intl';
export interface VoiceCdr {
  startTime: string;
  durationS: number;
  direction: 'mo' | 'mt' | 'cf';
  callClass: 'local' | 'dld' | 'intl' | 'hmt';
  roamType: RoamType;
  visitedCity: string | null;
  ipPrefix: string | null;
  countryGroup: number | null;
  isVpmn: boolean;
  chargeFen: number;
}
export interface MessageCdr {
  sentTime: string;
  direction: 'mo' | 'mt';
  peerNet: 'onnet' | 'offnet' | 'intl' | 'sp';
  roamType: RoamType;
  chargeFen: number;
}
export interface GprsCdr {
  startTime: string;
  durationS: number;
  volumeKb: number;
  roamType: RoamType;
  chargeFen: number;
}
export interface WlanCdr {
  startTime: string;
  durationS: number;
  volumeKb: number;
  chargeFen: number;
}
export type BillItem = 'monthly_fee' | 'local_voice' | 'dld_voice' | 'ip_voice' | 'intl_voice' | 'roam_voice' | 'sms' | 'mms' | 'gprs' | 'wlan' | 'vas' | 'other' | 'discount';
export interface BillLine {
  item: BillItem;
  amountFen: number;
}

/** One customer's usage and bill for one month: what the reference rater rates. */
export interface CustomerMonth {
  subscriberId: number;
  /** 'YYYY-MM' */
  month: string;
  /** The subscriber's city code (the home side of directional roaming). */
  homeCity: string;
  voice: VoiceCdr[];
  sms: MessageCdr[];
  mms: MessageCdr[];
  gprs: GprsCdr[];
  wlan: WlanCdr[];
  bills: BillLine[];
}

function groupOf(c: VoiceCdr): string {
  return c.callClass === 'hmt' ? 'hmt' : String(c.countryGroup ?? 0);
}

/** The class of a voice CDR; `routes` are the home>visited pairs some plan prices apart. */
export function voiceClass(c: VoiceCdr, homeCity: string, routes: ReadonlySet<string>): string {
  if (c.isVpmn) return 'vpmn';
  if (c.roamType !== 'none') {
    const pair = c.visitedCity === null ? null : `${homeCity}>${c.visitedCity}`;
    return pair !== null && routes.has(pair) ? `roam_${c.roamType}:${pair}` : `roam_${c.roamType}`;
  }
  if (c.direction === 'mt') return 'mt';
  if (c.ipPrefix !== null) {
    return c.callClass === 'intl' || c.callClass === 'hmt' ? `intl_ip:${c.ipPrefix}:${groupOf(c)}` : `ip:${c.ipPrefix}`;
  }
  if (c.callClass === 'local') return 'local';
  if (c.callClass === 'dld') return 'dld';
  return `intl:${groupOf(c)}`;
}

export function messageClass(kind: 'sms' | 'mms', m: MessageCdr): string {
  if (m.direction === 'mt') return `${kind}_mt`;
  if (m.peerNet === 'sp') return `${kind}_sp`;
  if (m.peerNet === 'intl') return `${kind}_intl`;
  return `${kind}:${m.peerNet}`;
}

export function gprsClass(g: GprsCdr): string {
  if (g.roamType === 'intl') return 'gprs_intl';
  return g.roamType === 'none' ? 'gprs' : `gprs:${g.roamType}`;
}
