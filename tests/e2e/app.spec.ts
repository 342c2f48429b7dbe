import { expect, test, type Locator, type Page } from '@playwright/test';

/** The clock's value in virtual ms, read from its data attribute (the text is formatted). */
async function clockMs(clock: Locator): Promise<number> {
  return Number(await clock.getAttribute('data-ms'));
}

/** Let the page render `count` frames: a wait on the page's own progress, not on the wall clock. */
async function animationFrames(page: Page, count: number): Promise<void> {
  await page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const next = (left: number) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
        next(n);
      }),
    count,
  );
}

/** Pretend the tab was hidden or shown again (headless pages are always visible). */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { value, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

test('a seed-pinned, paused session opens at the pinned time and looks the same every time', async ({
  page,
}) => {
  await page.goto('/?seed=1&at=1000&paused');

  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  const clock = page.getByTestId('virtual-clock');
  await expect(clock).toHaveText('1.000 s');
  await expect(clock).toHaveAttribute('data-ms', '1000');
  await expect(page.getByTestId('seed')).toHaveText('1');
  await expect(page.getByRole('heading', { name: 'StreamLab' })).toBeVisible();
  await expect(page.getByText('an event streaming platform you can watch')).toBeVisible();
  await expect(page.getByTestId('node').first()).toBeVisible();
  await expect(page.locator('[data-node="broker-1"]')).toHaveAttribute('data-alive', 'true');
  await expect(page.getByTestId('storage-notice')).toHaveCount(0);
  await expect(page.getByTestId('play-pause')).toHaveText('Play');

  // The event count is the engine's business (its tests pin the trace); masking it keeps this
  // baseline about the app shell, so engine work does not invalidate it. The save status depends on
  // how far the write-behind got when the picture is taken.
  await expect(page).toHaveScreenshot('first-screen.png', {
    mask: [page.getByTestId('event-count'), page.getByTestId('save-status')],
  });
});

test('time advances while playing and stops when paused', async ({ page }) => {
  await page.goto('/?seed=1&paused');
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  const clock = page.getByTestId('virtual-clock');
  await expect(clock).toHaveAttribute('data-ms', '0');

  const play = page.getByTestId('play-pause');
  await play.click();
  await expect(play).toHaveText('Pause');
  await expect.poll(() => clockMs(clock)).toBeGreaterThan(100);

  await play.click();
  await expect(play).toHaveText('Play');
  // Once paused, any advance already in flight lands and then the clock holds still.
  await expect
    .poll(async () => {
      const before = await clockMs(clock);
      await animationFrames(page, 2);
      return (await clockMs(clock)) - before;
    })
    .toBe(0);
  const stopped = await clockMs(clock);
  await animationFrames(page, 10);
  expect(await clockMs(clock)).toBe(stopped);
});

test('a session without ?paused starts playing on its own', async ({ page }) => {
  await page.goto('/?seed=5');
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  await expect(page.getByTestId('seed')).toHaveText('5');
  await expect.poll(() => clockMs(page.getByTestId('virtual-clock'))).toBeGreaterThan(50);
});

test('hiding the tab pauses the simulation and showing it again resumes', async ({ page }) => {
  await page.goto('/?seed=1');
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  const play = page.getByTestId('play-pause');
  await expect(play).toHaveText('Pause');

  await setVisibility(page, 'hidden');
  await expect(play).toHaveText('Play');
  await setVisibility(page, 'visible');
  await expect(play).toHaveText('Pause');
});

test('the speed control changes how fast virtual time runs', async ({ page }) => {
  await page.goto('/?seed=1&paused');
  await expect(page.getByTestId('engine-status')).toHaveText('Engine ready');
  await page.getByTestId('speed').selectOption('5');
  await expect(page.getByTestId('speed')).toHaveValue('5');
  await page.getByTestId('play-pause').click();
  // At 5× the clock passes 2 s of virtual time in well under the poll's patience.
  await expect.poll(() => clockMs(page.getByTestId('virtual-clock'))).toBeGreaterThan(2000);
});
