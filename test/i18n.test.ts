// The console's two languages: the same keys in both, and every key the code names literally exists.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../web/src/i18n/zh-CN.json' with { type: 'json' };

function keysOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? sources(file) : /\.tsx?$/.test(e.name) ? [file] : [];
  });
}

describe('the console translations', () => {
  const enKeys = new Set(keysOf(en));
  const zhKeys = new Set(keysOf(zhCN));

  it('have the same keys in Chinese and English', () => {
    expect([...enKeys].filter((k) => !zhKeys.has(k)), 'missing in zh-CN').toEqual([]);
    expect([...zhKeys].filter((k) => !enKeys.has(k)), 'missing in en').toEqual([]);
  });

  it('hold every key the console names literally', () => {
    const missing: string[] = [];
    for (const file of sources(path.resolve('web/src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) {
        // plural forms live under key_one / key_other
        if (!enKeys.has(m[1]) && !enKeys.has(`${m[1]}_one`)) missing.push(`${path.relative('web/src', file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keep Chinese punctuation out of the code: separators and brackets come from the language', () => {
    const found: string[] = [];
    for (const file of sources(path.resolve('web/src'))) {
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\/\*|\*)/.test(line)) return;
          if (/[：；、（），]/.test(line)) found.push(`${path.relative('web/src', file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('keep Chinese out of the English texts', () => {
    const texts = (node: unknown, at: string): Array<[string, string]> =>
      typeof node === 'object' && node !== null ? Object.entries(node).flatMap(([k, v]) => texts(v, `${at}.${k}`)) : [[at, String(node)]];
    const chinese = texts(en, 'en').filter(([, text]) => /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/.test(text));
    expect(chinese).toEqual([]);
  });
});
