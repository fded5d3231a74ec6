// The demo province's reference data: cities, the product catalogue with the demo billing
// rates, and the personas whose behaviour the generator plants (and the model tests recover).
// Rates are integer fen per unit; the generator charges CDRs and builds bills from them.

export const province = { nameZh: '江华省', nameEn: 'Jianghua Province' };

export interface City {
  code: string;
  nameZh: string;
  nameEn: string;
  capital: boolean;
  /** share of the province's subscribers */
  weight: number;
}

export const cities: City[] = [
  { code: 'JZ', nameZh: '江州市', nameEn: 'Jiangzhou', capital: true, weight: 22 },
  { code: 'LC', nameZh: '临川市', nameEn: 'Linchuan', capital: false, weight: 13 },
  { code: 'QS', nameZh: '青山市', nameEn: 'Qingshan', capital: false, weight: 11 },
  { code: 'BH', nameZh: '白河市', nameEn: 'Baihe', capital: false, weight: 10 },
  { code: 'YY', nameZh: '云阳市', nameEn: 'Yunyang', capital: false, weight: 9 },
  { code: 'SM', nameZh: '石门市', nameEn: 'Shimen', capital: false, weight: 9 },
  { code: 'AP', nameZh: '安平市', nameEn: 'Anping', capital: false, weight: 8 },
  { code: 'NP', nameZh: '南浦市', nameEn: 'Nanpu', capital: false, weight: 7 },
  { code: 'QY', nameZh: '清源市', nameEn: 'Qingyuan', capital: false, weight: 6 },
  { code: 'DL', nameZh: '东陵市', nameEn: 'Dongling', capital: false, weight: 5 },
];

/** Where inter-province roamers go (city codes outside the province), and international destinations. */
export const interProvinceCities = ['BJ', 'SH', 'GZ', 'SZ', 'HZ', 'NJ', 'WH', 'CD', 'XA', 'CQ'];
export const internationalDestinations = ['HK', 'MO', 'TW', 'US', 'JP', 'KR', 'SG', 'GB'];

/** A tariff plan of the demo catalogue with the rates the demo billing applies. */
export interface DemoPlan {
  id: string;
  brand: 'gotone' | 'mzone' | 'easyown';
  nameZh: string;
  nameEn: string;
  monthlyFee: number;
  localPerMin: number;
  dldPerMin: number;
  ipPerMin: number;
  intlPerMin: number;
  roamPerMin: number;
  intlRoamPerMin: number;
  sms: number;
  mms: number;
  gprsPerMb: number;
  wlanPerMin: number;
}

export const plans: DemoPlan[] = [
  { id: 'GT58', brand: 'gotone', nameZh: '全球通 58 元套餐', nameEn: 'GoTone 58', monthlyFee: 5800, localPerMin: 19, dldPerMin: 39, ipPerMin: 30, intlPerMin: 480, roamPerMin: 59, intlRoamPerMin: 1990, sms: 10, mms: 30, gprsPerMb: 100, wlanPerMin: 5 },
  { id: 'GT88', brand: 'gotone', nameZh: '全球通 88 元套餐', nameEn: 'GoTone 88', monthlyFee: 8800, localPerMin: 15, dldPerMin: 30, ipPerMin: 25, intlPerMin: 480, roamPerMin: 49, intlRoamPerMin: 1990, sms: 10, mms: 30, gprsPerMb: 80, wlanPerMin: 5 },
  { id: 'GT128', brand: 'gotone', nameZh: '全球通 128 元套餐', nameEn: 'GoTone 128', monthlyFee: 12800, localPerMin: 12, dldPerMin: 25, ipPerMin: 20, intlPerMin: 450, roamPerMin: 39, intlRoamPerMin: 1990, sms: 10, mms: 30, gprsPerMb: 60, wlanPerMin: 5 },
  { id: 'GT188', brand: 'gotone', nameZh: '全球通 188 元套餐', nameEn: 'GoTone 188', monthlyFee: 18800, localPerMin: 10, dldPerMin: 20, ipPerMin: 18, intlPerMin: 420, roamPerMin: 30, intlRoamPerMin: 1790, sms: 8, mms: 25, gprsPerMb: 50, wlanPerMin: 4 },
  { id: 'GT_BIZ', brand: 'gotone', nameZh: '全球通商旅套餐', nameEn: 'GoTone Business Traveller', monthlyFee: 15800, localPerMin: 15, dldPerMin: 20, ipPerMin: 18, intlPerMin: 390, roamPerMin: 25, intlRoamPerMin: 1490, sms: 10, mms: 30, gprsPerMb: 50, wlanPerMin: 3 },
  { id: 'MZ18', brand: 'mzone', nameZh: '动感地带短信套餐', nameEn: 'M-Zone SMS pack', monthlyFee: 1800, localPerMin: 20, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 80, intlRoamPerMin: 2990, sms: 5, mms: 20, gprsPerMb: 100, wlanPerMin: 6 },
  { id: 'MZ28', brand: 'mzone', nameZh: '动感地带音乐套餐', nameEn: 'M-Zone Music', monthlyFee: 2800, localPerMin: 20, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 80, intlRoamPerMin: 2990, sms: 8, mms: 20, gprsPerMb: 60, wlanPerMin: 6 },
  { id: 'MZ38', brand: 'mzone', nameZh: '动感地带网聊套餐', nameEn: 'M-Zone Net Chat', monthlyFee: 3800, localPerMin: 20, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 80, intlRoamPerMin: 2990, sms: 8, mms: 20, gprsPerMb: 30, wlanPerMin: 5 },
  { id: 'EO_CT', brand: 'easyown', nameZh: '神州行畅听卡', nameEn: 'Easy-Own Talk card', monthlyFee: 0, localPerMin: 15, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 60, intlRoamPerMin: 2990, sms: 10, mms: 30, gprsPerMb: 150, wlanPerMin: 6 },
  { id: 'EO_HOME', brand: 'easyown', nameZh: '神州行家园卡', nameEn: 'Easy-Own Home card', monthlyFee: 1000, localPerMin: 12, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 80, intlRoamPerMin: 2990, sms: 10, mms: 30, gprsPerMb: 150, wlanPerMin: 6 },
  { id: 'EO_CARE', brand: 'easyown', nameZh: '神州行亲情卡', nameEn: 'Easy-Own Family card', monthlyFee: 500, localPerMin: 10, dldPerMin: 60, ipPerMin: 40, intlPerMin: 800, roamPerMin: 80, intlRoamPerMin: 2990, sms: 10, mms: 30, gprsPerMb: 200, wlanPerMin: 6 },
];

/** Value-added services and marketing offers of the demo catalogue. */
export interface DemoService {
  id: string;
  kind: 'vas' | 'offer';
  service: 'voice' | 'gprs' | 'sms' | 'mms' | 'wlan';
  nameZh: string;
  nameEn: string;
  monthlyFee: number;
}

export const services: DemoService[] = [
  { id: 'FETION', kind: 'vas', service: 'gprs', nameZh: '飞信', nameEn: 'Fetion', monthlyFee: 0 },
  { id: 'MAIL139', kind: 'vas', service: 'gprs', nameZh: '139 邮箱', nameEn: '139 Mail', monthlyFee: 500 },
  { id: 'CRBT', kind: 'vas', service: 'voice', nameZh: '彩铃', nameEn: 'Colour ring-back tone', monthlyFee: 500 },
  { id: 'NEWS', kind: 'vas', service: 'mms', nameZh: '手机报', nameEn: 'Mobile newspaper', monthlyFee: 300 },
  { id: 'MUSIC', kind: 'vas', service: 'gprs', nameZh: '无线音乐俱乐部', nameEn: 'Wireless music club', monthlyFee: 600 },
  { id: 'GAME', kind: 'vas', service: 'gprs', nameZh: '手机游戏', nameEn: 'Mobile games', monthlyFee: 800 },
  { id: 'VIDEO', kind: 'vas', service: 'gprs', nameZh: '手机视频', nameEn: 'Mobile video', monthlyFee: 1000 },
  { id: 'GPRS_PACK', kind: 'offer', service: 'gprs', nameZh: 'GPRS 20 元包', nameEn: 'GPRS pack 20', monthlyFee: 2000 },
  { id: 'SMS_PACK', kind: 'offer', service: 'sms', nameZh: '短信 5 元包', nameEn: 'SMS pack 5', monthlyFee: 500 },
  { id: 'ROAM_PACK', kind: 'offer', service: 'voice', nameZh: '国内漫游包', nameEn: 'Domestic roaming pack', monthlyFee: 3000 },
];

/**
 * A kind of customer. Usage figures are monthly means for a customer of average activity;
 * each customer gets a lognormal activity factor, so heavy and light users both exist.
 */
export interface Persona {
  id: string;
  nameZh: string;
  nameEn: string;
  weight: number;
  plans: Record<string, number>;
  ageMin: number;
  ageMax: number;
  maxTenureMonths: number;
  smartShare: number;
  groupShare: number;
  dndShare: number;
  /** the share of customers holding each service */
  vas: Record<string, number>;
  voiceCalls: number;
  callSeconds: number;
  dldShare: number;
  intlShare: number;
  ipShare: number;
  roamIntra: number;
  roamInter: number;
  roamIntl: number;
  sms: number;
  mms: number;
  gprsSessions: number;
  gprsKb: number;
  wlanSessions: number;
  /** contacts over the three months for an ordinary (not frequent) contacter */
  contacts: number;
  frequentShare: number;
  complaintShare: number;
  /** the channels this persona uses for service contacts, by weight */
  channels: Record<string, number>;
  browseVisits: number;
}

export const personas: Persona[] = [
  {
    id: 'business', nameZh: '商旅人士', nameEn: 'Business traveller', weight: 9,
    plans: { GT_BIZ: 25, GT188: 25, GT128: 30, GT88: 20 }, ageMin: 28, ageMax: 58, maxTenureMonths: 150,
    smartShare: 0.6, groupShare: 0.7, dndShare: 0.03,
    vas: { FETION: 0.15, MAIL139: 0.45, CRBT: 0.35, NEWS: 0.4, MUSIC: 0.05, GAME: 0.02, VIDEO: 0.05, GPRS_PACK: 0.3, SMS_PACK: 0.05, ROAM_PACK: 0.35 },
    voiceCalls: 114, callSeconds: 150, dldShare: 0.35, intlShare: 0.03, ipShare: 0.25,
    roamIntra: 0.12, roamInter: 0.22, roamIntl: 0.02,
    sms: 26, mms: 1, gprsSessions: 22, gprsKb: 600, wlanSessions: 4,
    contacts: 5, frequentShare: 0.18, complaintShare: 0.08,
    channels: { account_mgr: 30, agent: 30, ivr: 10, web: 15, store: 10, app: 5 }, browseVisits: 4,
  },
  {
    id: 'white_collar', nameZh: '白领', nameEn: 'Office worker', weight: 20,
    plans: { GT58: 30, GT88: 35, GT128: 10, EO_CT: 15, MZ38: 10 }, ageMin: 23, ageMax: 45, maxTenureMonths: 120,
    smartShare: 0.55, groupShare: 0.45, dndShare: 0.04,
    vas: { FETION: 0.35, MAIL139: 0.3, CRBT: 0.3, NEWS: 0.25, MUSIC: 0.15, GAME: 0.05, VIDEO: 0.1, GPRS_PACK: 0.35, SMS_PACK: 0.1, ROAM_PACK: 0.05 },
    voiceCalls: 53, callSeconds: 110, dldShare: 0.15, intlShare: 0.005, ipShare: 0.2,
    roamIntra: 0.05, roamInter: 0.03, roamIntl: 0.002,
    sms: 28, mms: 2, gprsSessions: 26, gprsKb: 500, wlanSessions: 1,
    contacts: 3, frequentShare: 0.08, complaintShare: 0.07,
    channels: { web: 30, app: 25, agent: 15, ivr: 10, sms_hall: 10, store: 10 }, browseVisits: 6,
  },
  {
    id: 'student', nameZh: '学生', nameEn: 'Student', weight: 15,
    plans: { MZ18: 50, MZ28: 25, MZ38: 25 }, ageMin: 15, ageMax: 24, maxTenureMonths: 48,
    smartShare: 0.45, groupShare: 0.02, dndShare: 0.02,
    vas: { FETION: 0.75, MAIL139: 0.05, CRBT: 0.25, NEWS: 0.05, MUSIC: 0.4, GAME: 0.3, VIDEO: 0.15, GPRS_PACK: 0.4, SMS_PACK: 0.45, ROAM_PACK: 0.01 },
    voiceCalls: 18, callSeconds: 80, dldShare: 0.12, intlShare: 0.001, ipShare: 0.1,
    roamIntra: 0.04, roamInter: 0.02, roamIntl: 0,
    sms: 97, mms: 4, gprsSessions: 40, gprsKb: 300, wlanSessions: 1,
    contacts: 2, frequentShare: 0.04, complaintShare: 0.05,
    channels: { sms_hall: 35, wap: 25, app: 15, web: 10, ivr: 10, store: 5 }, browseVisits: 8,
  },
  {
    id: 'youth', nameZh: '时尚青年', nameEn: 'Trendy youth', weight: 13,
    plans: { MZ28: 35, MZ38: 35, GT58: 15, EO_CT: 15 }, ageMin: 18, ageMax: 32, maxTenureMonths: 84,
    smartShare: 0.75, groupShare: 0.1, dndShare: 0.03,
    vas: { FETION: 0.55, MAIL139: 0.1, CRBT: 0.4, NEWS: 0.1, MUSIC: 0.45, GAME: 0.35, VIDEO: 0.35, GPRS_PACK: 0.55, SMS_PACK: 0.25, ROAM_PACK: 0.02 },
    voiceCalls: 31, callSeconds: 90, dldShare: 0.12, intlShare: 0.003, ipShare: 0.1,
    roamIntra: 0.05, roamInter: 0.03, roamIntl: 0.002,
    sms: 48, mms: 3, gprsSessions: 53, gprsKb: 900, wlanSessions: 2,
    contacts: 3, frequentShare: 0.06, complaintShare: 0.07,
    channels: { app: 40, wap: 20, web: 15, sms_hall: 10, agent: 10, store: 5 }, browseVisits: 10,
  },
  {
    id: 'senior', nameZh: '老年人', nameEn: 'Senior', weight: 12,
    plans: { EO_CARE: 55, EO_HOME: 30, EO_CT: 15 }, ageMin: 58, ageMax: 85, maxTenureMonths: 150,
    smartShare: 0.05, groupShare: 0.02, dndShare: 0.12,
    vas: { FETION: 0.02, MAIL139: 0.01, CRBT: 0.1, NEWS: 0.08, MUSIC: 0.01, GAME: 0, VIDEO: 0, GPRS_PACK: 0.02, SMS_PACK: 0.02, ROAM_PACK: 0.01 },
    voiceCalls: 40, callSeconds: 160, dldShare: 0.08, intlShare: 0.001, ipShare: 0.05,
    roamIntra: 0.01, roamInter: 0.005, roamIntl: 0,
    sms: 5, mms: 0.2, gprsSessions: 1, gprsKb: 100, wlanSessions: 0,
    contacts: 4, frequentShare: 0.12, complaintShare: 0.06,
    channels: { store: 55, agent: 25, ivr: 15, terminal: 5 }, browseVisits: 0.2,
  },
  {
    id: 'farmer', nameZh: '农村客户', nameEn: 'Rural customer', weight: 19,
    plans: { EO_CT: 55, EO_HOME: 35, EO_CARE: 10 }, ageMin: 25, ageMax: 68, maxTenureMonths: 110,
    smartShare: 0.08, groupShare: 0.03, dndShare: 0.04,
    vas: { FETION: 0.05, MAIL139: 0.01, CRBT: 0.15, NEWS: 0.1, MUSIC: 0.03, GAME: 0.02, VIDEO: 0.01, GPRS_PACK: 0.05, SMS_PACK: 0.05, ROAM_PACK: 0.03 },
    voiceCalls: 31, callSeconds: 120, dldShare: 0.1, intlShare: 0.001, ipShare: 0.1,
    roamIntra: 0.03, roamInter: 0.04, roamIntl: 0,
    sms: 11, mms: 0.3, gprsSessions: 3, gprsKb: 150, wlanSessions: 0,
    contacts: 2, frequentShare: 0.05, complaintShare: 0.04,
    channels: { store: 60, ivr: 20, agent: 10, terminal: 10 }, browseVisits: 0.3,
  },
  {
    id: 'homemaker', nameZh: '家庭主妇', nameEn: 'Homemaker', weight: 12,
    plans: { EO_HOME: 40, EO_CT: 25, GT58: 25, GT88: 10 }, ageMin: 26, ageMax: 55, maxTenureMonths: 120,
    smartShare: 0.25, groupShare: 0.05, dndShare: 0.06,
    vas: { FETION: 0.12, MAIL139: 0.03, CRBT: 0.3, NEWS: 0.15, MUSIC: 0.08, GAME: 0.04, VIDEO: 0.08, GPRS_PACK: 0.1, SMS_PACK: 0.15, ROAM_PACK: 0.01 },
    voiceCalls: 44, callSeconds: 140, dldShare: 0.1, intlShare: 0.002, ipShare: 0.1,
    roamIntra: 0.02, roamInter: 0.01, roamIntl: 0.001,
    sms: 26, mms: 1, gprsSessions: 5, gprsKb: 250, wlanSessions: 0,
    contacts: 4, frequentShare: 0.1, complaintShare: 0.09,
    channels: { store: 35, ivr: 25, agent: 20, sms_hall: 10, web: 10 }, browseVisits: 1.5,
  },
];

/** Service-contact business codes by contact type (what the contact was about). */
export const contactBusinesses: Record<string, string[]> = {
  consultation: ['balance_query', 'plan_info', 'gprs_info', 'roaming_info', 'vas_info', 'bill_query'],
  complaint: ['bill_dispute', 'network_quality', 'vas_unsubscribed_charge', 'roaming_charge', 'service_attitude'],
  transaction: ['bill_payment', 'plan_change', 'vas_order', 'vas_cancel', 'sim_replace', 'recharge'],
  marketing: ['plan_upgrade', 'gprs_pack', 'fetion_promo', 'roam_pack', 'tariff_advice'],
  care: ['birthday_greeting', 'festival_greeting', 'bill_reminder', 'service_notice'],
  browse: ['plan_list', 'bill_detail', 'gprs_package', 'fetion_download', 'roaming_info'],
};

/**
 * The demo 10086 IVR menu: each path of keys with its label and the contact businesses a caller
 * serves there. The key 0 at any level transfers to an agent (人工服务).
 */
export const ivrMenu: Array<{ path: string; zh: string; en: string; businesses: string[] }> = [
  { path: '1', zh: '话费查询', en: 'Balance and bills', businesses: [] },
  { path: '1>1', zh: '余额查询', en: 'Balance', businesses: ['balance_query'] },
  { path: '1>2', zh: '账单查询', en: 'Monthly bill', businesses: ['bill_query'] },
  { path: '1>2>1', zh: '详单短信下发', en: 'Itemised bill by SMS', businesses: ['bill_dispute'] },
  { path: '1>3', zh: '话费缴纳', en: 'Pay a bill', businesses: ['bill_payment'] },
  { path: '2', zh: '业务办理', en: 'Services', businesses: [] },
  { path: '2>1', zh: '套餐查询与变更', en: 'Plans', businesses: ['plan_info', 'plan_change'] },
  { path: '2>2', zh: '增值业务订退', en: 'Value-added services', businesses: ['vas_info', 'vas_order', 'vas_cancel', 'vas_unsubscribed_charge'] },
  { path: '2>3', zh: '充值', en: 'Recharge', businesses: ['recharge'] },
  { path: '2>4', zh: 'SIM 卡补换', en: 'SIM replacement', businesses: ['sim_replace'] },
  { path: '3', zh: '数据业务', en: 'Data services', businesses: [] },
  { path: '3>1', zh: '流量查询', en: 'Data usage', businesses: ['gprs_info'] },
  { path: '4', zh: '漫游服务', en: 'Roaming', businesses: [] },
  { path: '4>1', zh: '漫游资费', en: 'Roaming rates', businesses: ['roaming_info'] },
  { path: '4>2', zh: '漫游费用查询', en: 'Roaming charges', businesses: ['roaming_charge'] },
  { path: '5', zh: '投诉与建议', en: 'Complaints and suggestions', businesses: [] },
  { path: '5>1', zh: '网络质量', en: 'Network quality', businesses: ['network_quality'] },
  { path: '5>2', zh: '服务评价', en: 'Service quality', businesses: ['service_attitude'] },
  { path: '0', zh: '人工服务', en: 'Agent', businesses: [] },
];

/**
 * Browsing journeys per site, by weight: a session follows one and may stop after any page. The
 * pages a site has are those its journeys visit.
 */
export const webJourneys: Record<string, Array<{ pages: string[]; weight: number }>> = {
  online_hall: [
    { pages: ['/bill/detail', '/bill/pay'], weight: 3 },
    { pages: ['/plan/list', '/plan/compare', '/plan/change'], weight: 3 },
    { pages: ['/recharge'], weight: 2 },
    { pages: ['/roaming/info', '/plan/list', '/plan/compare'], weight: 1 },
    { pages: ['/bill/detail', '/plan/compare', '/plan/change'], weight: 1 },
  ],
  portal: [
    { pages: ['/home', '/news'], weight: 3 },
    { pages: ['/home', '/music'], weight: 2 },
    { pages: ['/home', '/game'], weight: 1 },
  ],
  mail139: [{ pages: ['/inbox', '/compose'], weight: 1 }],
  fetion: [{ pages: ['/download', '/friends'], weight: 1 }],
  monternet: [{ pages: ['/vas/list', '/vas/order'], weight: 1 }],
  wap: [
    { pages: ['/wap/home', '/wap/bill'], weight: 2 },
    { pages: ['/wap/home', '/wap/gprs'], weight: 2 },
    { pages: ['/wap/home', '/wap/music'], weight: 1 },
  ],
};

export const handsetBrands = { smart: ['Apple', 'HTC', 'Samsung', 'Nokia', 'Huawei', 'Motorola'], basic: ['Nokia', 'Samsung', 'Motorola', 'Sony Ericsson', 'ZTE', 'Lenovo'] };

export const groupIndustries = ['government', 'education', 'finance', 'manufacturing', 'logistics', 'retail', 'healthcare', 'energy'];

/** Expands weights into a list of `size` entries so that SQL can pick one with a uniform index. */
export function weightedList(weights: Record<string, number>, size = 100): string[] {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const total = entries.reduce((n, [, w]) => n + w, 0);
  const out: string[] = [];
  let cumulative = 0;
  for (const [key, w] of entries) {
    cumulative += w;
    const upTo = Math.round((cumulative / total) * size);
    while (out.length < upTo) out.push(key);
  }
  return out;
}
