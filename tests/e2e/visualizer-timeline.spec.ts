/**
 * The timeline and the sandbox's shape (issue 7 items 5, 6, 9): every fault command is a marker
 * on the scrubber, recorded future included, and a click goes there; the speed control has
 * teaching speeds; the number of brokers and controllers is set from the Setup tab, with the
 * engine's refusals shown inline.
 */
import { expect, test, type Page } from '@playwright/test';
import { clockMs, clusterWithTopic, forwardSeconds, openPaused, steady } from './cluster-helpers';

async function crashOrRestart(page: Page, node: string, action: 'crash' | 'restart'): Promise<void> {
  await page.getByTestId('tab-faults').click();
  await page.getByTestId(`${action}-${node}`).click();
  await expect(page.getByTestId(`${action === 'crash' ? 'restart' : 'crash'}-${node}`)).toBeVisible();
}

test('fault markers on the scrubber: one per fault, by kind, in the future too, and a click seeks there', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await clusterWithTopic(page); // 4.000 s
  await crashOrRestart(page, 'broker-2', 'crash');
  await forwardSeconds(page, 2);
  await page.getByTestId('link-from').selectOption('broker-1');
  await page.getByTestId('link-to').selectOption('broker-3');
  await page.getByTestId('link-latency').fill('300');
  await page.getByTestId('configure-link').click();
  await forwardSeconds(page, 2);
  await crashOrRestart(page, 'broker-2', 'restart');
  await page.getByTestId('link-to').selectOption('broker-2');
  await page.getByTestId('cut-link').click();
  await forwardSeconds(page, 2);
  await page.getByTestId('heal-network').click();
  await forwardSeconds(page, 2);

  const marks = page.getByTestId('scrubber-fault');
  await expect(marks).toHaveCount(5);
  expect(await marks.evaluateAll((ms) => ms.map((m) => m.getAttribute('data-kind')))).toEqual([
    'crash',
    'link',
    'restart',
    'cut',
    'heal',
  ]);
  await expect(marks.first()).toHaveAttribute('title', /0?4\.000 s: broker-2 crashed \(crash\)/);

  // Back to the start of the story: the faults ahead are still on the bar, and a click goes to one.
  await page.getByTestId('scrubber').fill('3000');
  await expect(page.getByTestId('in-past')).toBeVisible();
  await expect(marks).toHaveCount(5);
  await page.locator('[data-testid="scrubber-fault"][data-kind="restart"]').click();
  await expect.poll(() => clockMs(page)).toBe(8000);
  await expect(page.getByTestId('crash-broker-2')).toBeVisible(); // restarted at that moment
  await expect(page.locator('section[aria-label="Playback"]')).toHaveScreenshot(
    'scrubber-fault-markers.png',
    { mask: await steady(page) },
  );
});

test('teaching speeds: 0.01×, 0.03× and 0.1× on the log scale, 0.1× by default', async ({ page }) => {
  await openPaused(page);
  const speed = page.getByTestId('speed');
  await expect(speed).toHaveValue('0.1');
  const options = await speed.locator('option').evaluateAll((os) => os.map((o) => o.textContent));
  expect(options.slice(0, 3)).toEqual(['0.01×', '0.03×', '0.1×']);
  await speed.selectOption('0.01');
  const before = await clockMs(page);
  await page.getByTestId('play-pause').click();
  // At 0.01× a 4 ms message takes 0.4 s of wall time: the clock creeps, by whole milliseconds.
  await expect.poll(() => clockMs(page), { timeout: 15_000 }).toBeGreaterThan(before + 2);
  await page.getByTestId('play-pause').click();
  expect(await clockMs(page)).toBeLessThan(before + 200);
});

test('the number of brokers and controllers is set in Setup; a refusal is shown inline', async ({ page }) => {
  await openPaused(page);
  await page.getByTestId('tab-setup').click();
  await expect(page.getByTestId('cluster-brokers')).toHaveValue('3');
  await expect(page.getByTestId('cluster-controllers')).toHaveValue('3');

  await page.getByTestId('cluster-brokers').fill('12');
  await page.getByTestId('cluster-create').click();
  await expect(page.getByTestId('cluster-error')).toHaveText('brokers must be an integer from 1 to 9.');
  await expect(page.getByTestId('cluster-brokers')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('[data-testid="node"][data-node^="broker-"]')).toHaveCount(3); // nothing changed

  await page.getByTestId('cluster-brokers').fill('5');
  await page.getByTestId('cluster-controllers').fill('1');
  await page.getByTestId('cluster-create').click();
  await expect(page.getByTestId('cluster-error')).toHaveCount(0);
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '0');
  await forwardSeconds(page, 3);
  await expect(page.getByTestId('cluster-brokers')).toHaveValue('5');
  await expect(page.getByTestId('cluster-controllers')).toHaveValue('1');
  await expect(page.locator('[data-testid="node"][data-node^="broker-"]')).toHaveCount(5);
});
