/**
 * Helpers for the visualizer's end-to-end tests. Sessions are seed-pinned and paused; time moves
 * only when a test moves it (Shift+→ seeks one second of virtual time), and every wait is on the
 * page's own state (the clock's data-ms, a data attribute), never on the wall clock.
 */
import { expect, type Page } from '@playwright/test';

/** Open a paused session of seed 1 at `atMs` (the cluster is ready by 2.1 s). */
export async function openPaused(page: Page, atMs = 3000, seed = 1): Promise<void> {
  await page.goto(`/?seed=${seed}&at=${atMs}&paused`);
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', String(atMs));
}

export async function clockMs(page: Page): Promise<number> {
  return Number(await page.getByTestId('virtual-clock').getAttribute('data-ms'));
}

/** Move virtual time forward by whole seconds with the keyboard, and wait until it got there. */
export async function forwardSeconds(page: Page, seconds: number): Promise<void> {
  const target = (await clockMs(page)) + seconds * 1000;
  // Keys go to the page, not to whichever field or select was used last.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < seconds; i++) await page.keyboard.press('Shift+ArrowRight');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', String(target), {
    timeout: 20_000,
  });
}

/** Create a topic through the Setup form (the controller commits it once time moves). */
export async function createTopic(
  page: Page,
  topic = 'orders',
  fields: { partitions?: string; replicationFactor?: string; minIsr?: string } = {},
): Promise<void> {
  await page.getByTestId('tab-setup').click();
  await page.getByTestId('topic-topic').fill(topic);
  if (fields.partitions) await page.getByTestId('topic-partitions').fill(fields.partitions);
  if (fields.replicationFactor)
    await page.getByTestId('topic-replicationFactor').fill(fields.replicationFactor);
  if (fields.minIsr) await page.getByTestId('topic-minIsr').fill(fields.minIsr);
  await page.getByTestId('topic-create').click();
}

/** A topic `orders` (3 partitions, RF 3, min ISR 2) committed and visible, at 4.000 s. */
export async function clusterWithTopic(page: Page): Promise<void> {
  await openPaused(page);
  await createTopic(page);
  await forwardSeconds(page, 1);
  await expect(page.getByTestId('replica')).toHaveCount(9);
}

export async function createProducer(page: Page, acks: 'all' | '1' | '0' = 'all'): Promise<void> {
  await page.getByTestId('tab-produce').click();
  await page.getByTestId('producer-acks').selectOption(acks);
  await page.getByTestId('producer-create').click();
  await expect(page.getByTestId('send')).toBeEnabled();
}

export async function send(page: Page, value: string, count = '1', key = 'user-1'): Promise<void> {
  await page.getByTestId('send-key').fill(key);
  await page.getByTestId('send-value').fill(value);
  await page.getByTestId('send-count').selectOption(count);
  await page.getByTestId('send').click();
  await expect(page.getByTestId('send')).toBeEnabled();
}

/** The broker leading a partition, read from the diagram. */
export async function leaderOf(page: Page, partition: string): Promise<number> {
  const slot = page.locator(`[data-testid="replica"][data-role="leader"][data-replica^="${partition}@"]`);
  await expect(slot).toHaveCount(1);
  const id = await slot.getAttribute('data-replica');
  return Number(id!.split('@')[1]);
}

/** Parts of the page that change for reasons outside the visualizer (save timing, trace size). */
export function volatile(page: Page) {
  return [page.getByTestId('event-count'), page.getByTestId('save-status')];
}

/**
 * The mask for a screenshot, once the session is saved: the save status is masked, but its width
 * ("Saving…" or "Saved in this browser") moves the header's badge beside it, so a screenshot taken
 * mid-save differed from the baseline by the badge alone.
 */
export async function steady(page: Page) {
  await expect(page.getByTestId('save-status')).toHaveText('Saved in this browser');
  return volatile(page);
}

/** Step one second at a time until `done()` holds (at most `maxSeconds`): waits on the model, not the clock. */
export async function forwardUntil(page: Page, done: () => Promise<boolean>, maxSeconds = 30): Promise<void> {
  for (let i = 0; i < maxSeconds && !(await done()); i++) await forwardSeconds(page, 1);
  expect(await done()).toBe(true);
}

export async function createConsumer(page: Page, groupId = 'g1', topic = 'orders'): Promise<void> {
  await page.getByTestId('tab-consume').click();
  await page.getByTestId('consumer-group').fill(groupId);
  await page.getByTestId('consumer-topic').selectOption(topic);
  await page.getByTestId('consumer-create').click();
  await expect(page.getByTestId('consumer-error')).toHaveCount(0);
}
