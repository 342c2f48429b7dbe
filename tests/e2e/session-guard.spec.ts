import { expect, test } from '@playwright/test';
import { buildScenario, busyScenario, linkTo, ready, saved } from './session-helpers';

/** The sessions the page's open guard has marked (src/ui/open-guard.ts), by id. */
async function marks(page: import('@playwright/test').Page): Promise<Record<string, string>> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('streamlab.openGuard') ?? '{}'));
}

test('a session opened part-way tells its story from the playhead: the earlier crash, not "Nothing yet"', async ({
  page,
}) => {
  // broker-2 crashes early, then 300 sends: far more events after it than the first batch carries.
  const scenario = buildScenario({ seed: 21, brokers: 3 }, ({ run, send }) => {
    run(3000);
    send({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    run(400);
    send({ type: 'broker.crash', broker: 2 });
    send({ type: 'producer.create', producer: 'p1' });
    run(300);
    for (let i = 0; i < 300; i++) {
      send({ type: 'producer.send', producer: 'p1', topic: 'orders', key: `k${i % 11}`, value: `v${i}` });
      if (i % 5 === 4) run(10);
    }
    run(1500);
  });
  await page.goto(await linkTo(scenario));
  await ready(page);
  const narration = page.getByTestId('narration');
  await expect(narration).not.toContainText('Nothing yet');
  await expect(narration).toContainText('Earlier: You crashed broker-2.');
  await expect(narration).toContainText('opened part-way through');
  await saved(page);
  await page.reload();
  await ready(page);
  await expect(narration).toContainText('Earlier: You crashed broker-2.');
  // Back before where the story began: it starts again from the newest events before the
  // playhead (p1 retrying its batch for the crashed broker's partition there), not "Nothing yet".
  await page.getByTestId('scrubber').fill('3900');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '3900');
  await expect(narration).toContainText('before where this story began');
  await expect(narration).toContainText('Earlier: You crashed broker-2.');
  await expect(narration).toContainText(/p1 retries its batch for orders-\d/);
  await expect(narration).not.toContainText('Nothing yet');
});

test('a session that did not finish opening last time is not walked into again, and can be tried again', async ({
  page,
  context,
}) => {
  await page.goto(await linkTo(busyScenario(100)));
  await ready(page);
  await saved(page);
  const clock = await page.getByTestId('virtual-clock').getAttribute('data-ms');
  const [id] = Object.keys(await marks(page));
  expect(id).toBeTruthy();
  await page.close(); // closed cleanly: its mark is gone

  // What a tab that froze while replaying that session leaves behind: its mark still "opening".
  const next = await context.newPage();
  await next.addInitScript((sessionId) => {
    if (sessionStorage.getItem('guard-test')) return;
    sessionStorage.setItem('guard-test', '1');
    localStorage.setItem('streamlab.welcome.v1', 'seen'); // a returning learner: no welcome over the notice
    localStorage.setItem('streamlab.openGuard', JSON.stringify({ [sessionId]: 'opening' }));
  }, id!);
  await next.goto('/');
  await ready(next);
  await expect(next.getByTestId('unclean-exit')).toContainText('did not finish opening');
  // A new session instead: the old one is still marked, the new one is open.
  const now = await marks(next);
  expect(now[id!]).toBe('opening');
  expect(Object.entries(now).filter(([k, v]) => k !== id && v === 'open')).toHaveLength(1);

  await next.getByTestId('open-anyway').click();
  await ready(next);
  await expect(next.getByTestId('virtual-clock')).toHaveAttribute('data-ms', clock!);
  await expect(next.getByTestId('play-pause')).toHaveAttribute('aria-pressed', 'false');
  expect((await marks(next))[id!]).toBe('open');
});
