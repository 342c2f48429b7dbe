#!/usr/bin/env node
/**
 * Regenerates docs/screenshot.png (embedded in the README) from the production build, with the
 * same browser, fonts and viewport as the visual tests. Run `npm run build` first.
 *
 * The picture is a small scene played through the UI from a seed-pinned, paused session: a topic,
 * a producer with acks=all, ten sends, and time stepped event by event until a Produce request is
 * in flight. Every step is deterministic, so the screenshot is the same on every run.
 *
 * Usage: node scripts/docs-screenshot.mjs [url-path]   (default: /?seed=1&at=3000&paused)
 */
import { chromium } from '@playwright/test';
import { preview } from 'vite';

const path = process.argv[2] ?? '/?seed=1&at=3000&paused';
const server = await preview({ preview: { port: 4174, strictPort: true, host: '127.0.0.1' } });
try {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  await page.goto(`http://127.0.0.1:4174${path}`);
  await page.getByTestId('engine-status').getByText('Engine ready').waitFor();
  const clock = page.getByTestId('virtual-clock');
  const settle = async (ms) =>
    page.waitForFunction(
      (v) => document.querySelector('[data-testid="virtual-clock"]')?.getAttribute('data-ms') === v,
      String(ms),
    );

  await page.getByTestId('topic-create').click();
  await page.keyboard.press('Shift+ArrowRight');
  await settle(4000);
  await page.getByTestId('tab-produce').click();
  await page.getByTestId('producer-create').click();
  await page.getByTestId('send-count').selectOption('10');
  await page.getByTestId('send').click();
  // Step event by event until a Produce request is in the air, then show what is in flight.
  await page.getByTestId('tab-inspect').click();
  await page.evaluate(() => document.activeElement?.blur()); // arrows on a focused tab switch tabs
  for (let i = 0; i < 200; i++) {
    if ((await page.locator('[data-testid="in-flight"][data-kind="Produce"]').count()) > 0) break;
    // Several events can share a millisecond: wait for the trace to grow, not the clock.
    const before = await page.getByTestId('event-count').textContent();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (v) => document.querySelector('[data-testid="event-count"]')?.textContent !== v,
      before,
    );
  }
  await page.locator('[data-testid="in-flight"][data-kind="Produce"]').first().click();
  // A few events more, so the request is seen half-way rather than leaving the producer.
  for (let i = 0; i < 40; i++) {
    const [sent, now] = await Promise.all([
      page.getByTestId('message-details').locator('dd').nth(2).textContent(),
      clock.getAttribute('data-ms'),
    ]);
    if (Number(now) - Math.round(Number.parseFloat(sent ?? '0') * 1000) >= 2) break;
    const before = await page.getByTestId('event-count').textContent();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (v) => document.querySelector('[data-testid="event-count"]')?.textContent !== v,
      before,
    );
  }
  await page.getByTestId('save-status').getByText('Saved in this browser').waitFor();
  await page.screenshot({ path: 'docs/screenshot.png', animations: 'disabled', caret: 'hide' });
  console.log(`wrote docs/screenshot.png at ${await clock.textContent()} of virtual time`);
  await browser.close();
} finally {
  await new Promise((resolve) => server.httpServer.close(resolve));
}
