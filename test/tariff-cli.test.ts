// `yiti tariff …` as a user runs it: a real process on a real database file with a generated
// demo province, the candidate plans imported from a JSON file, then the business-traveller run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoCandidatePlans } from '../src/demo/plans.ts';
import { Store } from '../src/store/store.ts';
import { interruptedYiti, tempDbPath, yiti } from './builders.ts';

const db = tempDbPath('tariff-cli');

beforeAll(async () => {
  expect((await yiti('demo', '--subscribers', '300', '--seed', '6', '--db', db)).code).toBe(0);
  const file = path.join(path.dirname(db), 'candidates.json');
  fs.writeFileSync(file, JSON.stringify(demoCandidatePlans(), null, 2));
  const imported = await yiti('tariff', 'import-plan', file, '--db', db);
  expect(imported.code, imported.stderr).toBe(0);
  // 'Replaced' once the generator stores the demo definitions itself
  expect(imported.stdout).toMatch(/(Added|Replaced) plan GT_BIZ_128/);
}, 120_000);

describe('yiti tariff', () => {
  it('lists the plans, with the candidates defined', async () => {
    const plans = await yiti('tariff', 'plans', '--db', db);
    expect(plans.code).toBe(0);
    expect(plans.stdout).toMatch(/GT_BIZ_128\s+¥128\.00\/month\s+0 holders\s+defined/);
  }, 30_000);

  it('simulates the business-traveller scenario with a progress report and prints the summary', async () => {
    const run = await yiti('tariff', 'simulate', '--plans', 'GT_BIZ_128,GT_BIZ_188,GT_DATA_68', '--segment', '{"field":"planId","op":"eq","value":"GT_BIZ"}', '--db', db);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/tariff simulate: \d+% priced \d+ of \d+ customers/);
    expect(run.stdout).toMatch(/Tariff run 1 over 2026-08, 2026-09, 2026-10/);
    expect(run.stdout).toMatch(/on a sub-optimal plan\s+\d+ \(\d+\.\d% of \d+ priced\)/);
    expect(run.stdout).toMatch(/revenue impact if all accept ¥-?[\d,]+\.\d{2}/);
    expect(run.stdout).toMatch(/GT_BIZ_128\s+\d+\s+\d+/);

    const json = await yiti('tariff', 'simulate', '--plans', 'GT_BIZ_128', '--segment', '{"field":"planId","op":"eq","value":"GT_BIZ"}', '--months', '2026-09,2026-10', '--json', '--db', db);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({ runId: 2, months: ['2026-09', '2026-10'] });
    expect(summary.targetCount).toBeGreaterThan(0);
  }, 60_000);

  it('says so when the segment is empty or the plan unknown, exiting non-zero', async () => {
    const empty = await yiti('tariff', 'simulate', '--plans', 'GT_BIZ_128', '--segment', '{"field":"planId","op":"eq","value":"NOBODY"}', '--db', db);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('EMPTY_SEGMENT: filter: the target segment has no subscribers');
    const unknown = await yiti('tariff', 'simulate', '--plans', 'NOPE', '--segment', '1', '--db', db);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/UNKNOWN_PLAN|UNKNOWN_SEGMENT/);
  }, 30_000);

  it('pushes a run to the channels as lists in the outbox, and refuses an unknown channel or run', async () => {
    const run = await yiti('tariff', 'simulate', '--plans', 'GT_BIZ_128,GT_DATA_68', '--segment', '{"field":"planId","op":"eq","value":"GT_BIZ"}', '--json', '--db', db);
    const { runId, subOptimal } = JSON.parse(run.stdout) as { runId: number; subOptimal: number };
    const outbox = path.join(path.dirname(db), 'cli-outbox');
    const pushed = await yiti('tariff', 'push', String(runId), '--channels', 'web,store', '--outbox', outbox, '--db', db);
    expect(pushed.code, pushed.stderr).toBe(0);
    const lines = pushed.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const [i, channel] of ['web', 'store'].entries()) {
      const [, name, rows, file] = /^(\w+)\s+(\d+) rows\s+(\S+)\s+sha256 [0-9a-f]{64}$/.exec(lines[i])!;
      expect(name).toBe(channel);
      expect(Number(rows)).toBe(subOptimal);
      expect(file.startsWith(outbox)).toBe(true);
      const csv = fs.readFileSync(file, 'utf8').trim().split('\r\n');
      expect(csv).toHaveLength(subOptimal + 1);
      // masked unless --reveal
      if (subOptimal > 0) expect(csv[1].split(',')[1]).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
    const badChannel = await yiti('tariff', 'push', String(runId), '--channels', 'web,fax', '--outbox', outbox, '--db', db);
    expect(badChannel.code).not.toBe(0);
    expect(badChannel.stderr).toContain('--channels: fax is not one of web, store, outbound');
    const noRun = await yiti('tariff', 'push', '999', '--outbox', outbox, '--db', db);
    expect(noRun.code).not.toBe(0);
    expect(noRun.stderr).toMatch(/999/);
  }, 60_000);

  it('deletes a run, and says so for a run that is not there or an id that is not one', async () => {
    const run = await yiti('tariff', 'simulate', '--plans', 'GT_BIZ_128', '--segment', '{"field":"planId","op":"eq","value":"GT_BIZ"}', '--json', '--db', db);
    const { runId, targetCount } = JSON.parse(run.stdout) as { runId: number; targetCount: number };
    const deleted = await yiti('tariff', 'delete-run', String(runId), '--db', db);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted run ${runId} and its ${targetCount} customer results.\n`);
    const again = await yiti('tariff', 'delete-run', String(runId), '--db', db);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`NOT_FOUND.*${runId}`));
    const bad = await yiti('tariff', 'delete-run', 'latest', '--db', db);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('runId must be a positive whole number, got "latest"');
  }, 60_000);
  it('stops a run on Ctrl-C: the job ends cancelled, its results are removed, and it exits 130', async () => {
    // interrupted as soon as it reports its start
    const { code, stderr } = await interruptedYiti('reading the target', 'tariff', 'simulate', '--plans', 'GT_BIZ_128,GT_BIZ_188', '--segment', '{"field":"planId","op":"eq","value":"GT_BIZ"}', '--db', db);
    expect(code, stderr).toBe(130);
    const runId = Number(/Cancelled: run (\d+) stopped and what it had written was removed/.exec(stderr)?.[1]);
    expect(runId).toBeGreaterThan(0);

    const store = await Store.open(db);
    try {
      const job = await store.one<{ status: string; error: string }>('SELECT j.status, j.error FROM tariff_runs r JOIN jobs j USING (job_id) WHERE r.run_id = $run', { run: runId });
      expect(job).toEqual({ status: 'cancelled', error: `cancelled by cli:${os.userInfo().username}` });
      expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM tariff_run_results WHERE run_id = $run', { run: runId }))!.n).toBe(0);
    } finally {
      await store.close();
    }
  }, 60_000);
});
