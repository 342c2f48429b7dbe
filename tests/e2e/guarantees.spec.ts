/**
 * The guarantee checker in the app: the acks=1 leader crash (a real engine run, opened from a
 * scenario link) shows its lost records ✕ on the offset grid, and clicking a finding or one of its
 * steps moves the playhead there.
 */
import { expect, test, type Page } from '@playwright/test';
import { leaderCrashOptions, leaderCrashScenario } from '../../src/engine/testing/checker-scenarios';
import { SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from '../../src/bridge/scenario';
import { linkTo } from './session-helpers';

const SHOTS = '/tmp/checker-shots';

function acks1Scenario(): Scenario {
  const sim = leaderCrashScenario({ acks: 1 });
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    options: leaderCrashOptions({ acks: 1 }),
    commands: sim.commandLog(),
    atMs: sim.now(),
    endMs: sim.now(),
  };
}

/** Opening a 35-second scenario replays it first: slow on a loaded machine. */
async function open(page: Page, scenario: Scenario): Promise<void> {
  test.setTimeout(150_000);
  await page.goto((await linkTo(scenario)).replace('/#', '/?paused#'));
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready', { timeout: 90_000 });
}

async function clock(page: Page): Promise<number> {
  return Number(await page.getByTestId('virtual-clock').getAttribute('data-ms'));
}

test('the acks=1 leader crash: lost records marked ✕, and a finding moves the playhead', async ({ page }) => {
  const scenario = acks1Scenario();
  await open(page, scenario);
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', String(scenario.atMs));
  await page.getByTestId('view-guarantees').click();
  const view = page.getByTestId('guarantees-view');
  await expect(view.getByTestId('finding')).toHaveCount(3);
  await expect(view.getByTestId('finding').first()).toContainText('Lost acknowledged write');
  await expect(view.getByTestId('finding').first()).toContainText('Allowed');
  await expect(view.getByTestId('grid-cell-lost')).toHaveCount(3);
  await expect(page.getByTestId('violation-count')).toHaveText('0 violations, 3 allowed');
  await page.screenshot({ path: `${SHOTS}/guarantees-1280.png` });

  // Click the first finding: the playhead goes to where the checker knew (the overwrite).
  await view.getByTestId('finding').first().click();
  await expect(view.getByText(/p1 was told offset 3 of orders-0/)).toBeVisible();
  await expect.poll(() => clock(page)).toBeLessThan(scenario.atMs);
  const at = await clock(page);
  await expect(view.getByTestId('finding')).toHaveCount(3); // at the moment of the loss, it is known
  // Its first step, the append by the old leader: the playhead goes back before the loss.
  await view.getByTestId('finding-step').first().click();
  await expect.poll(() => clock(page)).toBeLessThan(at);
  await expect(view.getByTestId('finding')).toHaveCount(0);
  await expect(view.getByTestId('finding-later')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/guarantees-step-1280.png` });

  await page.setViewportSize({ width: 1024, height: 768 });
  await view.getByTestId('finding-later').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/guarantees-1024.png` });
});

test('the Metrics tab names Kafka metrics with their last change and its cause', async ({ page }) => {
  const scenario = acks1Scenario();
  await open(page, scenario);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const metrics = page.getByTestId('metrics');
  await expect(metrics).toContainText('UnderReplicatedPartitions');
  await expect(metrics).toContainText('ActiveControllerCount');
  await expect(metrics).toContainText('records-lag-max');
  await expect(metrics).toContainText('record-retry-rate');
  await page.screenshot({ path: `${SHOTS}/metrics-1280.png` });
});
