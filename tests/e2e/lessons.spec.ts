/**
 * The lessons through the UI: the table of contents from the app's first screen, resuming after a
 * reload, and lessons 4–7 walked end to end (every challenge completed, one wrong answer each
 * rejected with a hint), with screenshots at their key steps. Lessons 8–11: lessons-later.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { partitionForKey } from '../../src/engine';
import { CONTENTS_SIZE } from '../../src/lessons/catalog';
import {
  FACT_TIMEOUT,
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
  statusMatch,
} from './lessons-helpers';

test.describe.configure({ timeout: 60_000 });

test('a new learner finds every lesson from the first screen', async ({ page }) => {
  await page.goto('/?seed=1&paused');
  await page.getByTestId('lessons-link').click();
  const toc = page.getByTestId('lesson-toc');
  await expect(toc.locator('li')).toHaveCount(12);
  for (const title of ['Messaging', 'The cluster', 'Acks', 'Consumer groups', 'Sandbox'])
    await expect(toc).toContainText(title);
  await expect(page).toHaveScreenshot('lessons-toc.png');
  await toc.getByRole('link', { name: 'The cluster' }).click();
  await expect(page).toHaveURL(/\?lesson=04-cluster$/);
  await expect(page.getByTestId('lesson-title')).toHaveText(`Lesson 4 of ${CONTENTS_SIZE}: The cluster`);
});

test('an unknown lesson id lands on the table of contents', async ({ page }) => {
  await page.goto('/?lesson=99-nope');
  await expect(page.getByTestId('unknown-lesson')).toContainText('There is no lesson “99-nope”');
  await expect(page.getByTestId('lesson-toc')).toBeVisible();
});

test('progress survives a reload: same step, same cluster, and the home page offers to continue', async ({
  page,
}) => {
  await openLesson(page, '05-topics');
  await press(page, 'send3');
  await next(page);
  await expectStep(page, 2, 7, 'Offsets');
  await predict(page, 'next');
  await page.reload();
  await expectStep(page, 2, 7, 'Offsets');
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await expect(page.getByTestId('lesson-next')).toBeEnabled();
  await page.goto('/?lessons');
  await expect(page.getByTestId('continue-lesson')).toHaveText(/Continue lesson 5: .* step 2 of 7/);
  await expect(page.getByTestId('toc-05-topics')).toContainText('in progress');

  // Another tab (no tab memory of its own) reopens the lesson's saved cluster, not a new one.
  const other = await page.context().newPage();
  await other.goto('/?lesson=05-topics');
  await expectStep(other, 2, 7, 'Offsets');
  await expect(other.getByTestId('lesson-restarted')).toHaveCount(0);
  await expect(other.getByTestId('step-status')).toHaveText('The log of orders holds 5 records.');
  await other.close();

  // Start over forgets the progress and opens a new cluster.
  await page.goto('/?lesson=05-topics');
  await page.getByTestId('lesson-start-over').click();
  await page.getByTestId('lesson-start-over-yes').click();
  await expectStep(page, 1, 7, 'A topic is a log');
  await expect(page.getByTestId('step-status')).toHaveText('The log of orders holds 0 records.');
});

test('lesson 4, the cluster: a controller crash, the next election, breaking the majority', async ({
  page,
}) => {
  await openLesson(page, '04-cluster');
  await expectStep(page, 1, 5, 'Brokers and controllers');
  await expect(page.getByTestId('step-status')).toContainText('is the active controller');
  await paneShot(page, 'lesson-04-intro.png');
  await next(page);

  const reveal = await predict(page, 'stuck');
  await expect(page.getByTestId('reveal-verdict')).toContainText('You predicted: The cluster is stuck');
  await expect(reveal).toContainText(/won epoch \d+ with the votes of/);
  await paneShot(page, 'lesson-04-reveal.png', [reveal.locator('p').last()]);
  await next(page);

  await press(page, 'restart');
  await next(page);

  await expectStep(page, 4, 5, 'Break the majority');
  await crash(page, 'broker-1');
  await expectHint(page, /Brokers do not vote/);
  await paneShot(page, 'lesson-04-hint.png');
  await crash(page, 'controller-1');
  await crash(page, 'controller-2');
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('below the majority of 2');
  await next(page);

  await press(page, 'restart-all');
  await finish(page);
  await expect(page.getByTestId('next-lesson')).toHaveText('Next: Topics and the append-only log');
  await page.goto('/?lessons');
  await expect(page.getByTestId('toc-04-cluster')).toContainText('completed');
});

test('lesson 5, topics: offsets at the end, reading removes nothing, a topic of your own', async ({
  page,
}) => {
  test.setTimeout(90_000); // seven steps
  await openLesson(page, '05-topics');
  await press(page, 'send3');
  await next(page);
  const reveal = await predict(page, 'restart');
  await expect(reveal).toContainText('appended them at offsets 3 and 4');
  await paneShot(page, 'lesson-05-reveal.png');
  await next(page);
  await press(page, 'consume');
  await expect(page.getByTestId('step-status')).toContainText('c1 has read 5 record(s); its position is 5', {
    timeout: FACT_TIMEOUT,
  });
  await next(page);

  // Append-only, tried: DeleteRecords past the high watermark is refused with Kafka's error, and
  // only "everything before offset 2" makes order-2 unreadable.
  await press(page, 'delete-9');
  await expectHint(page, /OFFSET_OUT_OF_RANGE/);
  await press(page, 'delete-2');
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('order-3 is still at offset 2');
  await paneShot(page, 'lesson-05-change-the-past.png');
  await next(page);

  // A topic as a table of one type of event: the lesson made both topics as the step began.
  await expect(page.getByTestId('step-status')).toContainText('money-deposited holds 0', {
    timeout: FACT_TIMEOUT,
  });
  await press(page, 'accounts');
  await press(page, 'deposit');
  await expect(page.getByTestId('lesson-fact-seen')).toContainText('offset 0 · MoneyDeposited', {
    timeout: FACT_TIMEOUT,
  });
  await next(page);

  await expectHint(page, /no topic named payments/);
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('topic-topic').fill('payments');
  await page.getByTestId('topic-partitions').fill('3');
  await page.getByTestId('topic-replicationFactor').fill('1');
  await page.getByTestId('topic-create').click();
  await page.getByTestId('tab-produce').click();
  await expect(page.getByTestId('send-topic').locator('option[value="payments"]')).toHaveCount(1, {
    timeout: FACT_TIMEOUT,
  });
  await sendRecords(page, { topic: 'payments', value: 'paid' }, 2);
  await checkUntilPassed(page);
  await next(page);

  // The same with Kafka's own tool: the check says what is missing until the command is typed.
  await expectStep(page, 7, 7, 'Try it in the terminal');
  await expectHint(page, /There is no topic invoices yet/);
  await terminal(
    page,
    'kafka-topics.sh --bootstrap-server broker-1:9092 --create --topic invoices --partitions 3 --replication-factor 3 --config min.insync.replicas=2',
  );
  await expect(page.getByTestId('terminal-screen')).toContainText('Created topic invoices.');
  await checkUntilPassed(page);
  await finish(page);
});

test('lesson 6, partitions and keys: one key keeps its order; find a key for another partition', async ({
  page,
}) => {
  const home = partitionForKey('order_123', 3);
  const keys = Array.from({ length: 20 }, (_, i) => `customer-${i}`);
  const same = keys.find((k) => partitionForKey(k, 3) === home)!;
  const other = keys.find((k) => partitionForKey(k, 3) !== home)!;

  await openLesson(page, '06-partitions');
  await next(page);
  const reveal = await predict(page, 'spread');
  await expect(reveal).toContainText(`All four went to orders-${home}`);
  await paneShot(page, 'lesson-06-reveal.png');
  await next(page);
  await press(page, 'more');
  await next(page);

  await sendRecords(page, { topic: 'orders', key: same });
  await expectHint(page, new RegExp(`Key “${same}” landed in orders-${home}`));
  await sendRecords(page, { topic: 'orders', key: other });
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText(`Key “${other}” hashed to`);
  await finish(page);
});

test('lesson 7, replication: followers fetch, the HW follows, a follower takes over', async ({ page }) => {
  await openLesson(page, '07-replication');
  await next(page);
  const reveal = await predict(page, 'push');
  await expect(reveal).toContainText('Each copy came back in the answer to a Fetch request');
  await paneShot(page, 'lesson-07-reveal.png', [reveal.locator('p').last()]);
  await next(page);
  await press(page, 'send');
  await next(page);

  await expectHint(page, /still leads orders-0/);
  const leader = await statusMatch(page, /broker-(\d) leads orders-0/);
  await crash(page, `broker-${leader}`);
  await checkUntilPassed(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('holds all 6 records');
  await finish(page);
});
