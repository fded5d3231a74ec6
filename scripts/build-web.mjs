#!/usr/bin/env node
// Builds the console (web/ → web/dist) with Vite. With --if-stale it does nothing when
// web/dist/index.html is newer than every source of the console, so `npm start` and
// `npm test` pay for a build only after a change.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(repo, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');
const sources = [path.join(web, 'src'), path.join(web, 'index.html'), path.join(web, 'vite.config.ts')];

/** The newest modification time under `file` (a file or a directory), 0 if it does not exist. */
function newestMtime(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as a newer directory
  for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

function isStale() {
  const built = newestMtime(builtIndex);
  if (built === 0) return true;
  return sources.some((source) => newestMtime(source) > built);
}

if (process.argv.includes('--if-stale') && !isStale()) {
  console.log('web/dist is up to date; skipping the console build.');
  process.exit(0);
}

const { build } = await import('vite');
const started = Date.now();
await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: process.env.YITI_WEB_BUILD_LOG ?? 'warn' });
console.log(`Built the console into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
