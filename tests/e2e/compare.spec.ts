/**
 * Same-seed comparisons in the app: acks=1 against acks=all through a leader crash, both real
 * engine runs from seed 11 (in the comparison worker), side by side. The lost records are marked on
 * the acks=1 side only; the first divergence is marked on both.
 */
import { expect, test } from '@playwright/test';

const SHOTS = '/tmp/checker-shots';

test('the acks=1 comparison: the lost records marked on one side only', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/?seed=1&paused');
  // The comparisons open from the Guarantees view.
  await page.getByTestId('view-guarantees').click();
  await page.getByTestId('compare-open').click();
  const view = page.getByTestId('compare-view');
  await expect(view.getByTestId('verdicts')).toContainText(
    'acks=1: 3 acknowledged writes lost (allowed) · acks=all: none lost',
    { timeout: 30_000 },
  );
  const acks1 = view.getByTestId('compare-side-0');
  const acksAll = view.getByTestId('compare-side-1');
  await expect(acks1.getByTestId('compare-finding-mark')).toHaveCount(3);
  await expect(acksAll.getByTestId('compare-finding-mark')).toHaveCount(0);
  await expect(acks1.getByTestId('grid-cell-lost')).toHaveCount(3);
  await expect(acksAll.getByTestId('grid-cell-lost')).toHaveCount(0);
  await expect(acks1.getByTestId('divergence-mark')).toHaveCount(1);
  await expect(acksAll.getByTestId('divergence-mark')).toHaveCount(1);
  // acks=1's leader answers p1 before its followers have the record; acks=all's answers later.
  await expect(view.getByTestId('divergence')).toContainText(
    /acks=1: [\d.]+ s: broker-\d sends ProduceResponse to producer:p1 — in the acks=all run at [\d.]+ s\./,
  );
  await page.screenshot({ path: `${SHOTS}/compare-acks-1280.png`, fullPage: true });

  // A finding's step puts a cursor on that side's diagram.
  await acks1.getByTestId('finding').first().click();
  await acks1.getByTestId('finding-step').first().click();
  await expect(acks1.getByTestId('compare-cursor')).toHaveCount(1);
  await expect(acksAll.getByTestId('compare-cursor')).toHaveCount(0);

  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: `${SHOTS}/compare-acks-1024.png`, fullPage: true });
  await view.getByTestId('comparison-choice').nth(1).click();
  await expect(view.getByTestId('verdicts')).toContainText('Partitions taken from their readers', {
    timeout: 30_000,
  });
  await page.screenshot({ path: `${SHOTS}/compare-rebalance-1024.png`, fullPage: true });
});
