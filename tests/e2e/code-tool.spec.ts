/**
 * The Code tool: the learner's KafkaJS code runs in its own worker against the simulated cluster.
 * Each example prints what the real client got back, and its requests fly across the diagram
 * from the client's box; paused, the client waits, and a Step lets its next request leave.
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

const consoleText = (page: Page) => page.getByTestId('code-console');

test('each example runs with real KafkaJS: output in the console, requests from the client node', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await openCode(page);
  const expectations: [string, string, RegExp][] = [
    ['admin', 'code-admin', /clicks\[3\]: leader broker \d, replicas \d,\d,\d, in sync/],
    ['producer', 'code-producer', /order 3 → partition \d, offset \d/],
    ['transaction', 'code-txn', /committed: the payment and the offset/],
    ['consumer', 'code-consumer', /orders\[\d\] offset 0: (alice = book|bob = lamp)/],
  ];
  for (const [example, client, output] of expectations) {
    await page.getByTestId('code-example').selectOption(example);
    await page.getByTestId('code-run').click();
    // The client's node is drawn in the top band while it is connected, and its output arrives.
    await expect(page.locator(`[data-testid=node][data-node="client:${client}"]`)).toBeVisible();
    await expect(consoleText(page)).toContainText(output, { timeout: 20_000 });
    await expect(consoleText(page)).not.toContainText('error', { ignoreCase: false });
    await page.screenshot({ path: `/tmp/code-shots/example-${example}.png` });
  }
  await page.getByTestId('code-stop').click();
  await expect(page.getByTestId('code-status')).toHaveText('Not running');
});
