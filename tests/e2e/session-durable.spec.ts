/**
 * Nothing lost, nothing frozen: accepted commands survive a reload at any moment, and a link or
 * file asking for more than a browser simulation can keep is refused at once, in Kafka's words.
 */
import { expect, test, type Page } from '@playwright/test';
import { createSimulation } from '../../src/engine';
import { SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from '../../src/bridge/scenario';
import { buildScenario, linkTo, storedSession } from './session-helpers';

/**
 * Opening the page can take many seconds when the machine is busy (the bundle's parse, the
 * worker's start): these waits are generous, and the figures that matter are measured in the page.
 */
const patient = expect.configure({ timeout: 90_000 });

async function ready(page: Page): Promise<void> {
  await patient(page.getByTestId('engine-status')).toHaveText('Engine ready');
}

async function saved(page: Page): Promise<void> {
  await patient(page.getByTestId('save-status')).toHaveText('Saved in this browser');
}

/** Let the page render `count` frames: a wait on the page's own progress. */
async function frames(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const next = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
        next(n);
      }),
    count,
  );
}

/** A topic and a producer, ready to send. */
function producerScenario(): Scenario {
  return buildScenario({ seed: 21, brokers: 3 }, ({ run, send }) => {
    run(3000);
    send({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    run(400);
    send({ type: 'producer.create', producer: 'p1' });
    run(300);
  });
}

async function bursts(page: Page): Promise<number> {
  const stored = await storedSession(page);
  return stored.commands.filter((c) => c.entry.command.type === 'producer.sendMany').length;
}

test('every accepted command is there after a reload at any moment during and after a burst of 10 000', async ({
  page,
}) => {
  test.setTimeout(600_000);
  page.on('dialog', (dialog) => void dialog.accept()); // "Leave site?" while a command is unsaved
  await page.goto(await linkTo(producerScenario()));
  await ready(page);
  let accepted = 0;
  // Reload 0, 10 and 60 frames after the engine accepted the burst; the last one while the
  // simulation plays (the sends are being produced and log segments written).
  for (const wait of [0, 10, 60]) {
    if (wait === 60) await page.getByTestId('play-pause').click();
    await page.getByTestId('tab-produce').click();
    await page.getByTestId('send-count').selectOption('10000');
    await page.getByTestId('send').click();
    await patient(page.getByTestId('send-form')).toHaveAttribute('data-accepted', '1');
    accepted++;
    await frames(page, wait);
    await page.reload();
    await ready(page);
    expect(await bursts(page), `reloaded ${wait} frames after burst ${accepted}`).toBe(accepted);
    // The session reopened after the burst, not before it with the burst as recorded future.
    await expect(page.getByTestId('in-past')).toHaveCount(0);
    console.log(`reloaded ${wait} frames after burst ${accepted}: all ${accepted} bursts kept`);
  }
  // During: reload while the burst is on its way to the engine. It may or may not have been
  // accepted; whatever was accepted is kept.
  await page.getByTestId('tab-produce').click();
  await page.getByTestId('send-count').selectOption('10000');
  await page.getByTestId('send').click();
  await page.reload();
  await ready(page);
  expect(await bursts(page)).toBeGreaterThanOrEqual(accepted);
  await saved(page);
});

/** The 282-character link of the report: one topic of 100 000 partitions. */
function freezeScenario(): Scenario {
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runFor(3000);
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    options: { seed: 1, brokers: 3 },
    commands: [
      {
        atMs: 3000,
        processed: sim.position().processed,
        command: { type: 'topic.create', topic: 'huge', partitions: 100_000, replicationFactor: 3 },
      },
    ],
    atMs: 10_000,
    endMs: 10_000,
  };
}

/** Wall ms from asking the worker to open a session to its answer, measured by the page. */
async function openMs(page: Page): Promise<number> {
  return page.evaluate(() => performance.measure('open', 'streamlab:init', 'streamlab:ready').duration);
}

test('a link asking for 100 000 partitions is refused in under a second, in Kafka’s words', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Baseline in the same run: opening a new, empty cluster (the worker's start, IndexedDB).
  await page.goto('/?seed=1&paused');
  await ready(page);
  const baselineMs = await openMs(page);

  await page.goto(await linkTo(freezeScenario()));
  await ready(page);
  const notice = page.getByTestId('session-notice');
  await expect(notice).toContainText('INVALID_PARTITIONS');
  await expect(notice).toContainText('100000');
  const refusedMs = await openMs(page);
  console.log(
    `freeze link: ${refusedMs.toFixed(0)} ms to refuse and open a new cluster (baseline ${baselineMs.toFixed(0)} ms)`,
  );
  // Refusing costs next to nothing on top of opening a new cluster: no partition was ever made.
  expect(refusedMs - baselineMs).toBeLessThan(1000);
  await expect(page.getByTestId('replica')).toHaveCount(0);
});

test('the same scenario as a file is refused at once and changes nothing', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?seed=4&at=1500&paused');
  await ready(page);
  const text = JSON.stringify(freezeScenario());
  expect(text.length).toBeLessThan(400);
  const input = page.getByTestId('file-input');
  // Baseline in the same run: a file refused by the page alone (not JSON).
  let t0 = Date.now();
  await input.setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{') });
  await expect(page.getByTestId('import-problem')).toContainText('not valid JSON');
  const baselineMs = Date.now() - t0;
  t0 = Date.now();
  await input.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(page.getByTestId('import-problem')).toContainText('INVALID_PARTITIONS');
  const refusedMs = Date.now() - t0;
  console.log(`freeze file: refused in ${refusedMs} ms (baseline ${baselineMs} ms)`);
  expect(refusedMs - baselineMs).toBeLessThan(1000);
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '1500');
});
