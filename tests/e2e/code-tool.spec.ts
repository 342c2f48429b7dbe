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
  await page.screenshot({ path: `/tmp/code-shots/example-${example}.png` });
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
  await page.screenshot({ path: '/tmp/code-shots/resumed.png' });
});
