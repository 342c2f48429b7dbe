/**
 * The picture holds at every size (issue 16): lesson 11 at its busiest step, lesson 14 with its
 * transaction markers and a 9-broker sandbox with 20 clients, at 1280×720 and 1024×768, with no two
 * node boxes overlapping and no node name cut. Screenshots hide the message canvas (messages fly
 * wherever the lesson's playback stopped) and mask the numbers that follow the clock.
 */
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import {
  createConsumer,
  createProducer,
  createTopic,
  forwardSeconds,
  openPaused,
  volatile,
} from './cluster-helpers';
import { expectLayoutHolds, rowsOnScreen } from './layout-check';
import { addConsumer, checkUntilPassed, crash, next, openLesson, predict, press } from './lessons-helpers';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
] as const;

const HIDE_FLIGHTS = fileURLToPath(new URL('./hide-flights.css', import.meta.url));

function lessonMasks(page: Page) {
  return [
    ...volatile(page),
    page.getByTestId('virtual-clock'),
    page.getByTestId('step-status'),
    page.getByTestId('narration'),
    page.getByTestId('cluster-summary'),
    // What playback is doing around key moments depends on where the playhead stopped.
    page.getByTestId('key-moments'),
    // So do the fault marks' places along the scrubber and its end time, and how far the step's
    // text has scrolled to show the passed challenge: this test is about the cluster's layout.
    page.getByTestId('scrubber-fault'),
    page.getByTestId('timeline-end'),
    page.getByTestId('lesson-pane'),
  ];
}

async function pause(page: Page): Promise<void> {
  const play = page.getByTestId('play-pause');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
}

/**
 * A crowded band compacts so the partition rows stay on screen (the layout decides from the height
 * on screen): `rows` partition rows wholly visible at each size, and the band at that density.
 */
type Expect = Record<(typeof SIZES)[number]['width'], { density: RegExp; rows: number }>;

async function shotAtBothSizes(
  page: Page,
  name: string,
  mask: ReturnType<typeof lessonMasks>,
  want?: Expect,
) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    if (want) {
      const diagram = page.getByTestId('cluster-diagram');
      await expect(diagram).toHaveAttribute('data-density', want[size.width].density);
      await expect.poll(() => rowsOnScreen(page)).toBeGreaterThanOrEqual(want[size.width].rows);
    }
    await expectLayoutHolds(page);
    await expect(page).toHaveScreenshot(`${name}-${size.width}.png`, {
      mask,
      stylePath: HIDE_FLIGHTS,
      maxDiffPixelRatio: 0.01,
    });
  }
}

test('lesson 11 at its busiest step: sixteen consumers in four groups, every name whole', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openLesson(page, '11-groups');
  await press(page, 'start');
  await next(page);
  await predict(page, 'share');
  await next(page);
  await press(page, 'start');
  await next(page);
  await predict(page, 'four');
  await next(page);
  await press(page, 'start');
  await next(page);
  await predict(page, 'moved');
  await next(page);
  for (let i = 0; i < 4; i++) await addConsumer(page, { group: 'mine', topic: 'clicks' });
  await checkUntilPassed(page);
  await pause(page);
  await expect(page.locator('[data-testid="node-group"][data-group="group:mine"] ')).toHaveCount(1);
  // Three partition rows on screen at both sizes (one before the band compacted, issue 16).
  await shotAtBothSizes(page, 'lesson-11-busiest', lessonMasks(page), {
    1280: { density: /^(compact|dense)$/, rows: 3 },
    1024: { density: /^(compact|dense)$/, rows: 3 },
  });
});

test('lesson 14 with its transaction markers', async ({ page }) => {
  test.setTimeout(300_000);
  await openLesson(page, '14-exactly-once');
  // Through the committed transaction to the rolled-back one: COMMIT and ABORT markers in the logs.
  await predict(page, 'two');
  await next(page);
  await press(page, 'begin');
  await next(page);
  await predict(page, 'both');
  await next(page);
  await predict(page, 'ru-only');
  await pause(page);
  await expect(page.getByTestId('txn-marker').first()).toBeAttached();
  // Item 2: COMMIT and ABORT are told apart, on the log and in the legend; the readers are marked.
  await expect(page.locator('[data-testid="txn-marker"][data-control="COMMIT"]').first()).toBeAttached();
  await expect(page.locator('[data-testid="txn-marker"][data-control="ABORT"]').first()).toBeAttached();
  // Folded on a short screen; opened, it explains both markers.
  await page.getByTestId('legend-toggle').click();
  await expect(page.getByTestId('legend-commit')).toBeVisible();
  await expect(page.getByTestId('legend-abort')).toBeVisible();
  await page.getByTestId('legend-toggle').click();
  await expect(page.getByTestId('position-mark').first()).toBeAttached();
  await expect(page.getByTestId('end-offset').first()).toBeAttached();
  await shotAtBothSizes(page, 'lesson-14-markers', lessonMasks(page));
  // Keyboard: a focused log reads its newest record; the arrows walk it without moving time.
  await page.setViewportSize({ width: 1280, height: 720 });
  const clock = await page.getByTestId('virtual-clock').getAttribute('data-ms');
  const leader = page.locator('[data-testid="replica"][data-replica="ledger-0@3"]');
  await leader.focus();
  const tip = page.getByTestId('cell-tooltip');
  await expect(tip).toContainText('offset 4 · ABORT marker');
  await expect(leader).toHaveAttribute('aria-describedby', 'cell-tooltip');
  await page.keyboard.press('ArrowLeft');
  await expect(tip).toContainText('offset 3 · aborted transaction');
  await expect(tip).toContainText('value t2: alice');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', clock ?? '');
});

test('a 9-broker, 5-controller sandbox with 20 clients in three groups', async ({ page }) => {
  test.setTimeout(300_000);
  await openPaused(page);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('cluster-brokers').fill('9');
  await page.getByTestId('cluster-controllers').fill('5');
  await page.getByTestId('cluster-create').click();
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '0');
  await forwardSeconds(page, 3);
  await createTopic(page, 'orders', { partitions: '12', replicationFactor: '3', minIsr: '2' });
  await forwardSeconds(page, 1);
  // Rows are drawn only where they are on screen: the first is there, the rest are announced.
  await expect(page.locator('[data-testid="replica"][data-replica^="orders-0@"]')).toHaveCount(3);
  for (let i = 0; i < 5; i++) await createProducer(page);
  for (const group of ['billing', 'audit', 'search'])
    for (let i = 0; i < 5; i++) await createConsumer(page, group);
  for (let i = 0; i < 6; i++) await forwardSeconds(page, 1);
  await expect(page.locator('[data-testid="node"][data-node^="consumer:"]')).toHaveCount(15);
  await expect(page.locator('[data-testid="node"][data-node^="producer:"]')).toHaveCount(5);
  await shotAtBothSizes(page, 'sandbox-9-brokers-20-clients', volatile(page), {
    1280: { density: /^(compact|dense)$/, rows: 2 },
    1024: { density: /^(compact|dense)$/, rows: 1 },
  });
  // A crashed controller in the compact quorum: dashed red, its name whole beside its ✕ badge.
  await crash(page, 'controller-2');
  await forwardSeconds(page, 1);
  const down = page.locator('[data-testid="node"][data-node="controller-2"]');
  await expect(down).toHaveAttribute('data-role', 'down');
  await expect(down.locator('.badge text')).toHaveText(/✕|down/);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await expectLayoutHolds(page);
  }
});
