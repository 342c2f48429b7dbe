/**
 * The stream-processing view (issue 17), opened on a real engine run from a scenario link: an
 * application counting each user's purchases per 5 s window with 1 s grace, suppressed until the
 * window closes, alerting above 2, and one record arriving far too late. The view is lazy-loaded.
 */
import { expect, test } from '@playwright/test';
import { buildScenario, linkTo, storedSession } from './session-helpers';

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

/** A cluster with orders (JSON values with an amount) and an empty big-orders topic, no application. */
function ordersOnly() {
  return buildScenario({ seed: 1, brokers: 3 }, ({ run, send }) => {
    run(3000);
    for (const topic of ['orders', 'big-orders'])
      send({ type: 'topic.create', topic, partitions: 2, replicationFactor: 3 });
    run(400);
    send({ type: 'producer.create', producer: 'shop', config: { acks: 'all' } });
    for (const amount of [5, 500, 50, 5000])
      send({
        type: 'producer.send',
        producer: 'shop',
        topic: 'orders',
        key: 'me',
        value: `{"amount":${amount}}`,
      });
    run(1000);
  });
}

test('the topology editor: a bad expression is pinned to its field, a good pipeline deploys as a command', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto(await linkTo(ordersOnly()));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
  // No application yet: the editor is offered from Setup and opens the Streams view.
  await expect(page.getByTestId('view-streams')).toHaveCount(0);
  await page.getByTestId('build-topology').click();
  const editor = page.getByTestId('topology-editor');
  const filterRow = editor.getByTestId('editor-row-1');
  await filterRow.getByTestId('editor-predicate').fill('value.amount >');
  await expect(filterRow.getByTestId('editor-error')).toContainText('Expression "value.amount >", column');
  await expect(editor.getByTestId('editor-deploy')).toHaveCount(0);
  await filterRow.getByTestId('editor-predicate').fill('value.amount > 100');
  await editor.getByTestId('editor-row-0').getByTestId('editor-topic').fill('orders');
  await editor.getByTestId('editor-row-2').getByTestId('editor-topic').fill('big-orders');
  await expect(editor.getByTestId('editor-error')).toHaveCount(0);
  await expect(editor.getByTestId('editor-java')).toContainText(
    '.filter((key, value) -> value.amount() > 100)',
  );
  await editor.getByRole('tab', { name: 'Topology#describe()' }).click();
  await expect(editor.getByTestId('editor-describe')).toContainText(
    'Source: KSTREAM-SOURCE-0000000000 (topics: [orders])',
  );
  await page.screenshot({ path: `${SHOTS}/editor-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/editor-1024.png`, fullPage: true });
  await editor.getByTestId('editor-app').fill('big-spenders');
  await editor.getByTestId('editor-deploy').click();
  await expect(editor.getByTestId('editor-deployed')).toContainText(
    'Deployed big-spenders on big-spenders-1',
  );
  // It runs: the graph appears and the filter passes the two big orders once the app has caught up.
  await expect(page.getByTestId('topology-graph')).toBeVisible();
  await page.getByTestId('speed').selectOption('5');
  if ((await page.getByTestId('play-pause').textContent())?.includes('Play'))
    await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('topology-graph')).toContainText('2 in', { timeout: 30_000 });
  // The deployment is a recorded command, so it is in what share links and files carry.
  const stored = await storedSession(page);
  const create = stored.commands.find((c) => c.entry.command.type === 'streams.create');
  expect(create?.entry.command).toMatchObject({ app: 'big-spenders' });
});
