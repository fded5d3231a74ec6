// Runs the benchmarks in bench/*.bench.ts (all, or those named on the command line) and prints
// each one's figures and its ratio against a baseline measured in the same process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './benchmark.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}. Available: ${fs.readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}

let missed = 0;
for (const file of files) {
  const bench = (await import(pathToFileURL(path.join(here, file)).href)).default as Benchmark;
  console.log(`\n## ${bench.name}\n${bench.description}\n`);
  const result = await bench.run((line) => console.log(`  ${line}`));
  for (const [key, value] of Object.entries(result.figures)) console.log(`  ${key.padEnd(34)} ${value}`);
  for (const r of result.ratios) {
    const verdict = r.target === undefined ? '' : r.value <= r.target ? `  (target ≤ ${r.target}: met)` : `  (target ≤ ${r.target}: MISSED)`;
    if (r.target !== undefined && r.value > r.target) missed++;
    console.log(`  ratio ${r.label.padEnd(28)} ${r.value.toFixed(2)}×${verdict}`);
  }
  for (const limit of result.limits ?? []) {
    const met = limit.value <= limit.max;
    if (!met) missed++;
    console.log(`  ${limit.label.padEnd(34)} ${limit.value.toFixed(1)} ${limit.unit} (limit ${limit.max} ${limit.unit}: ${met ? 'met' : 'MISSED'})`);
  }
}
process.exit(missed > 0 ? 1 : 0);
