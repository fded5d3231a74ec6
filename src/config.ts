// The one place that reads the environment. Every setting has a default so that
// `npm start` works on a fresh machine with nothing configured.
import path from 'node:path';

export interface Config {
  /** DuckDB database file. */
  dbPath: string;
  host: string;
  port: number;
  /** IANA zone of the operator; calendar windows and naive timestamps follow it. */
  timeZone: string;
  /** Subscribers generated on first start when the database does not exist yet. */
  demoSubscribers: number;
  demoSeed: number;
  /** Directory the built console is served from. */
  webDist: string;
  logLevel: string;
  /** Minutes between scheduled recomputations of the customer tags; 0 turns the schedule off. */
  tagsRecomputeMinutes: number;
  /** Where lists for the channel systems are written (CSV + manifest); default: outbox next to the database. */
  outboxDir: string;
}

function intFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** The outbox for a database file: YITI_OUTBOX (from the working directory), else `outbox` beside the file. */
export function outboxDirFor(dbPath: string): string {
  return process.env.YITI_OUTBOX ? path.resolve(process.cwd(), process.env.YITI_OUTBOX) : path.join(path.dirname(path.resolve(dbPath)), 'outbox');
}

export function loadConfig(): Config {
  const root = process.cwd();
  const dbPath = path.resolve(root, process.env.YITI_DB ?? 'data/yiti.duckdb');
  return {
    dbPath,
    host: process.env.YITI_HOST ?? '127.0.0.1',
    port: intFrom('YITI_PORT', 8080),
    timeZone: process.env.YITI_TZ ?? 'Asia/Shanghai',
    demoSubscribers: intFrom('YITI_DEMO_SUBSCRIBERS', 20_000),
    demoSeed: intFrom('YITI_DEMO_SEED', 1),
    webDist: path.resolve(root, process.env.YITI_WEB_DIST ?? 'web/dist'),
    logLevel: process.env.YITI_LOG_LEVEL ?? 'info',
    tagsRecomputeMinutes: intFrom('YITI_TAGS_RECOMPUTE_MINUTES', 1440),
    outboxDir: outboxDirFor(dbPath),
  };
}
