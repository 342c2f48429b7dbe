/**
 * Messages in flight in headless Chromium (DESIGN §4, issue 7: ≥ 55 fps with 1000 in flight).
 * Vite serves bench/flight/ (the app's own tracker and renderer, no worker, no engine) and the
 * page draws 1000 messages with the playhead moving every frame. Baselines from the same page and
 * run: an empty rAF loop (the frame rate the browser gives at all) for fps, and a raw canvas draw of
 * 1000 plain circles for the draw time.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { report } from './measure';

const COUNT = 1000;
const RUN_MS = 3000;

export async function benchFlights(): Promise<void> {
  const server = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'error',
    server: { port: 4176, strictPort: true, host: '127.0.0.1' },
    optimizeDeps: { include: ['d3'] },
  });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 640 }, deviceScaleFactor: 1 });
    await page.goto('http://127.0.0.1:4176/bench/flight/index.html');
    await page.waitForFunction(() => 'runFlightBench' in window);
    const result = await page.evaluate(
      ([count, ms]) =>
        (
          window as unknown as {
            runFlightBench: (
              n: number,
              t: number,
            ) => Promise<{
              empty: { fps: number };
              raw: { drawMs: number };
              app: { fps: number; drawMs: number };
              inFlight: number;
            }>;
          }
        ).runFlightBench(count!, ms!),
      [COUNT, RUN_MS],
    );
    if (result.inFlight !== COUNT) throw new Error(`expected ${COUNT} in flight, drew ${result.inFlight}`);
    report(`flight canvas ${COUNT} in flight`, result.app.fps, result.empty.fps, 'fps');
    report(`flight draw ${COUNT} in flight`, result.app.drawMs, result.raw.drawMs, 'ms/frame');
  } finally {
    await browser.close();
    await server.close();
  }
}
