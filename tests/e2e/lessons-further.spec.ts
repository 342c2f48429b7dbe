/**
 * Going further, lessons 13–14, walked end to end through the UI: every step's fact, every
 * prediction's reveal (computed by the lesson from the engine's state), every challenge completed
 * with the workspace's tools after a wrong attempt is rejected with a hint, and screenshots of the
 * key steps (segments and the log start offset; the LSO and transaction markers).
 */
import { expect, test, type Page } from '@playwright/test';
import { CONTENTS_SIZE } from '../../src/lessons/catalog';
import {
  FACT_TIMEOUT,
  addConsumer,
  checkUntilPassed,
  crash,
  expectHint,
  expectStep,
  finish,
  next,
  openLesson,
  paneShot,
  predict,
  press,
  sendRecords,
  terminal,
} from './lessons-helpers';

// Whole lessons, each with a consumer rejoining or a transaction timing out: more than 30 s.
test.describe.configure({ timeout: 90_000 });

/** The replica rows of a topic's partition, for a look at the cluster while a step is on. */
const replicaOf = (page: Page, topic: string) =>
  page.locator(`[data-testid="replica"][data-replica^="${topic}-"]`);

test('lesson 13, retention and replay: segments, OFFSET_OUT_OF_RANGE, a fraud team replays', async ({
  page,
}) => {
  // The home page lists both under "Going further", after the course.
  await page.goto('/?lessons');
  const further = page.getByTestId('lesson-toc-further');
  await expect(further.getByTestId('toc-13-retention-replay')).toContainText('Retention and replay');
  await expect(further.getByTestId('toc-14-exactly-once')).toContainText('Exactly-once');
  await page.screenshot({ path: test.info().outputPath('lessons-home.png'), fullPage: true });
  await openLesson(page, '13-retention-replay');
  await expectStep(page, 1, 7, 'A log made of segments');
  await next(page);
  // Two segments on every replica: a tick where the second one starts.
  await expect(replicaOf(page, 'payments').first()).toHaveAttribute('data-segments', /^[2-9]$/);
  await expect(page.getByTestId('segment-start').first()).toBeAttached();
  await page.screenshot({ path: test.info().outputPath('lesson-13-segments-page.png') });

  let reveal = await predict(page, 'committed');
  await expect(reveal).toContainText('the log now starts at offset 8');
  await expect(reveal).toContainText('OFFSET_OUT_OF_RANGE');
  await expect(reveal).toContainText('Payments 3–7 were never in its report');
  await expect(page.getByTestId('reveal-verdict')).toContainText('You predicted: At offset 3');
  await expect(replicaOf(page, 'payments').first()).toHaveAttribute('data-log-start', '8');
  await paneShot(page, 'lesson-13-out-of-range.png');
  await page.screenshot({ path: test.info().outputPath('lesson-13-out-of-range-page.png') });
  await next(page);

  await expectStep(page, 3, 7, 'The fraud team');
  await next(page);
  reveal = await predict(page, 'kept');
  await expect(reveal).toContainText('fraud-model read 8 payments, offsets 8–15');
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await next(page);
  // March's first payments are written as the seek step begins; the seek lands on the first.
  await expect(page.getByTestId('step-status')).toContainText('log end 19', { timeout: 30_000 });
  await press(page, 'seek');
  const seen = page.getByTestId('lesson-fact-seen');
  await expect(seen).toContainText('ListOffsets with offset 16', { timeout: 30_000 });
  await expect(seen).toContainText(
    'fraud-model moved back to offset 16 and read 3 payments from there again',
  );
  await page.screenshot({ path: test.info().outputPath('lesson-13-seek-time-page.png') });
  await next(page);

  await expectStep(page, 6, 7, 'Replay it yourself');
  await addConsumer(page, { group: 'late', topic: 'payments', reset: 'latest' });
  await expectHint(page, /starts at the end of the log \(offset 19\)/);
  await paneShot(page, 'lesson-13-hint.png');
  await addConsumer(page, { group: 'audit', topic: 'payments', reset: 'earliest' });
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText(
    '(group audit) read all 11 payments still kept',
  );
  // The same replay with Kafka's own tool: a dry run changes nothing, --execute does.
  await next(page);
  await expectStep(page, 7, 7, 'Replay with kafka-consumer-groups');
  const reset = `kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --reset-offsets --group reports --topic payments --to-earliest`;
  await terminal(page, `${reset} --dry-run`);
  await expect(page.getByTestId('terminal-screen')).toContainText('NEW-OFFSET');
  await terminal(page, `${reset} --execute`);
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('the oldest payment still kept');
  await finish(page);
  await expect(page.getByTestId('next-lesson')).toHaveText('Next: Exactly-once');
});

test('lesson 14, exactly-once: a deduplicated retry, an atomic commit, a rollback, both isolation levels', async ({
  page,
}) => {
  await openLesson(page, '14-exactly-once');
  await expect(page.getByTestId('lesson-title')).toHaveText(
    `Lesson 14 of ${CONTENTS_SIZE} · Going further: Exactly-once`,
  );
  let reveal = await predict(page, 'two');
  await expect(reveal).toContainText('The leader appended it 1 time');
  await expect(reveal).toContainText('partition.duplicateBatchDetected');
  await expect(page.getByTestId('reveal-verdict')).toContainText('You predicted: Two');
  // How many times the batch went out depends on where the frames fell.
  await paneShot(page, 'lesson-14-retry.png', [
    reveal.locator('p:not([data-testid="reveal-verdict"])').first(),
  ]);
  await next(page);

  await press(page, 'begin');
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: 30_000 });
  // The transaction is open: the LSO trails the high watermark on both partitions.
  await expect(page.getByTestId('lso').first()).toBeAttached();
  await page.screenshot({ path: test.info().outputPath('lesson-14-open-page.png') });
  await next(page);

  reveal = await predict(page, 'both');
  await expect(reveal).toContainText(/COMMIT markers: ledger-\d offset \d+ and ledger-\d offset \d+/);
  await expect(reveal).toContainText('none of it before the commit was decided');
  await expect(page.getByTestId('txn-marker').first()).toBeAttached();
  await next(page);

  reveal = await predict(page, 'ru-only');
  await expect(reveal).toContainText('reason: timeout');
  await expect(reveal).toContainText('rc (read_committed) read nothing of t2');
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await paneShot(page, 'lesson-14-rollback.png');
  await page.screenshot({ path: test.info().outputPath('lesson-14-rollback-page.png') });
  await next(page);

  // Read-process-write: the crashed attempt aborted, the transfers processed again once.
  await expectStep(page, 5, 7, 'Read, process, write: exactly once end to end');
  await next(page);
  reveal = await predict(page, 'twice');
  await expect(reveal).toContainText('was aborted (reason: fenced');
  await expect(reveal).toContainText('the restarted proc read 2 transfers again, offsets 0 and 1');
  await expect(reveal).toContainText(
    'rc (read_committed) saw “x1: settled” once and “x2: settled” once: each transfer’s effect exactly once',
  );
  await page.screenshot({ path: test.info().outputPath('lesson-14-eos-page.png') });
  await next(page);

  // The challenge, with the Produce tab: a transactional producer of one's own.
  await expectHint(page, /Create a producer in the Produce tab/);
  await page.getByTestId('tab-produce').click();
  await page.getByTestId('producer-name').fill('me');
  await page.getByTestId('producer-acks').selectOption('txn');
  await page.getByTestId('producer-create').click();
  const mine = page.getByTestId('txn-producer').filter({ hasText: 'me-tx' });
  await expect(mine).toHaveAttribute('data-state', 'READY', { timeout: 30_000 });
  await mine.getByTestId('txn-begin').click();
  await sendRecords(page, { producer: 'me', topic: 'ledger', value: 'kept' });
  await mine.getByTestId('txn-commit').click();
  await expectHint(page, /was committed, so rc reads its records too/);
  await paneShot(page, 'lesson-14-hint.png');
  await expect(mine).toHaveAttribute('data-state', 'READY', { timeout: 30_000 });
  await mine.getByTestId('txn-begin').click();
  await sendRecords(page, { producer: 'me', topic: 'ledger', value: 'undo me' });
  await mine.getByTestId('txn-abort').click();
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('ru read “undo me”; rc read none of them');
  await finish(page);
});

test('lesson 15, other platforms: shards as partitions, an iterator as a reset, a group as a subscription', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openLesson(page, '15-other-platforms');
  await expect(page.getByTestId('lesson-title')).toHaveText(
    `Lesson 15 of ${CONTENTS_SIZE} · Going further: Other platforms`,
  );
  await expectStep(page, 1, 8, 'The same ideas, other names');
  await next(page);

  // Kinesis: each partition key's hash picks a shard, as the record key picks a partition.
  await press(page, 'send');
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: FACT_TIMEOUT });
  await expect(page.getByTestId('lesson-fact-seen')).toContainText(/clicks-0 got .*; clicks-1 got /);
  await next(page);
  // A TRIM_HORIZON iterator is auto.offset.reset=earliest: both partitions from offset 0.
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: FACT_TIMEOUT });
  await expect(page.getByTestId('lesson-fact-seen')).toContainText(/retention\.ms = 604800000 ms \(7 days/);
  await next(page);

  // Pulsar's subscription types: the group keeps each key on one consumer, like Key_Shared.
  const reveal = await predict(page, 'shared');
  await expect(reveal).toContainText(/c1 owns clicks-\d/);
  await expect(page.getByTestId('reveal-verdict')).not.toHaveText('Your prediction was right.');
  await next(page);
  await expectStep(page, 5, 8, 'Pulsar: brokers over BookKeeper');
  await next(page);

  // Event Hubs' checkpoints are Kafka's commits.
  await press(page, 'commit');
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: FACT_TIMEOUT });
  await expect(page.getByTestId('lesson-fact-seen')).toContainText(/c1 committed clicks-\d at 6/);
  await next(page);

  // Exclusive, the Kafka way: one member alone in its group gets every partition.
  await expectHint(page, /c1 and c2 each still own a partition/);
  await crash(page, 'consumer:c2');
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText(/alone owns clicks-0 and clicks-1/);
  await page.screenshot({ path: '/tmp/lessons-shots/lesson-15-exclusive-1280.png' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: '/tmp/lessons-shots/lesson-15-exclusive-1024.png' });
  await next(page);
  await expectStep(page, 8, 8, 'One map');
  await finish(page);
});
