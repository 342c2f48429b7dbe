/**
 * Lessons 1–3 (messaging, queue vs log, events vs commands) walked end to end through the UI:
 * every prediction answered, every challenge solved — each after a wrong attempt that must be
 * rejected with a hint. Visual snapshots at key steps: the lesson pane where its text is fixed (live
 * status lines masked), and the verdicts and hints themselves; reveal texts that quote times are
 * left out, since the simulation runs on wall-clock frames and the learner's clicks land anywhere.
 */
import { expect, test, type Page } from '@playwright/test';

const STEP_MS = 45_000;

async function open(page: Page, id: string, firstTitle: string): Promise<void> {
  await page.goto(`/?lesson=${id}`);
  await expect(page.getByTestId('step-title')).toHaveText(firstTitle, { timeout: STEP_MS });
}

async function fast(page: Page): Promise<void> {
  await page.getByTestId('speed').selectOption('5');
}

async function next(page: Page, title: string): Promise<void> {
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('step-title')).toHaveText(title);
}

async function waitFact(page: Page): Promise<void> {
  await expect(page.getByTestId('lesson-fact-seen')).toBeVisible({ timeout: STEP_MS });
}

async function predict(page: Page, choice: string): Promise<void> {
  await page.getByTestId(`choice-${choice}`).click();
  await expect(page.getByTestId('reveal')).toBeVisible({ timeout: STEP_MS });
}

/** Press Check until the hint matches (the engine's state reaches the pane a frame later). */
async function expectHint(page: Page, hint: RegExp): Promise<void> {
  await expect(async () => {
    await page.getByTestId('challenge-check').click();
    await expect(page.getByTestId('challenge-hint')).toHaveText(hint, { timeout: 1000 });
  }).toPass({ timeout: STEP_MS });
}

async function expectPass(page: Page): Promise<void> {
  await expect(async () => {
    await page.getByTestId('challenge-check').click();
    await expect(page.getByTestId('challenge-passed')).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: STEP_MS });
}

async function paneShot(page: Page, name: string): Promise<void> {
  const pane = page.getByTestId('lesson-pane');
  await expect(pane).toHaveScreenshot(name, {
    mask: [page.getByTestId('step-status'), page.locator('[data-testid="reveal"] p:not([data-testid])')],
  });
}

/** The verdict on a prediction: fixed text, whatever the run's timing. */
async function verdictShot(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('reveal-verdict')).toHaveScreenshot(name);
}

/** The challenge box: its goal, the Check button and the hint. */
async function hintShot(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId('challenge-hint').locator('..')).toHaveScreenshot(name);
}

async function finish(page: Page): Promise<void> {
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('step-title')).toHaveText('Well done!');
}

test.describe.configure({ timeout: 240_000 });

test('lesson 1: a channel decouples services; streaming and batching', async ({ page }) => {
  await open(page, '01-messaging', 'A channel between two services');
  await paneShot(page, 'l1-channel.png');
  await fast(page);
  await next(page, 'Nobody is listening yet');
  await waitFact(page);
  // The queue in the diagram holds the waiting orders, ready and not yet consumed.
  const orders = page.locator('[data-testid="queue"][data-queue="orders"]');
  await expect(orders).toBeVisible();
  expect(Number(await orders.getAttribute('data-ready'))).toBeGreaterThanOrEqual(3);

  await next(page, 'Streaming: one message as it arrives');
  await predict(page, 'all-at-once');
  await expect(page.getByTestId('reveal')).toContainText('one at a time');
  await verdictShot(page, 'l1-streaming-verdict.png');
  await next(page, 'Keeping up');
  await waitFact(page);
  await next(page, 'Batching: collect, then handle together');
  await predict(page, 'all');
  await expect(page.getByTestId('reveal')).toContainText('together');
  await expect(page.locator('[data-node="batch:invoicing"]')).toBeVisible();

  await next(page, 'Prove the decoupling');
  await page.getByTestId('tab-faults').click();
  // Wrong: stopping the shop stops the orders, it does not show the channel at work.
  await page.getByTestId('crash-sender:shop').click();
  await expectHint(page, /The shop is down/);
  await hintShot(page, 'l1-challenge-hint.png');
  await page.getByTestId('restart-sender:shop').click();
  await page.getByTestId('crash-batch:invoicing').click();
  await expectPass(page);

  await next(page, 'Catching up');
  await page.getByTestId('lesson-action-restart').click();
  await finish(page);
});

test('lesson 2: a queue deletes what was consumed, a log keeps it for replay', async ({ page }) => {
  await open(page, '02-queue-vs-log', 'The same orders, two channels');
  await fast(page);
  await next(page, 'Four orders in each');
  await waitFact(page);
  await expect(page.locator('[data-testid="queue"][data-queue="orders"]')).toHaveAttribute('data-ready', '4');
  await paneShot(page, 'l2-stored.png');
  // The diagram: the queue with its four ready orders above the broker, the log with four records.
  // Messages in flight (the canvas) come and go with the frames, so they are hidden for the shot.
  const hide = await page.addStyleTag({ content: 'canvas { visibility: hidden !important; }' });
  await expect(page.getByTestId('cluster-diagram')).toHaveScreenshot('l2-diagram-stored.png');
  await hide.evaluate((el) => (el as Element).remove());

  await next(page, 'Reading the queue');
  await predict(page, 'all');
  await expect(page.getByTestId('reveal-verdict')).toBeVisible();
  await expect(page.locator('[data-testid="queue"][data-queue="orders"]')).toHaveAttribute(
    'data-deleted',
    '4',
  );
  await next(page, 'A second reader on the queue');
  await predict(page, 'none');
  await next(page, 'Reading the log');
  await predict(page, 'both');
  await expect(page.getByTestId('reveal')).toContainText('reading deleted nothing');

  await next(page, 'Replay');
  // Wrong: a new queue worker finds nothing, the orders were deleted on the ack.
  await page.getByTestId('lesson-action-queue-replay').click();
  await expectHint(page, /nothing to replay there/);
  await hintShot(page, 'l2-challenge-hint.png');
  // Right: a consumer in a new group, starting from the earliest offset, reads the log again.
  await page.getByTestId('tab-consume').click();
  await page.getByTestId('consumer-group').fill('replay');
  await page.getByTestId('consumer-topic').selectOption('orders');
  await page.getByTestId('consumer-create').click();
  await expectPass(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('read order-1 again');

  await next(page, 'Two kinds of channel');
  await finish(page);
});

test('lesson 3: a command leads to events; a refused command to TransactionFailed', async ({ page }) => {
  await open(page, '03-events-vs-commands', 'A command asks');
  await fast(page);
  await expect(page.locator('[data-node="service:accounts"]')).toBeVisible({ timeout: STEP_MS });
  await next(page, 'Alice pays Bob 30');
  await predict(page, 'command');
  await expect(page.getByTestId('reveal')).toContainText(
    'AccountBalanceChanged, AccountBalanceChanged and TransactionCompleted',
  );
  await paneShot(page, 'l3-transfer-reveal.png');

  await next(page, 'Anyone can read the events');
  await page.getByTestId('lesson-action-audit').click();
  await waitFact(page);

  await next(page, 'A command can be refused');
  // Wrong: bob can afford 40, so the transfer completes.
  await page.getByTestId('lesson-action-bob-alice-40').click();
  await expectHint(page, /t2 could be paid/);
  await hintShot(page, 'l3-challenge-hint.png');
  await page.getByTestId('lesson-action-alice-bob-500').click();
  await expectPass(page);
  await expect(page.getByTestId('challenge-passed')).toContainText('insufficient funds');

  await next(page, 'Commands in, events out');
  await finish(page);
});
