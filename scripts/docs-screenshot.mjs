#!/usr/bin/env node
/**
 * Regenerates docs/screenshot.png (embedded in the README) from the production build, with the
 * same browser, fonts and viewport as the visual tests. Run `npm run build` first.
 *
 * Usage: node scripts/docs-screenshot.mjs [url-path]   (default: /?seed=1&at=1000&paused)
 */
import { chromium } from '@playwright/test';
import { preview } from 'vite';

const path = process.argv[2] ?? '/?seed=1&at=1000&paused';
const server = await preview({ preview: { port: 4174, strictPort: true, host: '127.0.0.1' } });
try {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
  await page.goto(`http://127.0.0.1:4174${path}`);
  await page.getByTestId('engine-status').getByText('Engine ready').waitFor();
  await page.screenshot({ path: 'docs/screenshot.png', animations: 'disabled', caret: 'hide' });
  await browser.close();
  console.log('wrote docs/screenshot.png');
} finally {
  await new Promise((resolve) => server.httpServer.close(resolve));
}
