/**
 * Flink mode (issue 17) in the browser. A scenario link: a Flink job counting clicks per 10 s
 * window beside the Kafka cluster, one partition ahead in event time, checkpoints, then a
 * TaskManager crash and the restore — the Flink view drawn from it. Then lesson 19's two
 * predictions about time (the crash and the challenge are walked headless in its Vitest).
 * Screenshots go to /tmp/flink-shots (looked at by hand, not compared).
 */
import { expect, test } from '@playwright/test';
import {
  FACT_TIMEOUT,
  checkUntilPassed,
  expectHint,
  expectStep,
  finish,
  next,
  openLesson,
  predict,
  press,
} from './lessons-helpers';
import { buildScenario, linkTo } from './session-helpers';

const SHOTS = '/tmp/flink-shots';

function clicksWithCrash() {
  return buildScenario({ seed: 4, brokers: 3 }, ({ run, send }) => {
    run(3000);
    for (const [topic, partitions] of [
      ['clicks', 2],
      ['counts', 1],
    ] as const)
      send({ type: 'topic.create', topic, partitions, replicationFactor: 3 });
    send({ type: 'producer.create', producer: 'web', config: { acks: 'all' } });
    send({
      type: 'flink.start',
      taskManagers: 3,
      config: {
        'heartbeat.interval': 500,
        'heartbeat.timeout': 2000,
        'restart-strategy.fixed-delay.delay': 500,
      },
    });
    run(500);
    send({
      type: 'flink.submit',
      job: 'clicks-job',
      topology: {
        steps: [
          { id: 'in', op: 'stream', topic: 'clicks' },
          { id: 'g', op: 'groupByKey', from: 'in' },
          {
            id: 'w',
            op: 'windowedBy',
            from: 'g',
            windows: { type: 'tumbling', sizeMs: 10000, graceMs: 2000 },
          },
          { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'counts' },
          { id: 's', op: 'toStream', from: 'c' },
          { id: 'to', op: 'to', from: 's', topic: 'counts' },
        ],
      },
      config: {
        'parallelism.default': 2,
        'execution.checkpointing.interval': 1000,
        'sink.delivery-guarantee': 'exactly-once',
      },
    });
    run(1500);
    // ann's partition runs ahead (13 s, 24 s), ben's stays behind: the minimum is ben's. His 14 s
    // click fires [0 s, 10 s), so a checkpoint's transaction holds output.
    for (const [key, timestamp] of [
      ['ann', 1000],
      ['ben', 2000],
      ['ann', 13000],
      ['ben', 6000],
      ['ann', 24000],
      ['ben', 14000],
    ] as const) {
      send({ type: 'producer.send', producer: 'web', topic: 'clicks', key, value: 'click', timestamp });
      run(700);
    }
    run(1500);
    send({ type: 'node.crash', node: 'flink:tm-1' });
    run(4000);
  });
}

test('the Flink view: nodes beside Kafka, watermarks, checkpoints with offsets, 2PC and a restore', async ({
  page,
}) => {
  await page.goto(await linkTo(clicksWithCrash()));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 20_000 });
  const diagram = page.getByTestId('cluster-diagram');
  await expect(diagram.locator('[data-node="flink:jobmanager"]')).toBeAttached();
  await expect(diagram.locator('[data-node^="flink:tm-"]')).toHaveCount(3);
  await page.screenshot({ path: `${SHOTS}/flink-nodes-1280x720.png` });

  await page.getByTestId('view-flink').click();
  const view = page.getByTestId('flink-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('flink-job-status')).toHaveText('RUNNING');
  // The restore after tm-1's crash: from a completed checkpoint, the failed attempt's transactions aborted.
  await expect(page.getByTestId('flink-restores')).toContainText(
    /Attempt 1 failed at .* from checkpoint \d+/,
  );
  const table = page.getByTestId('flink-checkpoints-table');
  await expect(table.locator('tr.completed').first()).toContainText(/clicks-0@\d+, clicks-1@\d+/);
  await expect(table).toContainText('committed');
  await expect(page.getByTestId('flink-plot').locator('path.min')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/flink-view-1280x720.png` });
  await page.getByTestId('flink-tm').last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/flink-view-below-1280x720.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.getByTestId('flink-job-status').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/flink-view-1024x768.png` });
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/flink-view-below-1024x768.png` });
  await page.getByRole('tab', { name: 'Cluster' }).click();
  await page.screenshot({ path: `${SHOTS}/flink-nodes-1024x768.png` });
});

test('lesson 19: the watermark held back by the slow partition, the out-of-order click', async ({ page }) => {
  test.setTimeout(120_000);
  await openLesson(page, '19-streams-vs-flink');
  await expectStep(page, 1, 8, 'One pipeline, two engines');
  await next(page);
  await expectStep(page, 2, 8, 'Both running');
  await next(page);

  let reveal = await predict(page, 'both');
  await expect(reveal).toContainText('Kafka Streams wrote ann [0 s, 10 s) = 1');
  await expect(reveal).toContainText('ben’s partition holds the watermark back');
  await expect(page.getByTestId('reveal-verdict')).not.toHaveText('Your prediction was right.');
  await next(page);

  reveal = await predict(page, 'flink');
  await expect(reveal).toContainText('Skipping record for expired');
  await expect(reveal).toContainText('Flink counted it');
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await page.screenshot({ path: `${SHOTS}/lesson19-late-1280x720.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/lesson19-late-1024x768.png` });
  await page.setViewportSize({ width: 1280, height: 720 });
  await next(page);

  // ben's click moves the slow partition: Flink fires [0 s, 10 s) once the minimum passes it.
  await press(page, 'ben');
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: FACT_TIMEOUT });
  await next(page);

  // A crash of each: Flink restores from its own checkpoint, Streams from its changelogs.
  reveal = await predict(page, 'checkpoint');
  await expect(reveal).toContainText(
    /restarted every task from checkpoint \d+: the sources were rewound to clicks-0 offset \d+/,
  );
  await expect(reveal).toContainText('The watermarks started again from “No Watermark”');
  await expect(reveal).toContainText(/restored .*from its changelog/);
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await page.screenshot({ path: `${SHOTS}/lesson19-crash-1280x720.png` });
  await next(page);

  // One partition moved past 22 s is not enough: the watermark is the minimum over both.
  await press(page, 'ann-30');
  await expectHint(page, /every partition needs a click after 22 s/);
  await press(page, 'ben-25');
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText(/Flink fired \[10 s, 20 s\) at watermark/);
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/lesson19-challenge-1024x768.png` });
  await next(page);
  await expectStep(page, 8, 8, 'What this does not model');
  await finish(page);
});
