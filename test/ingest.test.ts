// File imports against a real DuckDB file: good files load exactly, the same file twice is a
// no-op, and a bad file is refused with its row, column and reason while nothing changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeImportKinds, importFile, importKinds, type ImportKind } from '../src/ingest/import.ts';
import { JobCancelled, cancelJob, getJob, startJob } from '../src/jobs/jobs.ts';
import { codesOfCheck } from '../src/ingest/kinds.ts';
import { onContacts, type ContactFact } from '../src/policy/contacts.ts';
import { InvalidInput } from '../src/store/errors.ts';
import type { Store } from '../src/store/store.ts';
import { addCity, addPlan, addSubscriber, tempStore } from './builders.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiti-ingest-'));

function csvFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function count(store: Store, table: string): Promise<number> {
  return (await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
}

async function refusal(promise: Promise<unknown>): Promise<InvalidInput> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidInput);
  return error as InvalidInput;
}

interface ProblemShape {
  row: number | null;
  line?: number;
  column: string | null;
  reason: string;
}

const problemsOf = (e: InvalidInput) => (e.details as { problems: ProblemShape[] }).problems;

const voiceHeader = 'subscriber_id,start_time,duration_s,direction,call_class,time_band,roam_type,visited_city,ip_prefix,country_group,is_vpmn,charge_fen';

describe('import kinds', () => {
  let store: Store;
  beforeAll(async () => {
    store = await tempStore('ingest-spec');
  });
  afterAll(() => store.close());

  it('lists every kind with its source system', () => {
    const sources = Object.fromEntries(Object.entries(importKinds).map(([k, s]) => [k, s.source]));
    expect(sources).toEqual({
      subscribers: 'CRM', groups: 'CRM', cities: 'CRM', products: 'CRM', holdings: 'CRM', orders: 'CRM',
      cdr_voice: 'BOSS', cdr_sms: 'BOSS', cdr_mms: 'BOSS', cdr_wlan: 'BOSS', bills: 'BOSS',
      cdr_gprs: 'VGOP', web_browse: 'VGOP', costs: 'MIS', contact_events: 'CRM', ivr_sessions: 'IVR', ivr_menu: 'IVR',
    });
    expect(JSON.parse(JSON.stringify(importKinds))).toEqual(importKinds);
  });

  it('declares exactly the columns of each table (minus batch_id), with its types, requirements and defaults', async () => {
    const described = await describeImportKinds(store);
    for (const [kind, spec] of Object.entries(described)) {
      const columns = await store.query<{ column_name: string; data_type: string; is_nullable: boolean; column_default: string | null }>(
        `SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns()
         WHERE table_name = $table AND column_name <> 'batch_id' ORDER BY column_index`,
        { table: spec.table },
      );
      expect(spec.columns.map((c) => c.name), kind).toEqual(columns.map((c) => c.column_name));
      for (const [i, c] of spec.columns.entries()) {
        const db = columns[i];
        const where = `${kind}.${c.name}`;
        const expectedType =
          db.data_type.startsWith('ENUM') ? 'code'
          : db.data_type === 'VARCHAR[]' ? 'code_list'
          : db.data_type === 'BIGINT' ? 'bigint'
          : ['INTEGER', 'SMALLINT', 'TINYINT'].includes(db.data_type) ? 'integer'
          : db.data_type === 'VARCHAR' ? (c.type === 'code' ? 'code' : 'text')
          : db.data_type.toLowerCase();
        expect(c.type, where).toBe(expectedType);
        expect(c.required, where).toBe(!db.is_nullable && db.column_default === null);
        const dbDefault = db.column_default === null ? undefined : db.column_default.includes("'t'") ? true : db.column_default.includes("'f'") ? false : Number(db.column_default);
        expect(c.default, where).toBe(dbDefault);
        if (c.type === 'code' || c.type === 'code_list') expect(c.values?.length, where).toBeGreaterThan(1);
      }
    }
  });

  it('reads allowed codes from the schema: ENUM types and CHECK lists', async () => {
    const described = await describeImportKinds(store);
    expect(described.subscribers.columns.find((c) => c.name === 'brand')?.values).toEqual(['gotone', 'mzone', 'easyown']);
    expect(described.products.columns.find((c) => c.name === 'brands')?.values).toEqual(['gotone', 'mzone', 'easyown']);
    expect(described.orders.columns.find((c) => c.name === 'action')?.values).toEqual(['order', 'cancel', 'change']);
    expect(described.costs.columns.find((c) => c.name === 'item')?.values).toContain('network_ops');
    expect(codesOfCheck(`("action" IN ('order', 'it''s'))`, 'action')).toEqual(['order', "it's"]);
    expect(codesOfCheck('(age BETWEEN 10 AND 100)', 'age')).toBeUndefined();
  });
});

describe('importing good files', () => {
  let store: Store;
  beforeAll(async () => {
    store = await tempStore('ingest-good');
    await addCity(store, 'C01');
    await addPlan(store, 'P_GT88');
  });
  afterAll(() => store.close());

  it('loads a cities CSV and records the batch', async () => {
    const file = csvFile('cities.csv', ['city_code,name_zh,name_en,is_capital', 'C02,江城市,River City,false', '"C03","山城市","Hill City, North",']);
    const result = await importFile(store, { kind: 'cities', file });
    expect(result).toEqual({ duplicate: false, rows: 2, batchId: expect.any(Number) });
    expect(await store.query('SELECT city_code, name_zh, name_en, is_capital FROM cities ORDER BY city_code')).toEqual([
      { city_code: 'C01', name_zh: '省会市', name_en: 'Capital City', is_capital: true },
      { city_code: 'C02', name_zh: '江城市', name_en: 'River City', is_capital: false },
      { city_code: 'C03', name_zh: '山城市', name_en: 'Hill City, North', is_capital: false },
    ]);
    const batch = await store.one('SELECT batch_id, kind, file_name, row_count, source, length(file_sha256) AS sha_len FROM import_batches');
    expect(batch).toEqual({ batch_id: result.batchId, kind: 'cities', file_name: 'cities.csv', row_count: 2, source: 'CRM', sha_len: 64 });
  });

  it('tells the contact policy about imported contact records once they are committed', async () => {
    const own = await tempStore('ingest-contacts');
    await addCity(own, 'C01');
    await addPlan(own, 'P_GT88');
    await addSubscriber(own, { subscriber_id: 901, msisdn: '13800000901' });
    const seen: ContactFact[] = [];
    const stop = onContacts(own, (facts) => seen.push(...facts));
    try {
      const file = csvFile('contacts.csv', [
        'subscriber_id,event_time,channel_id,event_type,business,outcome,campaign_id',
        '901,2026-10-20 10:00:00,agent,complaint,bill_dispute,resolved,',
        '901,2026-10-21 11:00:00,outbound,marketing,FETION,refused,12',
        '901,2026-10-22 12:00:00,store,transaction,bill_payment,completed,',
      ]);
      await importFile(own, { kind: 'contact_events', file });
    } finally {
      stop();
      await own.close();
    }
    expect(seen).toEqual([
      { subscriberId: 901, channelId: 'agent', at: '2026-10-20 10:00:00', outcome: 'complaint', campaignId: null, offerId: null, eventId: null },
      { subscriberId: 901, channelId: 'outbound', at: '2026-10-21 11:00:00', outcome: 'refused', campaignId: 12, offerId: 'FETION', eventId: null },
      { subscriberId: 901, channelId: 'store', at: '2026-10-22 12:00:00', outcome: 'service', campaignId: null, offerId: null, eventId: null },
    ]);
  });

  it('treats the same file again as a no-op', async () => {
    const file = csvFile('cities-again.csv', ['city_code,name_zh,name_en', 'C04,湖城市,Lake City']);
    const first = await importFile(store, { kind: 'cities', file });
    const before = { cities: await count(store, 'cities'), batches: await count(store, 'import_batches') };
    const copy = path.join(dir, 'renamed-copy.csv');
    fs.copyFileSync(file, copy);
    for (const f of [file, copy]) {
      expect(await importFile(store, { kind: 'cities', file: f })).toEqual({ duplicate: true, rows: 0, batchId: first.batchId });
    }
    expect({ cities: await count(store, 'cities'), batches: await count(store, 'import_batches') }).toEqual(before);
  });

  it('leaves nothing behind when cancelled, even after loading: the same file imports afterwards', async () => {
    const file = csvFile('cities-cancelled.csv', ['city_code,name_zh,name_en', 'C09,林城市,Forest City']);
    const before = { cities: await count(store, 'cities'), batches: await count(store, 'import_batches') };
    let jobId: string | undefined;
    const job = await startJob(store, 'import.cities', null, 'analyst', (progress, signal) => importFile(store, { kind: 'cities', file }, progress, signal), (_f, message) => {
      // asked to stop once the rows are being loaded: the commit must not happen
      if (message === 'loading' && jobId) void cancelJob(store, jobId, 'analyst', false);
    }, { cancellable: true });
    jobId = job.jobId;
    await expect(job.done).rejects.toBeInstanceOf(JobCancelled);
    expect((await getJob(store, job.jobId)).status).toBe('cancelled');
    expect({ cities: await count(store, 'cities'), batches: await count(store, 'import_batches') }).toEqual(before);
    expect(await importFile(store, { kind: 'cities', file })).toMatchObject({ duplicate: false, rows: 1 });
    expect(await count(store, 'cities')).toBe(before.cities + 1);
  });

  it('loads subscribers with columns in any order, header names in any case, and optional columns left out', async () => {
    const file = csvFile('crm_subscribers.csv', [
      'MSISDN,Subscriber_ID,brand,plan_id,status,city_code,age,gender,join_date,arpu_fen,payment_type,dnd',
      '13800000001,1001,gotone,P_GT88,active,C01,35,M,2019-05-01,12000,postpaid,true',
      ' 13800000002 , 1002 ,mzone,P_GT88,active,C01,19,F,2024-09-30,3500,prepaid,',
    ]);
    const result = await importFile(store, { kind: 'subscribers', file });
    expect(result.rows).toBe(2);
    expect(await store.query('SELECT subscriber_id, msisdn, brand, age, join_date, vip_level, dnd, handset_gprs FROM subscribers ORDER BY 1')).toEqual([
      { subscriber_id: 1001, msisdn: '13800000001', brand: 'gotone', age: 35, join_date: '2019-05-01', vip_level: 0, dnd: true, handset_gprs: true },
      { subscriber_id: 1002, msisdn: '13800000002', brand: 'mzone', age: 19, join_date: '2024-09-30', vip_level: 0, dnd: false, handset_gprs: true },
    ]);
    // customer features follow the new subscribers
    expect(await count(store, 'customer_features')).toBe(2);
  });

  it('loads voice CDRs under their batch and rebuilds the customer features', async () => {
    const file = csvFile('cdr_voice_202610.csv', [
      voiceHeader,
      '1001,2026-10-01 08:15:00,61,mo,local,peak,none,,,,false,20',
      '1001,2026-10-02 21:00:30,120,mt,dld,offpeak,intra,C02,17951,,true,0',
      '1002,2026-10-03 09:00:00,30,mo,intl,peak,none,,,3,,150',
    ]);
    const result = await importFile(store, { kind: 'cdr_voice', file });
    expect(result.rows).toBe(3);
    expect(await store.query('SELECT subscriber_id, start_time, duration_s, call_class, ip_prefix, country_group, is_vpmn, batch_id FROM cdr_voice ORDER BY start_time')).toEqual([
      { subscriber_id: 1001, start_time: '2026-10-01 08:15:00', duration_s: 61, call_class: 'local', ip_prefix: null, country_group: null, is_vpmn: false, batch_id: result.batchId },
      { subscriber_id: 1001, start_time: '2026-10-02 21:00:30', duration_s: 120, call_class: 'dld', ip_prefix: '17951', country_group: null, is_vpmn: true, batch_id: result.batchId },
      { subscriber_id: 1002, start_time: '2026-10-03 09:00:00', duration_s: 30, call_class: 'intl', ip_prefix: null, country_group: 3, is_vpmn: false, batch_id: result.batchId },
    ]);
    // 61 s and 120 s are 2 + 2 billed minutes in the one data month
    expect(await store.one('SELECT voice_minutes, long_distance_minutes AS ld_minutes FROM customer_features WHERE subscriber_id = 1001')).toEqual({ voice_minutes: 4, ld_minutes: 2 });
  });

  it('loads products with a brand list and a JSON definition', async () => {
    const file = csvFile('products.csv', [
      'product_id,kind,service,name_zh,name_en,monthly_fee_fen,brands,definition',
      'VAS_FETION,vas,gprs,飞信包,Fetion pack,500,"[gotone, mzone]","{""kind"": ""flat""}"',
      'OFFER_1,offer,,优惠,Offer one,,,',
    ]);
    await importFile(store, { kind: 'products', file });
    expect(await store.query(`SELECT product_id, kind, service, monthly_fee_fen, brands, definition->>'kind' AS def, active FROM products WHERE product_id <> 'P_GT88' ORDER BY 1`)).toEqual([
      { product_id: 'OFFER_1', kind: 'offer', service: null, monthly_fee_fen: 0, brands: null, def: null, active: true },
      { product_id: 'VAS_FETION', kind: 'vas', service: 'gprs', monthly_fee_fen: 500, brands: ['gotone', 'mzone'], def: 'flat', active: true },
    ]);
  });

  it('loads a Parquet file written by DuckDB, typed columns and all', async () => {
    const file = path.join(dir, 'bills_202610.parquet');
    await store.run(
      `COPY (SELECT * FROM (VALUES (1001, DATE '2026-10-01', 'monthly_fee', 8800), (1001, DATE '2026-10-01', 'discount', -300),
                                  (1002, DATE '2026-10-01', 'local_voice', 1250)) t(subscriber_id, bill_month, item, amount_fen))
       TO '${file}' (FORMAT parquet)`,
    );
    const result = await importFile(store, { kind: 'bills', file });
    expect(result).toMatchObject({ duplicate: false, rows: 3 });
    expect(await store.query('SELECT subscriber_id, bill_month, item, amount_fen FROM bills ORDER BY subscriber_id, amount_fen')).toEqual([
      { subscriber_id: 1001, bill_month: '2026-10-01', item: 'discount', amount_fen: -300 },
      { subscriber_id: 1001, bill_month: '2026-10-01', item: 'monthly_fee', amount_fen: 8800 },
      { subscriber_id: 1002, bill_month: '2026-10-01', item: 'local_voice', amount_fen: 1250 },
    ]);
    expect(await store.one('SELECT bill_fen FROM customer_features WHERE subscriber_id = 1001')).toEqual({ bill_fen: 8500 });
    expect((await importFile(store, { kind: 'bills', file })).duplicate).toBe(true);
  });

  it('imports a header-only file as 0 rows, once', async () => {
    const file = csvFile('cdr_sms_empty.csv', ['subscriber_id,sent_time,direction,peer_net,roam_type,charge_fen']);
    const first = await importFile(store, { kind: 'cdr_sms', file });
    expect(first).toEqual({ duplicate: false, rows: 0, batchId: expect.any(Number) });
    expect(await store.one('SELECT row_count FROM import_batches WHERE batch_id = $id', { id: first.batchId })).toEqual({ row_count: 0 });
    expect((await importFile(store, { kind: 'cdr_sms', file })).duplicate).toBe(true);
  });

  it('reads CRLF line ends, a UTF-8 byte order mark and a last line without a newline', async () => {
    const file = path.join(dir, 'groups-windows.csv');
    fs.writeFileSync(file, '\uFEFFgroup_id,name,industry,city_code,has_vpmn\r\nG1,江城物流,logistics,C01,true\r\nG2,"Hill ""Tech""",it,C01,0');
    expect((await importFile(store, { kind: 'groups', file })).rows).toBe(2);
    expect(await store.query('SELECT group_id, name, has_vpmn FROM groups ORDER BY 1')).toEqual([
      { group_id: 'G1', name: '江城物流', has_vpmn: true },
      { group_id: 'G2', name: 'Hill "Tech"', has_vpmn: false },
    ]);
  });

  it('reports progress from checksum to done', async () => {
    const file = csvFile('web.csv', ['subscriber_id,visit_time,site,page_path,duration_s', '1001,2026-10-05 12:00:00,online_hall,/bill/pay,40']);
    const seen: Array<[number, string | undefined]> = [];
    await importFile(store, { kind: 'web_browse', file }, (f, m) => seen.push([f, m]));
    const fractions = seen.map(([f]) => f);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(seen.map(([, m]) => m)).toEqual(expect.arrayContaining(['checksum', 'reading', 'validating', 'loading', 'done']));
    expect(fractions.at(-1)).toBe(1);
  });
});

describe('refusing bad files', () => {
  let store: Store;
  const tables = ['subscribers', 'cdr_voice', 'cities', 'orders', 'import_batches', 'customer_features'];
  const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(store, t)])));

  beforeAll(async () => {
    store = await tempStore('ingest-bad');
    await addCity(store, 'C01');
    await addPlan(store, 'P_GT88');
    await addSubscriber(store, { subscriber_id: 1001, msisdn: '13800000001' });
    await store.run('INSERT INTO customer_features SELECT 1001, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL');
  });
  afterAll(() => store.close());

  const good = '1001,2026-10-01 08:15:00,61,mo,local,peak,none,,,,false,20';
  const subscriberHeader = 'subscriber_id,msisdn,brand,plan_id,status,city_code,age,gender,join_date,arpu_fen,payment_type';
  const goodSubscriber = '2001,13900000001,gotone,P_GT88,active,C01,40,F,2021-03-04,9000,postpaid';

  const cases: Array<{ name: string; kind: ImportKind; lines: string[]; where: string; column: string | null; reason: RegExp; row: number | null }> = [
    { name: 'a header that lacks a required column', kind: 'cdr_voice', lines: [voiceHeader.replace(',charge_fen', ''), good.replace(/,20$/, '')], where: 'line 1 (header)', column: 'charge_fen', reason: /required but missing/, row: null },
    { name: 'a header with an unknown column', kind: 'cities', lines: ['city_code,name_zh,name_en,colour', 'C09,九市,Nine,red'], where: 'line 1 (header)', column: 'colour', reason: /not a column of cities/, row: null },
    { name: 'an unknown enum code', kind: 'cdr_voice', lines: [voiceHeader, good, good.replace(',local,', ',regional,')], where: 'line 3 (row 2)', column: 'call_class', reason: /"regional" is not one of the allowed codes local, dld, intl, hmt/, row: 2 },
    { name: 'a bad timestamp', kind: 'cdr_voice', lines: [voiceHeader, good, good, good.replace('2026-10-01 08:15:00', '2026-10-32 08:15:00')], where: 'line 4 (row 3)', column: 'start_time', reason: /"2026-10-32 08:15:00" is not a timestamp YYYY-MM-DD HH:MM:SS/, row: 3 },
    { name: 'a timestamp with a time zone', kind: 'cdr_voice', lines: [voiceHeader, good.replace('08:15:00', '08:15:00+08')], where: 'line 2 (row 1)', column: 'start_time', reason: /is not a timestamp/, row: 1 },
    { name: 'a fraction where a whole number belongs', kind: 'cdr_voice', lines: [voiceHeader, good.replace(',61,', ',61.5,')], where: 'line 2 (row 1)', column: 'duration_s', reason: /"61.5" is not a whole number/, row: 1 },
    { name: 'a negative duration', kind: 'cdr_voice', lines: [voiceHeader, good.replace(',61,', ',-61,')], where: 'line 2 (row 1)', column: 'duration_s', reason: /"-61" is negative/, row: 1 },
    { name: 'an empty required value', kind: 'cdr_voice', lines: [voiceHeader, good, good.replace(',mo,', ',,')], where: 'line 3 (row 2)', column: 'direction', reason: /is empty, but a value is required/, row: 2 },
    { name: 'a row with a missing field', kind: 'cdr_voice', lines: [voiceHeader, good, good.replace(/,20$/, '')], where: 'line 3 (row 2)', column: 'charge_fen', reason: /has 11 values where the header has 12 columns/, row: 2 },
    { name: 'a key repeated within the file', kind: 'subscribers', lines: [subscriberHeader, goodSubscriber, goodSubscriber.replace('13900000001', '13900000002')], where: 'line 3 (row 2)', column: 'subscriber_id', reason: /"2001" is repeated: line 2 has the same subscriber_id/, row: 2 },
    { name: 'a key already loaded', kind: 'subscribers', lines: [subscriberHeader, goodSubscriber.replace('13900000001', '13800000001')], where: 'line 2 (row 1)', column: 'msisdn', reason: /"13800000001" is already loaded/, row: 1 },
    { name: 'an age out of range', kind: 'subscribers', lines: [subscriberHeader, goodSubscriber.replace(',40,', ',140,')], where: 'line 2 (row 1)', column: 'age', reason: /"140" is more than 100/, row: 1 },
    { name: 'an unknown city', kind: 'subscribers', lines: [subscriberHeader, goodSubscriber.replace(',C01,', ',C77,')], where: 'line 2 (row 1)', column: 'city_code', reason: /"C77" is not a city_code in cities \(import cities first\)/, row: 1 },
    { name: 'an unknown channel', kind: 'orders', lines: ['order_id,subscriber_id,product_id,channel_id,action,order_time,status', 'O1,1001,P_GT88,fax,order,2026-10-01 10:00:00,completed'], where: 'line 2 (row 1)', column: 'channel_id', reason: /"fax" is not a channel_id in channels/, row: 1 },
    { name: 'a bill month that is not the first of a month', kind: 'bills', lines: ['subscriber_id,bill_month,item,amount_fen', '1001,2026-10-15,sms,100'], where: 'line 2 (row 1)', column: 'bill_month', reason: /"2026-10-15" is not the first day of a month/, row: 1 },
    { name: 'a holding that ends before it starts', kind: 'holdings', lines: ['subscriber_id,product_id,start_date,end_date', '1001,P_GT88,2026-05-01,2026-04-30'], where: 'line 2 (row 1)', column: 'end_date', reason: /"2026-04-30" is before start_date "2026-05-01"/, row: 1 },
    { name: 'a brand list with an unknown brand', kind: 'products', lines: ['product_id,kind,name_zh,name_en,brands', 'V1,vas,彩铃,Ring tone,"[gotone, platinum]"'], where: 'line 2 (row 1)', column: 'brands', reason: /holds a code that is not one of gotone, mzone, easyown/, row: 1 },
    { name: 'a phone number with letters', kind: 'subscribers', lines: [subscriberHeader, goodSubscriber.replace('13900000001', '1390000000O')], where: 'line 2 (row 1)', column: 'msisdn', reason: /"1390000000O" is not a phone number of 5 to 15 digits/, row: 1 },
    { name: 'a session id repeated within an IVR file', kind: 'ivr_sessions', lines: ['session_id,subscriber_id,start_time,key_path,duration_s,to_agent,abandoned', '9000000001,1001,2026-10-01 10:00:00,1>2,40,false,false', '9000000001,1001,2026-10-01 11:00:00,3>0,90,true,false'], where: 'line 3 (row 2)', column: 'session_id', reason: /"9000000001" is repeated: line 2 has the same session_id/, row: 2 },
    { name: 'a code outside a CHECK list', kind: 'orders', lines: ['order_id,subscriber_id,product_id,channel_id,action,order_time,status', 'O1,1001,P_GT88,store,buy,2026-10-01 10:00:00,completed'], where: 'line 2 (row 1)', column: 'action', reason: /"buy" is not one of the allowed codes order, cancel, change/, row: 1 },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}, naming the row and column, and loads nothing`, async () => {
      const before = await counts();
      const file = csvFile(`${c.kind}-${c.name.replace(/\W+/g, '-')}.csv`, c.lines);
      const error = await refusal(importFile(store, { kind: c.kind, file }));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.status).toBe(400);
      expect(error.message).toContain(`${path.basename(file)} ${c.where}${c.column ? `, column ${c.column}` : ''}: `);
      expect(error.message).toMatch(c.reason);
      expect(error.message).toMatch(/Nothing was imported\.$/);
      expect(problemsOf(error)[0]).toMatchObject({ row: c.row, column: c.column });
      expect(await counts()).toEqual(before);
    });
  }

  it('lists up to 10 problems in file order, and the message states the first and how many more', async () => {
    const rows = Array.from({ length: 15 }, (_, i) => good.replace(',61,', `,x${i},`));
    const file = csvFile('many-bad.csv', [voiceHeader, good, ...rows]);
    const error = await refusal(importFile(store, { kind: 'cdr_voice', file }));
    const problems = problemsOf(error);
    expect(problems).toHaveLength(10);
    expect(problems.map((p) => p.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(problems[0]).toEqual({ row: 2, line: 3, column: 'duration_s', reason: '"x0" is not a whole number in range' });
    expect(error.message).toBe('many-bad.csv line 3 (row 2), column duration_s: "x0" is not a whole number in range (and 14 more problems). Nothing was imported.');
  });

  it('refuses a Parquet file with a bad value by its row', async () => {
    const file = path.join(dir, 'bad-voice.parquet');
    await store.run(
      `COPY (SELECT 1001 AS subscriber_id, TIMESTAMP '2026-10-01 08:00:00' + INTERVAL (i) MINUTE AS start_time, 60 AS duration_s,
                    CASE WHEN i = 4 THEN 'sideways' ELSE 'mo' END AS direction, 'local' AS call_class, 'peak' AS time_band,
                    'none' AS roam_type, 5 AS charge_fen FROM range(6) t(i)) TO '${file}' (FORMAT parquet)`,
    );
    const before = await counts();
    const error = await refusal(importFile(store, { kind: 'cdr_voice', file }));
    expect(error.message).toMatch(/^bad-voice\.parquet row 5, column direction: "sideways" is not one of the allowed codes/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file that turns bad near the end of 200,000 rows, loading none of them', async () => {
    const file = path.join(dir, 'big-voice.csv');
    await store.run(
      `COPY (SELECT 1001 AS subscriber_id,
                    CASE WHEN i = 199990 THEN '2026-10-01 25:00:00' ELSE strftime(TIMESTAMP '2026-10-01 00:00:00' + INTERVAL (i) SECOND, '%Y-%m-%d %H:%M:%S') END AS start_time,
                    i % 300 AS duration_s, 'mo' AS direction, 'local' AS call_class, 'peak' AS time_band, 'none' AS roam_type, 1 AS charge_fen
             FROM range(200000) t(i) ORDER BY i) TO '${file}' (HEADER)`,
    );
    const before = await counts();
    const error = await refusal(importFile(store, { kind: 'cdr_voice', file }));
    expect(error.message).toBe('big-voice.csv line 199992 (row 199991), column start_time: "2026-10-01 25:00:00" is not a timestamp YYYY-MM-DD HH:MM:SS. Nothing was imported.');
    expect(await counts()).toEqual(before);
  }, 60_000);

  it('refuses a missing file, an empty file and an unknown extension by name', async () => {
    const missing = path.join(dir, 'nowhere.csv');
    const gone = await refusal(importFile(store, { kind: 'cities', file: missing }));
    expect(gone.message).toBe(`The file ${missing} does not exist`);
    expect(gone.code).toBe('IMPORT_FILE_MISSING');
    const empty = path.join(dir, 'empty.csv');
    fs.writeFileSync(empty, '');
    expect((await refusal(importFile(store, { kind: 'cities', file: empty }))).message).toMatch(/^empty\.csv is empty/);
    const odd = csvFile('cities.txt', ['city_code,name_zh,name_en', 'C05,五市,Five']);
    expect((await refusal(importFile(store, { kind: 'cities', file: odd }))).message).toMatch(/^cities\.txt: cannot tell the format/);
    // an explicit format overrides the extension
    expect((await importFile(store, { kind: 'cities', file: odd, format: 'csv' })).rows).toBe(1);
  });

  it('refuses a file that is not UTF-8', async () => {
    const file = path.join(dir, 'gbk-cities.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('city_code,name_zh,name_en\nC06,'), Buffer.from([0xc4, 0xcf, 0xb7]), Buffer.from(',Six\n')]));
    const before = await counts();
    const error = await refusal(importFile(store, { kind: 'cities', file }));
    expect(error.message).toMatch(/^gbk-cities\.csv line 2 \(row 1\), column name_zh: is not UTF-8 text/);
    expect(await counts()).toEqual(before);
  });
});
