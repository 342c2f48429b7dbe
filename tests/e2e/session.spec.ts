import { expect, test, type Page } from '@playwright/test';
import type { TimedCommand } from '../../src/engine';
import { Timeline } from '../../src/worker/timeline';
import { busyScenario, linkTo, ready, saved, storedSession, viewOf } from './session-helpers';

/** Let the page render a few frames: a wait on the page's own progress, not on the wall clock. */
async function frames(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const next = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
        next(n);
      }),
    count,
  );
}

test('reload restores the same session: snapshot, trace and place in time', async ({ page }) => {
  await page.goto(await linkTo(busyScenario(200, 4200)));
  await ready(page);
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '4200');
  // Go somewhere no URL names: back two event groups, inside a millisecond.
  await page.getByTestId('step-back').click();
  await expect(page.getByTestId('virtual-clock')).not.toHaveAttribute('data-ms', '4200');
  const once = await viewOf(page);
  await page.getByTestId('step-back').click();
  await expect.poll(async () => (await viewOf(page)).events).not.toBe(once.events);
  await expect(page.getByTestId('in-past')).toBeVisible();
  await saved(page);
  const before = await viewOf(page);
  expect(before.replicas.length).toBeGreaterThan(0);

  await page.reload();
  await ready(page);
  expect(await viewOf(page)).toEqual(before);
  await expect(page.getByTestId('in-past')).toBeVisible(); // the recorded future came back too
});

test('a shared link opens the same session in a fresh browser context', async ({ page, browser }) => {
  await page.goto('/?seed=8&at=2500&paused');
  await ready(page);
  await page.getByTestId('step-to').selectOption('broker.unfenced');
  await page.getByTestId('step-forward').click();
  // The search runs in frame-sized slices: first the clock moves, then the button says it is done.
  await expect(page.getByTestId('virtual-clock')).not.toHaveAttribute('data-ms', '2500');
  await expect(page.getByTestId('step-forward')).toHaveText('Step');
  const found = await viewOf(page);
  await page.getByTestId('step-back').click();
  await expect.poll(async () => (await viewOf(page)).events).not.toBe(found.events);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/#scenario=z1\.[A-Za-z0-9_-]+$/);
  const shared = await viewOf(page);

  const elsewhere = await browser.newContext(); // no storage, no tab memory: a stranger's browser
  const other = await elsewhere.newPage();
  await other.goto(link);
  await ready(other);
  expect(await viewOf(other)).toEqual(shared);
  await elsewhere.close();
});

test('a malformed link shows a clear error and the app still runs', async ({ page }) => {
  await page.goto('/?seed=1&at=1000&paused#scenario=z1.bm90LWEtc2NlbmFyaW8');
  await ready(page);
  await expect(page.getByTestId('import-problem')).toContainText('This link’s scenario is damaged');
  await expect(page.getByTestId('import-problem')).toContainText('Nothing was changed.');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '1000');
});

test('a malformed or oversized file shows a clear error and changes nothing', async ({ page }) => {
  await page.goto('/?seed=4&at=1500&paused');
  await ready(page);
  const before = await viewOf(page);
  const input = page.getByTestId('file-input');

  await input.setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format": "stream'),
  });
  await expect(page.getByTestId('import-problem')).toContainText('This file is not valid JSON');

  const wrong = {
    format: 'streamlab.scenario',
    version: 1,
    options: { seed: 1, brokers: 99 },
    commands: [],
    atMs: 0,
    endMs: 0,
  };
  await input.setInputFiles({
    name: 'wrong.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(wrong)),
  });
  await expect(page.getByTestId('import-problem')).toContainText('options.brokers: must be 1 to 9');

  const script = {
    ...wrong,
    options: { seed: 1, brokers: 3 },
    commands: [{ atMs: 0, processed: 0, command: { type: '<script>alert(1)</script>' } }],
  };
  await input.setInputFiles({
    name: 'x.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(script)),
  });
  // Refused by the engine, shown as text: the markup appears literally and nothing ran.
  await expect(page.getByTestId('import-problem')).toContainText('<script>alert(1)</script>');
  await expect(page.locator('main script')).toHaveCount(0);

  await input.setInputFiles({
    name: 'big.json',
    mimeType: 'application/json',
    buffer: Buffer.alloc(1_200_000, 32),
  });
  await expect(page.getByTestId('import-problem')).toContainText('This file is too large');

  expect(await viewOf(page)).toEqual(before);
});

test('a good file replaces the session, and the page reloads into it', async ({ page }) => {
  await page.goto('/?seed=4&at=1500&paused');
  await ready(page);
  const scenario = busyScenario(40, 3900);
  await page.getByTestId('file-input').setInputFiles({
    name: 'busy.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '3900');
  await expect(page.getByTestId('import-problem')).toHaveCount(0);
  await saved(page);
  const loaded = await viewOf(page);
  await page.reload();
  await ready(page);
  expect(await viewOf(page)).toEqual(loaded);
});

test('closing the page in the middle of heavy writes reopens to a consistent session', async ({
  page,
  context,
}) => {
  // Open a produce-heavy session at its start and let it play fast: logs are written constantly.
  await page.goto(await linkTo(busyScenario(1200, 3000)));
  await ready(page);
  await page.getByTestId('speed').selectOption('5');
  await page.getByTestId('play-pause').click();
  await expect
    .poll(async () => Number(await page.getByTestId('virtual-clock').getAttribute('data-ms')))
    .toBeGreaterThan(5000);
  await expect(page.getByTestId('save-status')).toHaveText('Saving…');
  await page.close({ runBeforeUnload: false });

  // Reopen: a plain visit resumes the most recent session, once the closed tab has let go of it.
  const again = await context.newPage();
  await again.goto('/favicon.svg');
  await expect
    .poll(() => again.evaluate(async () => ((await navigator.locks.query()).held ?? []).length))
    .toBe(0);
  await again.goto('/');
  await ready(again);
  await saved(again);
  const stored = await storedSession(again);
  expect(stored.session.commandCount).toBeGreaterThan(1000);

  // Whatever survived must be a consistent prefix: the commands without a gap, a position they
  // reach, and log segments equal to what replaying them gives, replica by replica.
  expect(stored.commands.map((c) => c.index)).toEqual(stored.commands.map((_, i) => i));
  const timeline = new Timeline(
    { seed: 21, brokers: 3 },
    {
      commands: stored.commands.map((c) => c.entry as TimedCommand),
      endMs: stored.session.endMs ?? 0,
    },
  );
  timeline.seekPosition(stored.session.position!);
  await expect(again.getByTestId('virtual-clock')).toHaveAttribute('data-ms', String(timeline.nowMs()));
  const byLog = new Map<string, (string | null)[]>();
  for (const s of stored.segments) {
    byLog.set(s.log, [
      ...(byLog.get(s.log) ?? []),
      ...s.batches.flatMap((b) => b.records.map((r) => r.value)),
    ]);
  }
  expect(byLog.size).toBe(9); // 3 partitions × 3 replicas
  for (const [log, values] of byLog) {
    const [, broker, partition] = /^broker-(\d+)\/orders-(\d+)$/.exec(log)!;
    const live = timeline.sim.readLog(Number(broker), 'orders', Number(partition)).map((r) => r.value);
    expect(values, log).toEqual(live);
  }
});

test('quota exhaustion falls back to memory with a notice, and the session keeps running', async ({
  page,
}) => {
  // IndexedDB runs in the engine's worker, so the stub goes into every worker this page starts:
  // writes of log segments fail the way a full disk makes them fail.
  await page.addInitScript(() => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(url: string | URL, options?: WorkerOptions) {
        const target = new URL(url, location.href).href;
        // Messages that arrive while the real worker module loads are held and replayed to it.
        const stub = `
          const put = IDBObjectStore.prototype.put;
          IDBObjectStore.prototype.put = function (...args) {
            if (this.name === 'segments') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            return put.apply(this, args);
          };
          const early = [];
          const hold = (event) => early.push(event.data);
          self.addEventListener('message', hold);
          await import(${JSON.stringify(target)});
          self.removeEventListener('message', hold);
          for (const data of early) self.dispatchEvent(new MessageEvent('message', { data }));`;
        super(URL.createObjectURL(new Blob([stub], { type: 'text/javascript' })), options);
      }
    } as typeof Worker;
  });
  await page.goto(await linkTo(busyScenario(100, 3000)));
  await ready(page);
  await page.getByTestId('play-pause').click();
  await expect(page.getByTestId('storage-notice')).toContainText('kept in memory only');
  await expect(page.getByTestId('storage-notice')).toContainText('storage quota is used up');
  await expect(page.getByTestId('save-status')).toHaveText('Memory only');
  const clock = page.getByTestId('virtual-clock');
  const at = Number(await clock.getAttribute('data-ms'));
  await expect.poll(async () => Number(await clock.getAttribute('data-ms'))).toBeGreaterThan(at + 100);
  await frames(page, 2);
  await expect(page.getByTestId('engine-problem')).toHaveCount(0);
});

test('stepping and scrubbing move through time, and stepping past the end extends the timeline', async ({
  page,
}) => {
  const scenario = busyScenario(60, 4000);
  await page.goto(await linkTo(scenario));
  await ready(page);
  const clock = page.getByTestId('virtual-clock');
  const end = page.getByTestId('timeline-end');
  await expect(end).toHaveText(seconds(scenario.endMs));
  // The broker crash in the scenario leads to a leader change: step to it, past the recorded end.
  await page.getByTestId('step-to').selectOption('partition.changed');
  await page.getByTestId('step-forward').click();
  await expect.poll(async () => Number(await clock.getAttribute('data-ms'))).toBeGreaterThan(scenario.endMs);
  await expect(page.getByTestId('step-forward')).toHaveText('Step');
  const changedAt = Number(await clock.getAttribute('data-ms'));
  await expect(end).toHaveText(seconds(changedAt));
  await expect(page.getByTestId('in-past')).toHaveCount(0);

  await page.getByTestId('scrubber').fill('0');
  await expect(clock).toHaveAttribute('data-ms', '0');
  await expect(page.getByTestId('in-past')).toBeVisible();
  await page.getByTestId('scrubber').fill(String(changedAt));
  await expect(clock).toHaveAttribute('data-ms', String(changedAt));
  await expect(page.getByTestId('in-past')).toHaveCount(0);
  const events = await page.getByTestId('event-count').textContent();
  await page.getByTestId('step-back').click();
  // Back by one event group: here still inside the same millisecond, yet in the past.
  await expect(page.getByTestId('in-past')).toBeVisible();
  await expect(page.getByTestId('event-count')).not.toHaveText(events!);
});

/** The clock's text for `ms` under a minute. */
function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} s`;
}

test('two tabs on the same session: the second works on a copy, and the first reloads intact', async ({
  page,
  context,
}) => {
  test.setTimeout(60_000);
  await page.goto(await linkTo(busyScenario(120, 4000)));
  await ready(page);
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '4000');
  await saved(page);
  const first = await storedSession(page);
  const before = await viewOf(page);

  // A duplicated tab: same database, same tab memory (sessionStorage is copied), same URL.
  const tabMemory = await page.evaluate(() => sessionStorage.getItem('streamlab.session'));
  const second = await context.newPage();
  await second.addInitScript((memory) => {
    if (memory && !sessionStorage.getItem('streamlab.session'))
      sessionStorage.setItem('streamlab.session', memory);
  }, tabMemory);
  await second.goto(page.url());
  await ready(second);
  await expect(second.getByTestId('session-notice')).toContainText('open in another tab');
  expect(await viewOf(second)).toEqual(before); // a copy, at the same place
  const copy = await storedSession(second);
  expect(copy.id).not.toBe(first.id);

  // Both tabs act on their own session at the same time.
  await second.getByTestId('tab-faults').click();
  await second.getByTestId('crash-broker-1').click();
  await second.getByTestId('scrubber').fill('5000');
  await saved(second);
  await page.getByTestId('step-back').click();
  await expect.poll(async () => (await viewOf(page)).events).not.toBe(before.events);
  await saved(page);
  const moved = await viewOf(page);

  // Neither wrote into the other: the first tab's commands are its own, the crash is only in the copy.
  const firstNow = await storedSession(page);
  expect(firstNow.commands).toEqual(first.commands);
  const copyNow = await storedSession(second);
  expect(copyNow.commands.length).toBe(first.commands.length + 1);
  expect(copyNow.commands.at(-1)?.entry.command).toEqual({ type: 'broker.crash', broker: 1 });

  // The first tab's session reloads exactly where it was.
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('session-notice')).toHaveCount(0);
  expect(await viewOf(page)).toEqual(moved);
  expect((await storedSession(page)).id).toBe(first.id);
});

test('a long session stores a keyframe at rest and reloads from it to the same place', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(await linkTo(busyScenario(1500)));
  await ready(page);
  await saved(page);
  const keyframes = () =>
    page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('streamlab');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const count = await new Promise<number>((resolve, reject) => {
        const request = db.transaction('keyframes').objectStore('keyframes').count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return count;
    });
  await expect.poll(keyframes).toBeGreaterThan(0);
  const before = await viewOf(page);
  await page.reload();
  await ready(page);
  expect(await viewOf(page)).toEqual(before);
  // The resumed session travels back like any other (its past is filled in first).
  await page.getByTestId('scrubber').fill('3500');
  await expect(page.getByTestId('virtual-clock')).toHaveAttribute('data-ms', '3500');
});
