// Versioned migrations: numbered plain-SQL files in ./migrations, applied in order,
// each in its own transaction, recorded in schema_migrations.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.ts';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = migrationsDir): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: fs.readFileSync(path.join(dir, f), 'utf8'),
    }));
}

export async function appliedVersions(store: Store): Promise<number[]> {
  const rows = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => r.version);
}

export async function migrate(store: Store, migrations = listMigrations()): Promise<number[]> {
  await store.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp())`);
  const done = new Set(await appliedVersions(store));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    await store.transaction(async (tx) => {
      await tx.run(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name) VALUES ($version, $name)', { version: m.version, name: m.name });
    });
    applied.push(m.version);
  }
  return applied;
}
