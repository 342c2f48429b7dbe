/**
 * The engine must be pure and deterministic: no wall-clock time, real timers, Math.random or
 * browser APIs anywhere in src/engine (tests excepted). ESLint enforces the same rule; this test
 * makes it impossible to miss in CI.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const BANNED: [RegExp, string][] = [
  [/\bMath\.random\b/, 'Math.random'],
  [/\bDate\.now\b|\bnew Date\b|\bDate\(/, 'Date'],
  [/\bperformance\./, 'performance'],
  [/\b(setTimeout|setInterval|setImmediate|requestAnimationFrame|queueMicrotask)\b/, 'real timers'],
  [/\b(indexedDB|IDB\w+|localStorage|sessionStorage)\b/, 'browser storage'],
  [/\b(postMessage|Worker|window|document|navigator|globalThis)\b/, 'browser globals'],
  [/\bcrypto\b/, 'crypto'],
  [/\bprocess\.(hrtime|env)\b/, 'process'],
  [/from ['"](\.\.\/)+(worker|ui|lessons)\b/, 'imports from outside src/engine'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('src/engine is pure', () => {
  const root = join(import.meta.dirname, '.');
  const files = sources(root);

  it('has sources to check', () => expect(files.length).toBeGreaterThan(5));

  it.each(files.map((f) => [relative(root, f), f]))(
    '%s uses no clock, timer, randomness or browser API',
    (_n, file) => {
      const lines = readFileSync(file, 'utf8').split('\n');
      const hits: string[] = [];
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        for (const [re, what] of BANNED) if (re.test(code)) hits.push(`${i + 1}: ${what}: ${line.trim()}`);
      });
      expect(hits).toEqual([]);
    },
  );

  it('catches a violation (the checker itself works)', () => {
    const sample = 'const t = Date.now(); setTimeout(f, 1); const r = Math.random();';
    expect(BANNED.filter(([re]) => re.test(sample)).map(([, w]) => w)).toEqual([
      'Math.random',
      'Date',
      'real timers',
    ]);
  });
});
