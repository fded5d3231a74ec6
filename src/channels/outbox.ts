// The outbox: lists handed to channel systems as files (the CRM interface). Each list is a CSV and
// a manifest with its row count and SHA-256; both are written to a temp name and renamed, the
// manifest last, so a reader that sees a manifest may trust the CSV beside it is whole.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InvalidInput } from '../store/errors.ts';

export interface OutboxFile {
  /** The file relative to the outbox folder, with '/' separators. */
  file: string;
  sha256: string;
  bytes: number;
}

/** 'campaign-3-wave-1-20261125T080000/outbound.csv' under `outbox`, refusing any way out of it. */
function resolveIn(outbox: string, relative: string): string {
  const full = path.resolve(outbox, relative);
  if (!full.startsWith(path.resolve(outbox) + path.sep)) throw new InvalidInput(`${relative} is not inside the outbox`, { field: 'file' });
  return full;
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Durable rename: the data, then the name, reach the disk before we say the file exists. */
function publish(temp: string, target: string): void {
  const fd = fs.openSync(temp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  const dir = fs.openSync(path.dirname(target), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
}

/**
 * Writes one outbox file atomically: `write` fills a temp path in the target folder (by hand or
 * with DuckDB's COPY), then the file is hashed and renamed into place.
 */
export async function writeOutboxFile(outbox: string, relative: string, write: (tempPath: string) => Promise<void> | void): Promise<OutboxFile> {
  const [file] = await writeOutboxFiles(outbox, [relative], ([temp]) => write(temp));
  return file;
}

/**
 * Writes several outbox files in one go (lists filled by one pass over their rows): each to a
 * temp path, then each hashed and renamed into place; on failure none appears.
 */
export async function writeOutboxFiles(outbox: string, relatives: string[], write: (tempPaths: string[]) => Promise<void> | void): Promise<OutboxFile[]> {
  const targets = relatives.map((relative) => resolveIn(outbox, relative));
  for (const target of targets) fs.mkdirSync(path.dirname(target), { recursive: true });
  const temps = targets.map((target) => path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`));
  try {
    await write(temps);
    const files: OutboxFile[] = [];
    for (const [i, temp] of temps.entries()) {
      files.push({ file: relatives[i].split(path.sep).join('/'), sha256: await sha256OfFile(temp), bytes: fs.statSync(temp).size });
    }
    temps.forEach((temp, i) => publish(temp, targets[i]));
    return files;
  } catch (error) {
    for (const temp of temps) fs.rmSync(temp, { force: true });
    throw error;
  }
}

/** Writes bytes as an outbox file (small lists built in memory). */
export function writeOutboxBytes(outbox: string, relative: string, bytes: Buffer): Promise<OutboxFile> {
  return writeOutboxFile(outbox, relative, (temp) => fs.writeFileSync(temp, bytes));
}

/** Writes the manifest of a list (JSON, after its CSV). */
export async function writeManifest(outbox: string, relative: string, manifest: object): Promise<void> {
  await writeOutboxBytes(outbox, relative, Buffer.from(JSON.stringify(manifest, null, 2), 'utf8'));
}

/** The absolute path of an outbox file (for readers such as the HTTP push). */
export function outboxPath(outbox: string, relative: string): string {
  return resolveIn(outbox, relative);
}

/** A folder name stamp: 20261125T080000 (UTC, sortable). */
export function outboxStamp(at = new Date()): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}
