// `yiti segment …` as a user runs it: a real process on a real database file with a generated
// demo province; counts and exports checked against the segment language on the same file.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countSegment } from '../src/customers/segments.ts';
import { Store } from '../src/store/store.ts';
import { tempDbPath, yiti } from './builders.ts';

const db = tempDbPath('segments-cli');
const seniors = { all: [{ field: 'age', op: 'gte', value: 55 }, { not: { contacted: { withinDays: 90, type: 'complaint' } } }] };
let expected: number;

beforeAll(async () => {
  expect((await yiti('demo', '--subscribers', '300', '--seed', '4', '--db', db)).code).toBe(0);
  const store = await Store.open(db);
  try {
    expected = await countSegment(store, seniors);
  } finally {
    await store.close();
  }
  expect(expected).toBeGreaterThan(0);
}, 120_000);

describe('yiti segment', () => {
  it('counts a filter, saves it, lists it and counts it again by id', async () => {
    const count = await yiti('segment', 'count', JSON.stringify(seniors), '--db', db);
    expect(count.code, count.stderr).toBe(0);
    expect(count.stdout).toMatch(new RegExp(`^${expected} of 300 subscribers \\(\\d+\\.\\d%\\)\\nby brand: `));

    const saved = await yiti('segment', 'save', '--name', 'Seniors without complaints', '--filter', JSON.stringify(seniors), '--db', db);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toBe('Saved segment 1 "Seniors without complaints".\n');
    const list = await yiti('segment', 'list', '--db', db);
    expect(list.stdout).toContain(`   1  Seniors without complaints  (cli:`);
    expect(list.stdout).toContain(JSON.stringify(seniors));
    const byId = await yiti('segment', 'count', '1', '--json', '--db', db);
    expect(JSON.parse(byId.stdout)).toMatchObject({ count: expected, total: 300 });
  }, 60_000);

  it('exports the members as CSV to a file or standard output, masked and audited', async () => {
    const file = path.join(path.dirname(db), 'seniors.csv');
    const written = await yiti('segment', 'export', '1', '--out', file, '--db', db);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain(`Wrote ${expected} customers of segment 1 to ${file}.`);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFFsubscriber_id,msisdn,brand,plan_id,plan_name,status,city_code,city_name,age,gender,arpu_yuan,vip_level,tenure_months');
    expect(lines.slice(1, -1)).toHaveLength(expected);
    expect(lines.slice(1, -1).every((l) => /^\d+,1\d\d\*{4}\d{4},/.test(l) && Number(l.split(',')[8]) >= 55)).toBe(true);
    const stdout = await yiti('segment', 'export', '1', '--db', db);
    expect(stdout.stdout).toBe(fs.readFileSync(file, 'utf8'));

    const store = await Store.open(db);
    try {
      const audit = await store.query<{ actor: string; detail: string }>("SELECT actor, CAST(detail AS VARCHAR) AS detail FROM audit_log WHERE action = 'customers.export' ORDER BY audit_id");
      expect(audit.map((a) => JSON.parse(a.detail))).toEqual([
        { filter: { segmentId: 1 }, rows: expected, file },
        { filter: { segmentId: 1 }, rows: expected, file: 'stdout' },
      ]);
      expect(audit[0].actor).toMatch(/^cli:/);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses bad input with exit code ≠ 0 and a message naming it, writing nothing', async () => {
    const file = path.join(path.dirname(db), 'none.csv');
    const cases: Array<[string[], RegExp]> = [
      [['segment', 'count', '{"field":'], /segment must be a saved segment id or a filter in JSON/],
      [['segment', 'count', '{"field":"msisdn","op":"eq","value":"1"}'], /INVALID_SEGMENT: filter\.field: "msisdn" is not a field/],
      [['segment', 'count', '{"holds":{"productId":"NOPE"}}'], /UNKNOWN_PRODUCT: filter\.holds\.productId: "NOPE" is not a product/],
      [['segment', 'count', '99'], /Segment 99/],
      [['segment', 'save', '--name', 'Seniors without complaints', '--filter', JSON.stringify(seniors)], /DUPLICATE_NAME/],
      [['segment', 'save', '--name', 'By id', '--filter', '1'], /--filter must be a filter in JSON/],
      [['segment', 'export', '99', '--out', file], /UNKNOWN_SEGMENT: segmentId: there is no saved segment 99/],
      [['segment', 'export', 'x'], /segmentId must be a positive whole number/],
    ];
    for (const [args, message] of cases) {
      const run = await yiti(...args, '--db', db);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    expect(fs.existsSync(file)).toBe(false);
    expect((await yiti('segment', 'list', '--db', db)).stdout.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('deletes a segment, but not while a draft campaign targets it', async () => {
    const saved = await yiti('segment', 'save', '--name', 'To delete', '--filter', '{"field":"vipLevel","op":"gte","value":3}', '--db', db);
    const id = Number(/Saved segment (\d+)/.exec(saved.stdout)![1]);
    const store = await Store.open(db);
    try {
      await store.run(`INSERT INTO campaigns (name, category, status, plan, created_by) VALUES ('VIP care', 'care', 'draft', $plan, 'planner')`, {
        plan: JSON.stringify({ target: { kind: 'segment', segmentId: id } }),
      });
    } finally {
      await store.close();
    }
    const refused = await yiti('segment', 'delete', String(id), '--db', db);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/SEGMENT_IN_USE: .*"VIP care"/);
    const again = await Store.open(db);
    try {
      await again.run(`DELETE FROM campaigns WHERE name = 'VIP care'`);
    } finally {
      await again.close();
    }
    const deleted = await yiti('segment', 'delete', String(id), '--db', db);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted segment ${id} "To delete".\n`);
    expect((await yiti('segment', 'delete', String(id), '--db', db)).stderr).toMatch(new RegExp(`Segment ${id}`));
  }, 60_000);
});
