// The `yiti` command as a user runs it: a real process on a real database file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDbPath, yiti } from './builders.ts';

describe('yiti CLI', () => {
  it('lists its commands, and every command takes --db and --help', async () => {
    const help = await yiti('--help');
    expect(help.code).toBe(0);
    for (const command of ['demo', 'import', 'migrate', 'checksum', 'jobs']) {
      expect(help.stdout).toContain(command);
      const sub = await yiti(command, '--help');
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain('--db <file>');
    }
  }, 60_000);

  it('generates the same province twice from the same seed, with a progress report', async () => {
    const a = tempDbPath('cli-a');
    const b = tempDbPath('cli-b');
    const first = await yiti('demo', '--subscribers', '300', '--seed', '5', '--db', a);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/demo: \d+%/);
    await yiti('demo', '--subscribers', '300', '--seed', '5', '--db', b);
    const sumA = await yiti('checksum', '--db', a);
    const sumB = await yiti('checksum', '--db', b);
    expect(sumA.code).toBe(0);
    expect(JSON.parse(sumA.stdout)).toEqual(JSON.parse(sumB.stdout));
    expect(Object.keys(JSON.parse(sumA.stdout))).toContain('cdr_voice');
  }, 120_000);

  it('refuses bad options with exit code ≠ 0 and a message, changing nothing', async () => {
    const db = tempDbPath('cli-bad');
    const bad = await yiti('demo', '--subscribers', 'many', '--db', db);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--subscribers must be a positive whole number, got "many"');
    expect(fs.existsSync(db)).toBe(false);
    const kind = await yiti('import', 'cdr_fax', 'x.csv', '--db', db);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('Unknown kind "cdr_fax"');
  }, 60_000);

  it('imports a file, then treats the same file again as a no-op', async () => {
    const db = tempDbPath('cli-import');
    const dir = path.dirname(db);
    const file = path.join(dir, 'cities.csv');
    fs.writeFileSync(file, 'city_code,name_zh,name_en,is_capital\nX01,测试市,Test City,false\n');
    const first = await yiti('import', 'cities', file, '--db', db);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Imported 1 cities rows');
    const again = await yiti('import', 'cities', file, '--db', db);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already imported as cities: nothing changed');
  }, 60_000);
});
