/**
 * The stream-processing lessons (16–18), walked through the UI: each step's fact, the reveals the
 * lessons compute from the engine, each challenge solved after a wrong attempt gets its hint, and a
 * screenshot of each lesson's key step with the Streams view open.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  checkUntilPassed,
  expectHint,
  expectStep,
  FACT_TIMEOUT,
  finish,
  next,
  openLesson,
  predict,
  press,
  sendRecords,
} from './lessons-helpers';

const SHOTS = '/tmp/streams-shots';

test.describe.configure({ timeout: 90_000 });

async function openStreams(page: Page): Promise<void> {
  await page.getByTestId('view-streams').click();
  await expect(page.getByTestId('topology-graph')).toBeVisible();
}

test('lesson 16, stateless processing: filter and map into big-orders', async ({ page }) => {
  await openLesson(page, '16-stateless-processing');
  await expectStep(page, 1, 4, 'An application, not a server');
  await next(page);
  const reveal = await predict(page, 'four');
  await expect(reveal).toContainText('The filter saw 4 orders and passed 2');
  await openStreams(page);
  await page.screenshot({ path: `${SHOTS}/lesson-16-1280.png` });
  await next(page);
  await sendRecords(page, {
    producer: 'shop',
    topic: 'orders',
    key: 'me',
    value: '{"user":"me","amount":5}',
  });
  await expectHint(page, /passed none/);
  await sendRecords(page, {
    producer: 'shop',
    topic: 'orders',
    key: 'me',
    value: '{"user":"me","amount":500}',
  });
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('⟨me, me spent 500⟩');
});

test('lesson 17, windows and stream time: grace, the silent window, a late record', async ({ page }) => {
  await openLesson(page, '17-windows-and-time');
  await expectStep(page, 1, 7, 'Count per user, per hour');
  await next(page);
  await press(page, 'morning');
  await next(page);
  let reveal = await predict(page, 'yes');
  await expect(reveal).toContainText('Stream time was 10:05');
  await next(page);
  reveal = await predict(page, 'yes');
  await expect(reveal).toContainText('alerts holds 0 records');
  await openStreams(page);
  await expect(page.getByTestId('window-plot')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/lesson-17-silent-1280.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/lesson-17-silent-1024.png` });
  await page.setViewportSize({ width: 1280, height: 720 });
  await next(page);
  await press(page, 'bob-1008');
  await expectHint(page, /the window \[09:00, 10:00\) closes at 10:10/);
  await press(page, 'bob-1015');
  await checkUntilPassed(page);
  await next(page);
  reveal = await predict(page, 'dropped');
  await expect(reveal).toContainText('Skipping record for expired window');
  await expect(page.getByTestId('window-plot').locator('.dropped')).toHaveCount(1);
  await page.getByTestId('window-plot').screenshot({ path: `${SHOTS}/lesson-17-late-plot.png` });
});

test('lesson 18, joins and state: a restore from the changelogs, then the count carries on', async ({
  page,
}) => {
  // The longest walk: two instances, a crash and a restore, then a challenge.
  test.setTimeout(150_000);
  await openLesson(page, '18-state-and-guarantees');
  await expectStep(page, 1, 7, 'A join and a count, two instances');
  await next(page);
  await press(page, 'traffic');
  await next(page);
  const reveal = await predict(page, 'restore');
  await expect(reveal).toContainText('from loyalty-purchase-counts-changelog');
  await openStreams(page);
  await expect(page.getByTestId('store-tables')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/lesson-18-restore-1280.png`, fullPage: true });
  await next(page);
  await sendRecords(page, { producer: 'shop', topic: 'purchases', key: 'gus', value: 'hat' });
  await expectHint(page, /gus went to partition 1/);
  await sendRecords(page, { producer: 'shop', topic: 'purchases', key: 'ann', value: 'hat' });
  await checkUntilPassed(page);
  await next(page);
  await expectStep(page, 5, 7, 'Two guarantees, one input');
  // By now the page has played far more virtual time than the headless walk: the copies keep their
  // input's old event time (this once froze the producer's sender, and the lesson with it).
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: FACT_TIMEOUT });
  await expect(page.getByTestId('lesson-fact-seen')).toContainText(/rc-alos read \d+, rc-eos \d+/);
  await next(page);
  const crash = await predict(page, 'alos-dup');
  // The reveal first says it is waiting for both applications to come back, reprocess and commit:
  // two rebalances and a transaction timeout of simulated time, which a loaded runner can take
  // longer than one fact timeout to play (the trace shows it progressing, not hung).
  await expect(crash).toContainText(/rc-eos read 3 copies, each once/, { timeout: 2 * FACT_TIMEOUT });
  await page.screenshot({ path: `${SHOTS}/lesson-18-guarantees-1280.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/lesson-18-guarantees-1024.png` });
  await next(page);
  await expectStep(page, 7, 7, 'State, restored; effects, once');
  await finish(page);
});
