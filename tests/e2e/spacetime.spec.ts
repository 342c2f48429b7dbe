/**
 * The space-time diagram of a busy cluster: 3 controllers, 3 brokers, 2 producers and 2 consumers
 * (a real engine run opened from a scenario link). Selecting an arrow opens its request and
 * response and moves the playhead to its send.
 */
import { expect, test, type Page } from '@playwright/test';
import { buildScenario, linkTo } from './session-helpers';

const SHOTS = '/tmp/checker-shots';

function busyCluster() {
  return buildScenario({ seed: 4, brokers: 3, controllers: 3 }, ({ run, send }) => {
    run(3000);
    send({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
    run(500);
    for (const p of ['p1', 'p2']) send({ type: 'producer.create', producer: p, config: { acks: 'all' } });
    for (const c of ['c1', 'c2']) {
      send({
        type: 'consumer.create',
        consumer: c,
        groupId: 'g',
        config: { 'auto.offset.reset': 'earliest' },
      });
    }
    run(500);
    for (const c of ['c1', 'c2']) send({ type: 'consumer.subscribe', consumer: c, topics: ['orders'] });
    for (let i = 0; i < 40; i++) {
      send({
        type: 'producer.send',
        producer: i % 2 ? 'p1' : 'p2',
        topic: 'orders',
        key: `k${i % 5}`,
        value: `v${i}`,
      });
      run(100);
    }
  });
}

async function clock(page: Page): Promise<number> {
  return Number(await page.getByTestId('virtual-clock').getAttribute('data-ms'));
}

test('the space-time diagram: ten lifelines, arrows, an RPC inspected, the playhead moved', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const scenario = busyCluster();
  await page.goto((await linkTo(scenario)).replace('/#', '/?paused#'));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 90_000 });
  await page.getByTestId('view-spacetime').click();
  const view = page.getByTestId('spacetime');
  await expect(view.locator('line.lifeline')).toHaveCount(10);
  await expect.poll(() => view.getByTestId('rpc-arrow').count()).toBeGreaterThan(10);
  await page.screenshot({ path: `${SHOTS}/spacetime-1280.png` });

  const before = await clock(page);
  await view.getByTestId('rpc-arrow').first().click({ force: true });
  await expect(view.getByTestId('rpc-inspector')).toBeVisible();
  await expect.poll(() => clock(page)).toBeLessThan(before);
  await expect(view.getByTestId('rpc-inspector').locator('pre').first()).not.toBeEmpty();
  await page.screenshot({ path: `${SHOTS}/spacetime-inspect-1280.png` });

  // The same Produce as Kafka's bytes: the frame's fields labelled, down to the batch's CRC.
  // Dispatched on the arrow itself: arrows cross, and a click at its centre may land on another.
  await view.locator('[data-testid="rpc-arrow"][data-kind="Produce"]').first().dispatchEvent('click');
  await view.getByTestId('show-bytes').check();
  const bytes = view.getByTestId('wire-bytes-request');
  await expect(bytes).toContainText('Produce v7 (request, API key 0)');
  const crc = bytes.getByRole('button', { name: /^crc / });
  await crc.first().focus();
  await expect(bytes).toContainText(/topics\[0\]\.partitions\[0\]\.records\.batch\[0\]\.crc · uint32/);
  await expect(bytes.locator('.byte.lit')).toHaveCount(4);
  await expect(view.getByTestId('wire-bytes-response')).toContainText('Produce v7 (response, API key 0)');
  await page.screenshot({ path: `${SHOTS}/spacetime-bytes-1280.png` });
  await view
    .locator(
      '[data-testid="rpc-arrow"][data-kind="Vote"], [data-testid="rpc-arrow"][data-kind="BrokerHeartbeat"]',
    )
    .first()
    .dispatchEvent('click');
  await expect(view.getByTestId('wire-note')).toContainText('flexible versions');

  await view.getByTestId('causal-filter').selectOption('consumer:c1');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/spacetime-causal-1024.png` });
});

test('a busy 10 s window drawn as one picture: an arrow clicked on the canvas is inspected, redraws follow a resize and a hidden lifeline', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await page.goto((await linkTo(busyCluster())).replace('/#', '/?paused#'));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 90_000 });
  await page.getByTestId('view-spacetime').click();
  const view = page.getByTestId('spacetime');
  await view.locator('select').first().selectOption('10000');
  await expect(view.getByTestId('spacetime-dense')).toBeVisible({ timeout: 30_000 });
  const canvas = view.getByTestId('spacetime-canvas');
  const drawn = async () => Number(await canvas.getAttribute('data-drawn'));
  await expect.poll(drawn).toBeGreaterThan(0);
  await expect(view.locator('line.lifeline')).toHaveCount(10);
  await page.screenshot({ path: `${SHOTS}/spacetime-dense-1280.png` });
  // A resize draws it again at the new size.
  let before = await drawn();
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect.poll(drawn).toBeGreaterThan(before);
  await page.screenshot({ path: `${SHOTS}/spacetime-dense-1024.png` });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Hiding a lifeline draws the canvas again, without the arrows to or from it.
  const note = view.getByTestId('spacetime-dense');
  const all = await note.textContent();
  before = await drawn();
  await view.locator('.hide input[type="checkbox"]').first().check();
  await expect(view.locator('line.lifeline')).toHaveCount(9);
  await expect.poll(drawn).toBeGreaterThan(before);
  await expect(note).not.toHaveText(all!);
  await view.locator('.hide input[type="checkbox"]').first().uncheck();
  await expect(note).toHaveText(all!);

  // Level arrows between the brokers cross the middle of the gap between their lifelines: a click
  // there lands on one (found on the canvas by geometry), which opens and moves the playhead.
  const lifelines = view.locator('line.lifeline');
  const x1 = Number(await lifelines.nth(3).getAttribute('x1'));
  const x2 = Number(await lifelines.nth(4).getAttribute('x1'));
  const y1 = Number(await lifelines.nth(3).getAttribute('y1'));
  const y2 = Number(await lifelines.nth(3).getAttribute('y2'));
  const clockBefore = await clock(page);
  const svg = view.locator('svg[aria-label="Space-time diagram"]');
  for (let i = 1; i < 40 && !(await view.getByTestId('rpc-inspector').isVisible()); i++)
    await svg.click({ position: { x: (x1 + x2) / 2, y: y1 + ((y2 - y1) * i) / 40 } });
  await expect(view.getByTestId('rpc-inspector')).toBeVisible();
  await expect(view.locator('[data-testid="rpc-arrow"].selected')).toHaveCount(1);
  await expect.poll(() => clock(page)).toBeLessThan(clockBefore);
  await expect(view.getByTestId('rpc-inspector').locator('pre').first()).not.toBeEmpty();
});
