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
  steady,
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
  await expect(page.locator('[data-node="consumer:c2"]')).toHaveAttribute('aria-label', /stable/);
  await expect(page.getByTestId('narration')).toContainText('Group g1 rebalanced: generation');
  await expect(page).toHaveScreenshot('group-rebalanced.png', { mask: await steady(page) });
});

test('a cooperative rebalance, step by step: revoked after the first sync, assigned in a second', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await clusterWithTopic(page);
  const cooperative = async () => {
    await page.getByTestId('tab-consume').click();
    await page.locator('[data-testid="consumer-form"] summary').click();
    await page.getByTestId('consumer-strategy').selectOption('cooperative-sticky');
    await page.locator('[data-testid="consumer-form"] summary').click();
    await createConsumer(page);
  };
  await cooperative();
  const group = page.locator('[data-testid="group"][data-group="g1"]');
  const rebalance = group.getByTestId('rebalance');
  // The first rebalance goes through its phases as the engine reports them.
  await forwardUntil(page, async () => (await rebalance.count()) > 0);
  await expect(rebalance.locator('[data-phase="join"]')).toHaveAttribute('data-state', /current|done/);
  await forwardUntil(page, async () => (await rebalance.getAttribute('data-phase')) === 'stable');
  await expect(rebalance.locator('[data-testid="rebalance-member"][data-client="c1"]')).toContainText(
    '+orders-0, orders-1, orders-2',
  );

  await cooperative();
  // The pair of rebalances a new member causes under cooperative-sticky: round 2 hands c2 what c1
  // revoked at the end of round 1.
  await forwardUntil(
    page,
    async () =>
      (await rebalance.getAttribute('data-round')) === '2' &&
      (await rebalance.getAttribute('data-phase')) === 'stable',
  );
  const added = rebalance.locator(
    '[data-testid="rebalance-member"][data-client="c2"] [data-testid="member-added"]',
  );
  await expect(added).toHaveText(/^\+orders-\d$/);
  const moved = (await added.textContent())!.slice(1);
  // A tall window, so that the whole card fits in the tools panel for the picture.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await rebalance.scrollIntoViewIfNeeded();
  await expect(rebalance).toHaveScreenshot('cooperative-round-2.png');
  // Round 1 is one click back: c1 kept two partitions and revoked the third after the sync.
  await rebalance.getByRole('button', { name: 'Earlier rebalance' }).click();
  await expect(group.getByTestId('rebalance-cooperative')).toBeVisible();
  const revoked = rebalance.locator(
    '[data-testid="rebalance-member"][data-client="c1"] [data-testid="member-revoked"]',
  );
  await expect(revoked).toHaveText(`−${moved}`);
  await rebalance.scrollIntoViewIfNeeded();
  await expect(rebalance).toHaveScreenshot('cooperative-round-1.png');
});
