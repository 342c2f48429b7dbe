/**
 * The storage and time-travel part of `npm run bench`: builds the benchmark page (bench/storage), serves it with
 * `vite preview` and runs it in headless Chromium (the same binary and flags as the end-to-end
 * tests). The page's worker measures the app's own storage and time-travel code; its lines are
 * printed here like the engine's: `name: value unit (baseline value unit, ratio R)`.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { report } from './measure';
import type { BenchResult } from './storage/main';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Same flags as playwright.config.ts (DESIGN §7). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none',
];

/** `only`: 'time-travel' runs just the step-back and scrub measurements. */
export async function benchStorage(only?: string): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`browser benchmarks skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
    return;
  }
  const root = join(import.meta.dirname, 'storage');
  const outDir = join(tmpdir(), 'streamlab-bench-storage');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  });
  const server = await preview({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 4390, strictPort: false },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    const url = server.resolvedUrls?.local[0] ?? 'http://127.0.0.1:4390/';
    await page.goto(only ? `${url}?only=${encodeURIComponent(only)}` : url);
    await page.waitForFunction(() => window.benchResult?.done, undefined, { timeout: 300_000, polling: 250 });
    const result: BenchResult = await page.evaluate(() => window.benchResult);
    for (const line of result.lines) {
      report(line.name, line.value, line.baseline, line.unit);
      if (line.note) console.log(`  (${line.note})`);
    }
    if (result.error) throw new Error(`browser benchmark failed: ${result.error}`);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
