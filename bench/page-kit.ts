/**
 * What the page-level benches share: a production build of the app served by `vite preview` and
 * Debian's Chromium at 1280×720, opened on a scenario link.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import type { Scenario } from '../src/bridge/scenario';
import { encodeScenarioForLink } from '../src/bridge/scenario-codec';

/** Where the app is built for the benches served on `port`. */
export const appOutDir = (port: number) => join(tmpdir(), `streamlab-bench-app-${port}`);

/**
 * Builds the app, serves it with `vite preview` on `port`, launches Chromium, runs `fn`, cleans up.
 * `sourcemap`: also write source maps (a profile maps its samples back to source files).
 */
export async function withServedApp<T>(
  port: number,
  fn: (browser: Browser) => Promise<T>,
  { sourcemap = false } = {},
): Promise<T> {
  const outDir = appOutDir(port);
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap },
  });
  const server = await preview({
    configFile: 'vite.config.ts',
    logLevel: 'error',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1' },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

/** Builds and serves the app on `port`, opens `scenario` in a fresh page, runs `fn`, cleans up. */
export async function withScenarioPage<T>(
  port: number,
  scenario: Scenario,
  fn: (page: Page) => Promise<T>,
  query = '',
): Promise<T> {
  return withServedApp(port, async (browser) => {
    const link = await encodeScenarioForLink(scenario);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // tsx compiles page functions with esbuild's `__name` helper, which the page lacks; the
    // first-visit welcome would cover the app.
    await page.addInitScript('window.__name = (f) => f');
    await page.addInitScript("localStorage.setItem('streamlab.welcome.v1', 'seen')");
    await page.goto(`http://127.0.0.1:${port}/?bench=${Date.now()}${query}#scenario=${link}`);
    await page.getByTestId('engine-status').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 120_000 });
    return await fn(page);
  });
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
