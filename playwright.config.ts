import { defineConfig } from '@playwright/test';

/**
 * The port `vite preview` serves the production build on (4173, as in vite.config.ts). PW_PORT moves it,
 * so two checkouts on one machine can run their end-to-end tests side by side.
 */
const PORT = Number(process.env.PW_PORT ?? 4173);
const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: 'tests/e2e',
  // No platform or browser suffix: baselines are committed and CI runs on the same machine kind.
  snapshotPathTemplate: '{testDir}/{testFilePath}-snapshots/{arg}{ext}',
  outputDir: 'test-results',
  fullyParallel: false,
  // Two cores, shared: one worker for the browser, one core for the preview server.
  workers: 1,
  forbidOnly: isCI,
  // One retry in CI; the summary counts a test that passes on retry as passed (and flaky).
  retries: isCI ? 1 : 0,
  timeout: 30_000,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  expect: {
    timeout: 10_000,
    toHaveScreenshot: { animations: 'disabled', caret: 'hide', maxDiffPixelRatio: 0.002 },
  },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 720 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    trace: 'retain-on-failure',
    launchOptions: {
      // Playwright cannot download browsers here; Debian's Chromium is used instead (DESIGN §7).
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--font-render-hinting=none',
      ],
    },
  },
  webServer: {
    // `npm test` builds first; this serves that build exactly as users get it.
    command: `npm run preview -- --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !isCI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
