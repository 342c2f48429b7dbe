/**
 * The visualizer (issue 7): the cluster view, messages in flight, the inspectors, the narrated
 * log, fault injection, sandbox setup and the producer panel, each from a seed-pinned paused
 * session driven through the UI, with visual snapshots where the picture is the point.
 */
import { expect, test } from '@playwright/test';
import { partitionForKey } from '../../src/engine';
import {
  clusterWithTopic,
  createProducer,
  createTopic,
  forwardSeconds,
  leaderOf,
  openPaused,
  send,
  steady,
} from './cluster-helpers';

test('the cluster view: quorum, brokers, and every replica of a new topic with its leader', async ({
  page,
}) => {
  await clusterWithTopic(page);
  await expect(page.getByTestId('quorum-epoch')).toHaveText('Controller quorum · epoch 1');
  await expect(page.locator('[data-node="controller-2"]')).toHaveAttribute('data-role', 'active');
  for (const b of [1, 2, 3])
    await expect(page.locator(`[data-node="broker-${b}"]`)).toHaveAttribute('data-state', 'unfenced');
  // One leader per partition, every follower in sync.
  await expect(page.locator('[data-testid="replica"][data-role="leader"]')).toHaveCount(3);
  await expect(page.locator('[data-testid="replica"][data-role="in-sync"]')).toHaveCount(6);
  await expect(page.getByTestId('narration')).toContainText(
    'Topic orders created with 3 partitions, replication factor 3.',
  );
  await expect(page).toHaveScreenshot('cluster-view.png', { mask: await steady(page) });
});

test('messages in flight: paused mid-flight, listed, and inspectable field by field', async ({ page }) => {
  await clusterWithTopic(page);
  const count = Number(await page.getByTestId('in-flight-count').textContent());
  expect(count).toBeGreaterThan(0);
  await page.getByTestId('tab-inspect').click();
  await expect(page.getByTestId('in-flight')).toHaveCount(count);
  await page.getByTestId('in-flight').first().click();
  const details = page.getByTestId('message-details');
  await expect(details).toBeVisible();
  await expect(page.getByTestId('message-status')).toHaveText('in flight');
  // Fields are text: the JSON of the request body, in a <pre>.
  await expect(page.getByTestId('message-body')).toContainText('{');
  await expect(page).toHaveScreenshot('message-inspector.png', { mask: await steady(page) });
});

test('a click on a message in the diagram selects it', async ({ page }) => {
  await clusterWithTopic(page);
  await page.getByTestId('tab-inspect').click();
  const first = page.getByTestId('in-flight').first();
  const kind = await first.getAttribute('data-kind');
  // Scan the canvas for the message: the first point that selects something wins.
  const canvas = page.getByTestId('flight-canvas');
  const box = (await canvas.boundingBox())!;
  const hit = await page.evaluate(
    ({ w, h }) => {
      const el = document.querySelector('[data-testid="flight-canvas"]') as HTMLCanvasElement;
      const ctx = el.getContext('2d')!;
      const data = ctx.getImageData(0, 0, el.width, el.height).data;
      for (let y = 0; y < h; y += 2)
        for (let x = 0; x < w; x += 2) if (data[(y * el.width + x) * 4 + 3]! > 200) return { x, y };
      return undefined;
    },
    { w: Math.floor(box.width), h: Math.floor(box.height) },
  );
  expect(hit).toBeDefined();
  await page.mouse.click(box.x + hit!.x, box.y + hit!.y);
  await expect(page.getByTestId('message-details')).toBeVisible();
  expect(kind).toBeTruthy();
});

test('crash a broker: it is fenced and the partitions it led get new leaders', async ({ page }) => {
  await clusterWithTopic(page);
  const leader = await leaderOf(page, 'orders-0');
  await page.getByTestId('tab-faults').click();
  await page.getByTestId(`crash-broker-${leader}`).click();
  await expect(page.locator(`[data-node="broker-${leader}"]`)).toHaveAttribute('data-state', 'crashed');
  await expect(page.getByTestId('fault-marker')).toHaveCount(1);
  // broker.session.timeout.ms is 9 s: the controller fences it, then moves its leaderships.
  await forwardSeconds(page, 10);
  expect(await leaderOf(page, 'orders-0')).not.toBe(leader);
  await expect(
    page.locator(`[data-testid="replica"][data-role="leader"][data-replica$="@${leader}"]`),
  ).toHaveCount(0);
  await expect(page.getByTestId('narration')).toContainText(
    `broker-${leader} is fenced: no heartbeat reached the controller within broker.session.timeout.ms.`,
  );
  await expect(page).toHaveScreenshot('broker-crashed.png', { mask: await steady(page) });
});

test('cut a follower off: it falls behind, leaves the ISR, and rejoins after the heal', async ({ page }) => {
  await clusterWithTopic(page);
  await createProducer(page, '1');
  // Every record keyed "k" goes to one partition; cut one of its followers off from its leader.
  const partition = `orders-${partitionForKey('k', 3)}`;
  const leader = await leaderOf(page, partition);
  const follower = [1, 2, 3].find((b) => b !== leader)!;
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('link-from').selectOption(`broker-${follower}`);
  await page.getByTestId('link-to').selectOption(`broker-${leader}`);
  await page.getByTestId('cut-link').click();
  await expect(page.getByTestId('network-cut')).toHaveCount(1);
  // An idle follower is never out of sync (its log end equals the leader's): write something.
  await page.getByTestId('tab-produce').click();
  await send(page, 'late', '10', 'k');
  await forwardSeconds(page, 2);
  const slot = (b: number) => page.locator(`[data-replica="${partition}@${b}"]`);
  await expect(slot(leader)).toHaveAttribute('data-leo', '10');
  await expect(slot(follower)).toHaveAttribute('data-leo', '0');
  await expect(slot(follower)).toHaveAttribute('data-role', 'in-sync');
  // replica.lag.time.max.ms is 30 s, checked every 15 s: it leaves the ISR by ~45 s after the cut.
  await forwardSeconds(page, 45);
  await expect(slot(follower)).toHaveAttribute('data-role', 'out-of-isr');
  await expect(page.getByTestId('narration')).toContainText(
    `broker-${follower} left the ISR of ${partition}`,
  );
  await expect(page).toHaveScreenshot('follower-out-of-isr.png', { mask: await steady(page) });
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('heal-network').click();
  // The fetch lost to the cut times out first; then the follower fetches, catches up and rejoins.
  await forwardSeconds(page, 15);
  await expect(slot(follower)).toHaveAttribute('data-role', 'in-sync');
  await expect(slot(follower)).toHaveAttribute('data-leo', '10');
  await expect(page.getByTestId('narration')).toContainText(
    `broker-${follower} rejoined the ISR of ${partition}`,
  );
});

test('split the network and slow a link: both are drawn on the diagram and marked on the timeline', async ({
  page,
}) => {
  await clusterWithTopic(page);
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('link-from').selectOption('broker-1');
  await page.getByTestId('link-to').selectOption('broker-2');
  await page.getByTestId('link-latency').fill('250');
  await page.getByTestId('link-loss').fill('20');
  await page.getByTestId('configure-link').click();
  await expect(page.getByTestId('network-link')).toContainText('250 ms · 20% loss');
  await page.getByTestId('side-b-broker-3').click();
  await page.getByTestId('side-b-controller-3').click();
  await page.getByTestId('split-network').click();
  await expect(page.locator('[data-node="broker-3"]')).toContainText('side B');
  await expect(page.getByTestId('fault-marker')).toHaveCount(2);
  await forwardSeconds(page, 1);
  await expect(page).toHaveScreenshot('network-faults.png', { mask: await steady(page) });
  // Bad input is refused in the engine's words, next to the control.
  await page.getByTestId('link-to').selectOption('broker-1');
  await page.getByTestId('cut-link').click();
  await expect(page.getByTestId('fault-error')).toHaveText(
    'INVALID_COMMAND: network.cut: from and to are the same node.',
  );
});

test('topic setup errors are shown inline, in Kafka’s words, next to their field', async ({ page }) => {
  await openPaused(page);
  await createTopic(page, 'orders', { replicationFactor: '4' });
  const rf = page.getByTestId('topic-replicationFactor');
  await expect(rf).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('topic-error')).toHaveText(
    'INVALID_REPLICATION_FACTOR: The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.',
  );
  await expect(page).toHaveScreenshot('topic-form-error.png', { mask: await steady(page) });
  await createTopic(page, 'bad name!', { replicationFactor: '3' });
  await expect(page.getByTestId('topic-topic')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('topic-error')).toContainText(
    'INVALID_TOPIC_EXCEPTION: Topic name is invalid',
  );
  await createTopic(page, 'orders', { partitions: '0' });
  await expect(page.getByTestId('topic-error')).toHaveText(
    'INVALID_PARTITIONS: Number of partitions was set to an invalid non-positive value.',
  );
  await createTopic(page, 'orders', { partitions: '2', minIsr: '2' });
  await expect(page.getByTestId('topic-error')).toHaveCount(0);
});

test('a send with acks=all: queued, sent, appended, copied, committed, acknowledged', async ({ page }) => {
  await clusterWithTopic(page);
  await createProducer(page, 'all');
  await send(page, 'hello');
  await forwardSeconds(page, 1);
  const steps = page.getByTestId('send-step');
  await expect(steps).toHaveCount(7);
  for (const step of await steps.all()) await expect(step).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('narration')).toContainText('p1’s record was acknowledged: orders-');
  await expect(page).toHaveScreenshot('send-life.png', { mask: await steady(page) });
});

test('a replica’s log of 100 000 records scrolls as a virtualised list', async ({ page }) => {
  test.setTimeout(90_000);
  await openPaused(page);
  await createTopic(page, 'big', { partitions: '1' });
  await forwardSeconds(page, 1);
  await createProducer(page, '1');
  for (let i = 0; i < 10; i++) {
    await send(page, `v${i}`, '10000');
    await forwardSeconds(page, 1);
  }
  const leader = await leaderOf(page, 'big-0');
  await expect(page.locator(`[data-replica="big-0@${leader}"]`)).toHaveAttribute('data-leo', '100000');
  await page.locator(`[data-replica="big-0@${leader}"]`).click();
  const list = page.getByTestId('record-list');
  await expect(list).toHaveAttribute('data-total', '100000');
  await expect(page.getByTestId('record').first()).toContainText('user-1');
  // Only the rows in view exist, whatever the length.
  expect(await page.getByTestId('record').count()).toBeLessThan(60);
  const frames = await list.evaluate(async (el) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 90; i++) {
      el.scrollTop += 200;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    el.scrollTop = el.scrollHeight;
    return times.sort((a, b) => a - b);
  });
  console.log(
    `record list scroll: median ${frames[45]!.toFixed(1)} ms/frame, p90 ${frames[81]!.toFixed(1)} ms`,
  );
  await expect(page.getByTestId('record').last()).toContainText('99999');
  expect(await page.getByTestId('record').count()).toBeLessThan(60);
});

test('a send’s life follows the playhead back and forward again (a seek rebuilds it from the trace)', async ({
  page,
}) => {
  await clusterWithTopic(page); // 4.000 s
  await createProducer(page, 'all');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Shift+ArrowRight'); // 5.000 s
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '5000');
  await send(page, 'hello');
  await forwardSeconds(page, 1);
  const steps = page.getByTestId('send-step');
  await expect(steps).toHaveCount(7);
  for (const step of await steps.all()) await expect(step).toHaveAttribute('data-state', 'done');
  // Back to the instant of the send: it was requested, nothing after has happened yet (the
  // producer first asks for metadata, then queues it).
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Shift+ArrowLeft');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '5000');
  await expect(page.getByTestId('send-life')).toContainText('hello');
  await expect(steps.first()).toHaveAttribute('data-state', 'pending');
  await expect(page.locator('[data-testid="send-step"][data-state="done"]')).toHaveCount(0);
  // And forward again: the whole life, as when it was played.
  await forwardSeconds(page, 1);
  for (const step of await steps.all()) await expect(step).toHaveAttribute('data-state', 'done');
});
