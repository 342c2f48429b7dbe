/**
 * The Code tool: the learner's KafkaJS code runs in its own worker against the simulated cluster.
 * Each example prints what the real client got back while its requests leave the client's box;
 * paused, the client waits, and a Step lets its next request leave.
 */
import { expect, test, type Page } from '@playwright/test';

async function openCode(page: Page): Promise<void> {
  await page.goto('/?seed=5');
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
  await expect(page.getByTestId('cluster-summary')).toContainText('nodes, all running');
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('code-toggle').click();
  await expect(page.getByTestId('code-tool')).toBeVisible();
}

/** Where the screenshots go (looked at by hand, not compared). */
const SHOTS = '/tmp/code20-shots';

/** The page at 1280×720 and at 1024×768. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}-1280.png` });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/${name}-1024.png` });
  await page.setViewportSize({ width: 1280, height: 720 });
}

const requestsSent = async (page: Page) =>
  Number(await page.getByTestId('code-requests').getAttribute('data-count'));

async function runExample(page: Page, example: string, client: string, output: RegExp): Promise<void> {
  await page.getByTestId('code-example').selectOption(example);
  await page.getByTestId('code-run').click();
  // The client's requests are RPCs of the simulation from its node, and the script's output
  // arrives in the console.
  await expect(page.getByTestId('code-requests')).toContainText(
    new RegExp(`client:${client}: \\w+ → broker-\\d`),
  );
  await expect(page.getByTestId('code-console')).toContainText(output, { timeout: 60_000 });
  await shoot(page, `example-${example}`);
}

test('the admin and producer examples: topics created, records acknowledged by all replicas', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await openCode(page);
  await runExample(page, 'admin', 'code-admin', /clicks\[3\]: leader broker \d, replicas \d,\d,\d, in sync/);
  await runExample(page, 'producer', 'code-producer', /order 3 → partition \d, offset \d/);
  await page.getByTestId('code-stop').click();
  await expect(page.getByTestId('code-status')).toHaveText('Not running');
  await expect(page.locator('[data-testid=node][data-node="client:code-producer"]')).toHaveCount(0);
});

test('paused, the client waits with the simulation; played again, its next request leaves', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await openCode(page);
  await page.getByTestId('code-example').selectOption('consumer');
  await page.getByTestId('code-run').click();
  // The consumer keeps going (fetches, heartbeats) until Stop: a client that always has more to say.
  await expect.poll(() => requestsSent(page), { timeout: 30_000 }).toBeGreaterThan(8);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveText('Play');
  // The answer to an advance sent just before the pause may still arrive (and the client answer it).
  await page.waitForTimeout(1000);
  const paused = await requestsSent(page);
  const clock = await page.getByTestId('virtual-clock').textContent();
  await page.waitForTimeout(1500);
  // Its timers follow the simulation's clock: nothing fires, nothing is sent.
  expect(await requestsSent(page)).toBe(paused);
  expect(await page.getByTestId('virtual-clock').textContent()).toBe(clock);
  await page.getByTestId('play-pause').click();
  await expect.poll(() => requestsSent(page), { timeout: 30_000 }).toBeGreaterThan(paused);
  // eachMessage ran for the records the example produced.
  await expect(page.getByTestId('code-console')).toContainText(
    /orders\[\d\] offset 0: (alice = book|bob = lamp)/,
    {
      timeout: 60_000,
    },
  );
  await shoot(page, 'resumed');
});

test('the consumer group and transaction examples: records read in the group, a transaction committed', async ({
  page,
}) => {
  test.setTimeout(40_000);
  await openCode(page);
  // eachMessage runs for the records the example produced, once the group has assigned partitions.
  await runExample(page, 'consumer', 'code-consumer', /orders\[\d\] offset 0: (alice = book|bob = lamp)/);
  await page.getByTestId('code-stop').click();
  await expect(page.getByTestId('code-status')).toHaveText('Not running');
  // sendOffsets: AddOffsetsToTxn, then TxnOffsetCommit at the group's coordinator, then EndTxn.
  await runExample(page, 'transaction', 'code-txn', /committed: the payment and the offset of the order/);
  await expect(page.getByTestId('code-console')).toContainText('The script finished.');
  await expect(page.getByTestId('code-console')).not.toContainText('Error');
});

test('paused, Step lets the client’s next request leave, and nothing else moves', async ({ page }) => {
  test.setTimeout(40_000);
  await openCode(page);
  await page.getByTestId('code-example').selectOption('consumer');
  await page.getByTestId('code-run').click();
  await expect.poll(() => requestsSent(page), { timeout: 20_000 }).toBeGreaterThan(8);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('play-pause')).toHaveText('Play');
  await page.waitForTimeout(1000); // an answer already on its way to the client may still land
  const before = await requestsSent(page);
  // Step to the next answer the client gets: KafkaJS reads it and sends its next request.
  await page.getByTestId('step-to').selectOption('client.responded');
  // Not every answer is followed by a request at once (a Heartbeat's answer waits for the next
  // heartbeat.interval.ms): step again until one is (each step moves to the next answer only).
  await expect(async () => {
    await page.getByTestId('step-forward').click();
    await expect.poll(() => requestsSent(page), { timeout: 2000 }).toBeGreaterThan(before);
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('code-requests')).toContainText(
    /last: client:code-consumer: \w+ → broker-\d/,
  );
  // Still paused: the clock stays where the step left it and the client sends nothing more.
  await page.waitForTimeout(500);
  const stepped = await requestsSent(page);
  const clock = await page.getByTestId('virtual-clock').textContent();
  await page.waitForTimeout(1500);
  expect(await requestsSent(page)).toBe(stepped);
  expect(await page.getByTestId('virtual-clock').textContent()).toBe(clock);
  // The request it just sent is in the air at the playhead, from the client's node.
  await page.getByTestId('tab-inspect').click();
  await expect(
    page.getByTestId('in-flight').filter({ hasText: 'client:code-consumer' }).first(),
  ).toBeVisible();
  await shoot(page, 'stepped');
});

test('code in a share link opens in the Code tool and runs only when Run is pressed', async ({
  page,
  browser,
}) => {
  test.setTimeout(40_000);
  await openCode(page);
  await page.getByTestId('code-example').selectOption('producer');
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/#scenario=z1\.[\w-]+&code=z1\.[\w-]+$/);

  const elsewhere = await browser.newContext(); // a stranger's browser: no draft, no session
  const other = await elsewhere.newPage();
  await other.goto(link);
  await expect(other.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 30_000 });
  await expect(other.getByTestId('code-tool')).toBeVisible();
  await expect(other.getByTestId('code-source')).toContainText(
    'This code came from the link you opened. Read it before you press Run',
  );
  await expect(other.getByRole('textbox', { name: 'Code editor' })).toContainText(
    "clientId: 'code-producer'",
  );
  // Time moves, and the code does not run: no client, no request, until Run.
  await other.getByTestId('speed').selectOption('5');
  if ((await other.getByTestId('play-pause').textContent())?.includes('Play'))
    await other.getByTestId('play-pause').click();
  await other.waitForTimeout(1500);
  await expect(other.getByTestId('code-status')).toHaveText('Not running');
  expect(await requestsSent(other)).toBe(0);
  await expect(other.locator('[data-testid=node][data-node^="client:"]')).toHaveCount(0);
  await shoot(other, 'from-link');
  await other.getByTestId('code-run').click();
  await expect(other.locator('[data-testid=node][data-node="client:code-producer"]')).toHaveCount(1);
  await expect.poll(() => requestsSent(other)).toBeGreaterThan(0);
  await elsewhere.close();
});

test('a damaged code link says so, runs nothing and keeps the learner’s own code', async ({ page }) => {
  test.setTimeout(40_000);
  await openCode(page);
  await page.getByTestId('code-example').selectOption('admin'); // the editor keeps it as the draft
  const again = await page.context().newPage();
  await page.close();
  await again.goto('/?seed=6#code=z1.damaged*');
  await expect(again.getByTestId('code-source')).toContainText(
    'The code in this link is damaged (it is not valid base64url). Nothing was loaded',
  );
  await expect(again.getByRole('textbox', { name: 'Code editor' })).toContainText("clientId: 'code-admin'");
  await expect(again.getByTestId('code-status')).toHaveText('Not running');
  await shoot(again, 'damaged-link');
});
