/**
 * The stream-processing view (issue 17), opened on a real engine run from a scenario link: an
 * application counting each user's purchases per 5 s window with 1 s grace, suppressed until the
 * window closes, alerting above 2, and one record arriving far too late. The view is lazy-loaded.
 */
import { expect, test } from '@playwright/test';
import { buildScenario, linkTo } from './session-helpers';

const SHOTS = '/tmp/streams-shots';

function purchasesPerWindow() {
  return buildScenario({ seed: 1, brokers: 3 }, ({ run, send }) => {
    run(3000);
    for (const topic of ['purchases', 'alerts'])
      send({ type: 'topic.create', topic, partitions: 2, replicationFactor: 3 });
    run(400);
    send({ type: 'producer.create', producer: 'shop', config: { acks: 'all' } });
    send({
      type: 'streams.create',
      app: 'shop',
      topology: {
        steps: [
          { id: 'in', op: 'stream', topic: 'purchases' },
          { id: 'g', op: 'groupByKey', from: 'in' },
          {
            id: 'w',
            op: 'windowedBy',
            from: 'g',
            windows: { type: 'tumbling', sizeMs: 5000, graceMs: 1000 },
          },
          { id: 'count', op: 'aggregate', from: 'w', kind: 'count', store: 'purchases-per-user' },
          { id: 'final', op: 'suppress', from: 'count' },
          { id: 'out', op: 'toStream', from: 'final' },
          { id: 'many', op: 'filter', from: 'out', predicate: 'value > 2' },
          { id: 'to', op: 'to', from: 'many', topic: 'alerts' },
        ],
      },
      config: { 'commit.interval.ms': 1000 },
    });
    run(500);
    send({ type: 'streams.start', app: 'shop', instance: 'a' });
    run(7000);
    for (let i = 0; i < 12; i++) {
      send({
        type: 'producer.send',
        producer: 'shop',
        topic: 'purchases',
        key: `user-${i % 2}`,
        value: `p${i}`,
      });
      run(600);
    }
    // A purchase made long ago, arriving now: its window closed long ago.
    send({
      type: 'producer.send',
      producer: 'shop',
      topic: 'purchases',
      key: 'user-0',
      value: 'late',
      timestamp: 1000,
    });
    run(1500);
  });
}

test('the streams view: topology graph with live counts, tasks, and the window plot', async ({ page }) => {
  test.setTimeout(60_000); // opening the link replays ~20 s of a streams app in the worker
  await page.goto(await linkTo(purchasesPerWindow()));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
  await page.getByTestId('view-streams').click();
  const graph = page.getByTestId('topology-graph');
  await expect(graph).toBeVisible();
  await expect(graph.getByText('count → purchases-per-user')).toBeVisible();
  await expect(graph.getByText('topic', { exact: false }).first()).toBeVisible();
  await expect(page.getByTestId('streams-tasks').getByText('running').first()).toBeVisible();
  const plot = page.getByTestId('window-plot');
  await expect(plot).toBeVisible();
  await expect(plot.locator('.dropped')).toHaveCount(1);
  expect(await plot.locator('circle.dot').count()).toBeGreaterThan(10);
  await page.screenshot({ path: `${SHOTS}/streams-1280.png`, fullPage: true });
  await plot.screenshot({ path: `${SHOTS}/window-plot-1280.png` });
  await graph.screenshot({ path: `${SHOTS}/topology-graph-1280.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(plot).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/streams-1024.png`, fullPage: true });
});

/**
 * The same application a moment after a purchase went in, paused: the records on their way along
 * the graph's edges, and the window store's contents per task, on two instances each keeping a
 * standby copy of the other's task (num.standby.replicas=1).
 */
function midFlow() {
  let t = 0;
  let atMs = 0;
  const scenario = buildScenario({ seed: 1, brokers: 3 }, ({ run, send }) => {
    const wait = (ms: number) => {
      run(ms);
      t += ms;
    };
    wait(3000);
    for (const topic of ['purchases', 'alerts'])
      send({ type: 'topic.create', topic, partitions: 2, replicationFactor: 3 });
    wait(400);
    send({ type: 'producer.create', producer: 'shop', config: { acks: 'all' } });
    send({
      type: 'streams.create',
      app: 'shop',
      topology: {
        steps: [
          { id: 'in', op: 'stream', topic: 'purchases' },
          { id: 'big', op: 'filter', from: 'in', predicate: 'len(value) > 1' },
          { id: 'g', op: 'groupByKey', from: 'big' },
          {
            id: 'w',
            op: 'windowedBy',
            from: 'g',
            windows: { type: 'tumbling', sizeMs: 5000, graceMs: 1000 },
          },
          { id: 'count', op: 'aggregate', from: 'w', kind: 'count', store: 'purchases-per-user' },
          { id: 'out', op: 'toStream', from: 'count' },
          { id: 'to', op: 'to', from: 'out', topic: 'alerts' },
        ],
      },
      config: { 'statestore.cache.max.bytes': 0, 'num.standby.replicas': 1 },
    });
    wait(500);
    send({ type: 'streams.start', app: 'shop', instance: 'a' });
    send({ type: 'streams.start', app: 'shop', instance: 'b' });
    wait(7000);
    for (let i = 0; i < 8; i++) {
      for (const user of ['ann', 'bob', 'cy', 'dee'])
        send({ type: 'producer.send', producer: 'shop', topic: 'purchases', key: user, value: `p${i}` });
      wait(i === 7 ? 60 : 900);
    }
    atMs = t;
    wait(1500);
  });
  return { ...scenario, atMs };
}

test('records moving along the edges, paused mid-flow, and the store tables', async ({ page }) => {
  test.setTimeout(60_000);
  const scenario = midFlow();
  await page.goto((await linkTo(scenario)).replace('/#', '/?paused#'));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
  await page.getByTestId('view-streams').click();
  const graph = page.getByTestId('topology-graph');
  await expect(graph).toBeVisible();
  const dots = page.getByTestId('record-dots').locator('circle');
  await expect(dots.first()).toBeAttached({ timeout: 10_000 });
  const tables = page.getByTestId('store-tables');
  await expect(tables.locator('table.store').first()).toBeVisible();
  await expect(tables.getByText('[', { exact: false }).first()).toBeVisible();
  // num.standby.replicas=1 with two instances: each keeps a warm copy of the other's task.
  await expect(page.getByTestId('standby-note')).toBeVisible();
  await expect(tables.locator('table.store[data-state="standby"]')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/flow-1280.png`, fullPage: true });
  await graph.screenshot({ path: `${SHOTS}/flow-graph-1280.png` });
  await tables.screenshot({ path: `${SHOTS}/store-tables-1280.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await expect(dots.first()).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/flow-1024.png`, fullPage: true });
});
