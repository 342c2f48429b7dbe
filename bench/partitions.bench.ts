/**
 * The cluster view with 1000 partitions in headless Chromium (issue 21 §6: ≥ 55 fps with 1000
 * partitions; idle partitions cost next to nothing). Vite serves bench/partitions/ (the app's own
 * ClusterView, fed a real engine snapshot every frame). Baseline from the same page and run: an
 * empty rAF loop (the frame rate the browser gives at all).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build, preview } from 'vite';
import { report } from './measure';

const PARTITIONS = 1000;
const RUN_MS = 3000;

interface Result {
  empty: { fps: number };
  app: { fps: number };
  partitions: number;
  replicasInDom: number;
}

export async function benchPartitions(): Promise<void> {
  // A production build, as users get it (Svelte's dev mode checks cost more than the view does).
  const outDir = join(tmpdir(), 'streamlab-bench-partitions');
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production'; // Svelte's compiler and runtime pick their mode from it
  await build({
    mode: 'production',
    configFile: false,
    root: process.cwd(),
    logLevel: 'error',
    plugins: [svelte()],
    build: { outDir, emptyOutDir: true, rollupOptions: { input: 'bench/partitions/index.html' } },
  });
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  const server = await preview({
    configFile: false,
    root: process.cwd(),
    logLevel: 'error',
    build: { outDir },
    preview: { port: 4177, strictPort: true, host: '127.0.0.1' },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await page.goto('http://127.0.0.1:4177/bench/partitions/index.html');
    await page.waitForFunction(() => 'runPartitionBench' in window);
    const result = await page.evaluate(
      ([n, ms]) =>
        (
          window as unknown as { runPartitionBench: (n: number, ms: number) => Promise<Result> }
        ).runPartitionBench(n!, ms!),
      [PARTITIONS, RUN_MS],
    );
    if (result.partitions !== PARTITIONS)
      throw new Error(`expected ${PARTITIONS} partitions, got ${result.partitions}`);
    report(
      `cluster view ${PARTITIONS} partitions (${result.replicasInDom} replicas drawn)`,
      result.app.fps,
      result.empty.fps,
      'fps',
    );
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}
