/**
 * Consumers and groups (issue 7 item 4): add a consumer, the group becomes Stable with the
 * assignment on screen; add a second one, the group rebalances and the assignment changes.
 */
import { expect, test } from '@playwright/test';
import {
  clusterWithTopic,
  createConsumer,
  createProducer,
  forwardUntil,
  send,
  volatile,
} from './cluster-helpers';

test('add a consumer: the group rebalances and the assignment changes on screen', async ({ page }) => {
  test.setTimeout(60_000);
  await clusterWithTopic(page);
  await createProducer(page, 'all');
  await send(page, 'order', '100', '');
  await createConsumer(page);
  const group = page.locator('[data-testid="group"][data-group="g1"]');
  // Read without waiting: the group appears only once its coordinator has it.
  const state = async () => ((await group.count()) > 0 ? await group.getAttribute('data-state') : null);
  await forwardUntil(page, async () => (await state()) === 'Stable');
  const c1 = group.locator('[data-testid="member"][data-client="c1"]');
  await expect(c1.getByTestId('member-assignment')).toHaveText('orders-0, orders-1, orders-2');
  const generation = Number(await group.getAttribute('data-generation'));
  // The committed offsets catch up with the records: the lag falls to 0.
  await forwardUntil(page, async () => (await page.getByTestId('lag-now').textContent()) === '0');

  await createConsumer(page);
  await forwardUntil(
    page,
    async () =>
      (await state()) === 'Stable' && Number(await group.getAttribute('data-generation')) > generation,
  );
  const c2 = group.locator('[data-testid="member"][data-client="c2"]');
  await expect(c2).toBeVisible();
  // The range assignor splits three partitions 2 + 1 between the two members.
  await expect(c1.getByTestId('member-assignment')).toHaveText('orders-0, orders-1');
  await expect(c2.getByTestId('member-assignment')).toHaveText('orders-2');
  await expect(page.locator('[data-node="consumer:c2"]')).toContainText('stable');
  await expect(page.getByTestId('narration')).toContainText('Group g1 rebalanced: generation');
  await expect(page).toHaveScreenshot('group-rebalanced.png', { mask: volatile(page) });
});
