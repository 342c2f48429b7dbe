/**
 * The visualizer for every learner: keyboard shortcuts and their help, the narrated log as an
 * aria-live region, the dark theme, reduced motion, and a 1024×768 tablet with touch.
 */
import { expect, test } from '@playwright/test';
import { clockMs, clusterWithTopic, forwardSeconds, openPaused, steady } from './cluster-helpers';

test('keyboard: ? opens the help, Escape closes it, space plays and pauses, → steps, ↑ speeds up', async ({
  page,
}) => {
  await openPaused(page);
  await page.keyboard.press('?');
  const help = page.getByTestId('keyboard-help');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Play or pause');
  await expect(page).toHaveScreenshot('keyboard-help.png', { mask: await steady(page) });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  const before = await clockMs(page);
  await page.keyboard.press('ArrowRight'); // to the next event
  await expect.poll(() => clockMs(page)).toBeGreaterThan(before);
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('speed')).toHaveValue('0.25'); // up from the default 0.1×
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-pause')).toHaveText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-pause')).toHaveText('Play');
  // Typing in a field is typing, not a shortcut.
  await page.getByTestId('topic-topic').fill('');
  await page.getByTestId('topic-topic').press('?');
  await expect(page.getByTestId('topic-topic')).toHaveValue('?');
  await expect(help).toBeHidden();
});

test('the narrated log is a polite live region that tells what happened in plain words', async ({ page }) => {
  await clusterWithTopic(page);
  const log = page.getByRole('log');
  await expect(log).toHaveAttribute('aria-live', 'polite');
  await expect(log.getByTestId('sentence').first()).toHaveText(
    /Topic orders created with 3 partitions, replication factor 3\./,
  );
});

test.describe('dark theme', () => {
  test.use({ colorScheme: 'dark' });

  test('follows the system and can be switched back by hand', async ({ page }) => {
    await clusterWithTopic(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page).toHaveScreenshot('cluster-view-dark.png', { mask: await steady(page) });
    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });
});

test.describe('reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });

  test('messages sit still halfway along their route', async ({ page }) => {
    await clusterWithTopic(page);
    await expect(page).toHaveScreenshot('cluster-view-reduced-motion.png', { mask: await steady(page) });
  });
});

test.describe('a 1024×768 tablet', () => {
  test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true });

  test('everything fits, and a tap on a replica opens its records', async ({ page }) => {
    await clusterWithTopic(page);
    await page.getByTestId('tab-produce').tap();
    await page.getByTestId('producer-create').tap();
    await page.getByTestId('send').tap();
    const leader = page.locator('[data-testid="replica"][data-role="leader"][data-hw="1"]');
    // The tap reaches the worker when it does (a loaded machine is slow): a second at a time until
    // the record is committed.
    await expect(async () => {
      await forwardSeconds(page, 1);
      await expect(leader).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await leader.tap();
    await expect(page.getByTestId('replica-inspector')).toBeVisible();
    await expect(page.getByTestId('record')).toHaveCount(1);
    await expect(page.getByTestId('record').first()).toContainText('hello');
    // Nothing spills sideways on a tablet.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await expect(page).toHaveScreenshot('tablet-inspector.png', { mask: await steady(page) });
  });
});
