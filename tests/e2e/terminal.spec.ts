/**
 * The terminal: a learner types a whole session of Kafka commands against the simulated cluster,
 * reloads, and finds the transcript and the cluster as they left them.
 */
import { expect, test, type Page } from '@playwright/test';
import { ready, saved } from './session-helpers';

const B = '--bootstrap-server broker-1:9092';

async function type(page: Page, line: string): Promise<void> {
  const input = page.getByTestId('terminal-input');
  await input.fill(line);
  await input.press('Enter');
}

const screen = (page: Page) => page.getByTestId('terminal-screen');

test('create, produce, consume in a group, describe the lag, reset and consume again; a reload keeps it all', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto('/?seed=11');
  await ready(page);
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('terminal-toggle').click();
  await expect(page.getByTestId('terminal')).toContainText('Apache Kafka 4.0.0 command-line tools');
  // The brokers register with the controller first: wait for all three to be listed.
  await expect(page.getByTestId('cluster-summary')).toContainText('nodes, all running');

  await type(page, `kafka-topics.sh ${B} --create --topic orders --partitions 3 --replication-factor 3`);
  await expect(screen(page)).toContainText('Created topic orders.');

  await type(
    page,
    `kafka-console-producer.sh ${B} --topic orders --property parse.key=true --property key.separator=:`,
  );
  for (const record of ['alice:1', 'bob:2', 'carol:3']) await type(page, record);
  await expect(page.getByTestId('terminal')).toContainText('each line you type is a record');
  // Let the producer's linger.ms (1 s) pass and the sends be acknowledged, then Ctrl-D.
  await expect
    .poll(
      async () =>
        await page
          .locator('[data-testid=replica][data-role=leader]')
          .evaluateAll((els) => els.reduce((n, el) => n + Number(el.getAttribute('data-hw')), 0)),
      { timeout: 20_000 },
    )
    .toBe(3);
  await page.getByTestId('terminal-input').press('Control+d');

  await type(
    page,
    `kafka-console-consumer.sh ${B} --topic orders --group g1 --from-beginning --max-messages 3`,
  );
  await expect(screen(page)).toContainText('Processed a total of 3 messages', { timeout: 30_000 });

  await type(page, `kafka-consumer-groups.sh ${B} --describe --group g1`);
  await expect(screen(page)).toContainText("Consumer group 'g1' has no active members.");
  await expect(screen(page)).toContainText('CURRENT-OFFSET  LOG-END-OFFSET  LAG');
  // A row names a partition: clicking it selects that partition's leader replica in the diagram.
  const row = page.getByTestId('terminal-row-link').first();
  await expect(row).toContainText('g1              orders');
  await row.click();
  await expect(page.locator('[data-testid=replica][aria-pressed=true]')).toHaveCount(1);

  await type(
    page,
    `kafka-consumer-groups.sh ${B} --reset-offsets --group g1 --topic orders --to-earliest --execute`,
  );
  await expect(screen(page)).toContainText('NEW-OFFSET', { timeout: 20_000 });
  await type(page, `kafka-consumer-groups.sh ${B} --describe --group g1`);
  // After the reset, the group is behind by every record again.
  await expect
    .poll(async () => {
      const rows = await page.getByTestId('terminal-row-link').allTextContents();
      return rows.slice(-3).reduce((n, r) => n + Number(r.split(/ +/)[5]), 0);
    })
    .toBe(3);

  await type(page, `kafka-console-consumer.sh ${B} --topic orders --group g1 --max-messages 3`);
  await expect(screen(page).getByText('Processed a total of 3 messages')).toHaveCount(2, { timeout: 30_000 });

  // Grow the topic (CreatePartitions through the controller): describe shows the fourth partition
  // once the controller's records are committed.
  await type(page, `kafka-topics.sh ${B} --alter --topic orders --partitions 4`);
  await expect
    .poll(
      async () => {
        await type(page, `kafka-topics.sh ${B} --describe --topic orders`);
        return (await screen(page).innerText()).includes('PartitionCount: 4');
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  await expect(screen(page)).toContainText('Topic: orders\tPartition: 3\tLeader: ');

  await page.getByTestId('play-pause').click();
  await saved(page);
  const transcript = await screen(page).innerText();
  const clock = await page.getByTestId('virtual-clock').getAttribute('data-ms');

  await page.reload();
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 60_000 });
  await page.getByTestId('terminal-toggle').click();
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', clock!);
  await expect.poll(() => screen(page).innerText()).toBe(transcript);
  await expect(page.getByTestId('cluster-summary')).toContainText('1 topic');
  // The cluster is back too: the group's committed offsets answer the same describe.
  await type(page, `kafka-consumer-groups.sh ${B} --describe --group g1`);
  const rows = await page.getByTestId('terminal-row-link').allTextContents();
  expect(rows.slice(-3).map((r) => r.split(/ +/)[5])).toEqual(['0', '0', '0']);
  // The added partitions came back with the replayed alter command.
  await type(page, `kafka-topics.sh ${B} --describe --topic orders`);
  await expect(screen(page).getByText('PartitionCount: 4')).not.toHaveCount(0);
  // History survived the reload too.
  await page.getByTestId('terminal-input').press('ArrowUp');
  await expect(page.getByTestId('terminal-input')).toHaveValue(
    `kafka-topics.sh ${B} --describe --topic orders`,
  );
});
