/**
 * Lessons you can watch (issue 15): every lesson page has the sandbox's time controls; Back puts
 * the cluster where the step began and a prediction can be made again; a reload mid-prediction
 * resumes it (it used to leave Next disabled and crash a second controller on a re-click); the
 * speed survives a reload; Start over asks first; lesson 9's Topic survives a visit to Faults.
 */
import { expect, test, type Page } from '@playwright/test';
import { CATALOG, FURTHER } from '../../src/lessons/catalog';
import { expectStep, next, predict, sendRecords } from './lessons-helpers';

// A shared machine can be slow to boot a cluster: these tests wait on the page, with room.
test.describe.configure({ timeout: 300_000 });
const BOOT = 120_000;

async function openLesson(page: Page, id: string): Promise<void> {
  await page.goto(`/?lesson=${id}`);
  await expect(page.getByTestId('step-title')).toBeVisible({ timeout: BOOT });
  await page.getByTestId('speed').selectOption('5');
}

const LESSONS = [...CATALOG, ...FURTHER].flatMap((e) => (e.kind === 'lesson' ? [e.lesson] : []));

/** Crashed controllers, read from the Faults tab (a crashed node offers Restart). */
async function crashedControllers(page: Page): Promise<number> {
  await page.getByTestId('tab-faults').click();
  return page.locator('[data-testid^="restart-controller-"]').count();
}

test('every lesson page has the time controls, and Space, the arrows and ? work there', async ({ page }) => {
  test.setTimeout(900_000);
  for (const lesson of LESSONS) {
    await page.goto(`/?lesson=${lesson.id}`);
    await expect(page.getByTestId('step-title')).toBeVisible({ timeout: BOOT });
    for (const id of ['play-pause', 'speed', 'step-back', 'step-forward', 'step-to', 'scrubber'])
      await expect(page.getByTestId(id), `${lesson.id}: ${id}`).toBeVisible();
    const play = page.getByTestId('play-pause');
    const before = await play.getAttribute('aria-pressed');
    await page.locator('body').press('Space');
    await expect(play).not.toHaveAttribute('aria-pressed', before ?? '');
    // Back one event (the arrow key): the lesson is now in its recorded past.
    await page.locator('body').press('ArrowLeft');
    await expect(page.getByTestId('in-past')).toBeVisible();
    await page.locator('body').press('?');
    await expect(page.getByTestId('keyboard-help')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('keyboard-help')).toHaveCount(0);
  }
});

test('lesson 4: Back puts the cluster where the step began, and the prediction can be made again', async ({
  page,
}) => {
  await openLesson(page, '04-cluster');
  await next(page);
  await expectStep(page, 2, 5, 'Crash the active controller');
  await predict(page, 'stuck');
  await next(page);
  await expectStep(page, 3, 5, 'Bring it back');
  expect(await crashedControllers(page)).toBe(1);

  await page.getByTestId('lesson-back').click();
  await expectStep(page, 2, 5, 'Crash the active controller');
  // The cluster as it was when the step began: every controller up, the old verdict still shown.
  await expect(page.getByTestId('in-past')).toBeVisible();
  await expect.poll(() => crashedControllers(page)).toBe(0);
  await expect(page.getByTestId('reveal')).toBeVisible();

  await page.getByTestId('lesson-retry').click();
  await expect(page.getByTestId('choice-elect')).toBeEnabled();
  await expect(page.getByTestId('reveal')).toHaveCount(0);
  await page.getByTestId('play-pause').click();
  const reveal = await predict(page, 'elect');
  await expect(page.getByTestId('reveal-verdict')).toHaveText('Your prediction was right.');
  await expect(reveal).toContainText(/won epoch \d+/);
  expect(await crashedControllers(page)).toBe(1);
  await next(page);
  await expectStep(page, 3, 5, 'Bring it back');
});

test('lesson 4: a reload mid-prediction resumes it (Next unlocks, no second controller crashes)', async ({
  page,
}) => {
  await openLesson(page, '04-cluster');
  await next(page);
  // A speed of the learner's own: it is saved, and it used to leave the reloaded cluster paused.
  await page.getByTestId('speed').selectOption('0.5');
  await page.getByTestId('choice-elect').click();
  await expect(page.getByTestId('lesson-waiting')).toBeVisible();
  // The learner reloads while the answer is being played out (the crash has happened).
  await expect.poll(() => crashedControllers(page), { timeout: BOOT }).toBe(1);
  await page.reload();
  await expect(page.getByTestId('step-title')).toBeVisible({ timeout: BOOT });
  await expectStep(page, 2, 5, 'Crash the active controller');
  await expect(page.getByTestId('speed')).toHaveValue('0.5');
  await expect(page.getByTestId('choice-elect')).toBeDisabled();
  await expect(page.getByTestId('choice-elect')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('lesson-next')).toBeEnabled({ timeout: BOOT });
  await expect(page.getByTestId('reveal')).toContainText(/leads|won epoch/);
  expect(await crashedControllers(page)).toBe(1);
});

test('lesson 4: the election plays in slow motion, and Replay this moment plays it again', async ({
  page,
}) => {
  await openLesson(page, '04-cluster');
  await next(page);
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('choice-elect').click();
  const mode = page.getByTestId('pace-mode');
  // The step names the controller election: when it happens, playback slows down around it.
  await expect(mode).toHaveAttribute('data-mode', 'slow', { timeout: BOOT });
  await expect(mode).toContainText(/Slow motion: controller-\d won the controller election \(epoch \d+\)/);
  await expect(page.getByTestId('speed')).toHaveValue('1'); // the learner's speed is left alone
  await expect(mode).toHaveAttribute('data-mode', 'normal', { timeout: BOOT });
  await page.getByTestId('replay-moment').click();
  await expect(page.getByTestId('in-past')).toBeVisible();
  await expect(mode).toHaveAttribute('data-mode', 'slow');
});

test('the sandbox steps to the next ISR change, and says so plainly when none comes', async ({ page }) => {
  await page.goto('/?seed=3&paused');
  await expect(page.getByTestId('step-forward')).toBeEnabled({ timeout: BOOT });
  await page.getByTestId('step-to').selectOption('moment:isr-change');
  await page.getByTestId('step-forward').click();
  await expect(page.getByTestId('session-notice')).toContainText(
    /Nothing found: no ISR change in the next 10 minutes of virtual time/,
    { timeout: BOOT },
  );
});

test('Start over asks first', async ({ page }) => {
  await openLesson(page, '05-topics');
  await page.getByTestId('lesson-action-send3').click();
  await next(page);
  await page.getByTestId('lesson-start-over').click();
  await page.getByTestId('lesson-start-over-no').click();
  await expect(page.getByTestId('step-progress')).toHaveText('Step 2 of 7');
  await page.getByTestId('lesson-start-over').click();
  await page.getByTestId('lesson-start-over-yes').click();
  await expect(page.getByTestId('step-progress')).toHaveText('Step 1 of 7', { timeout: BOOT });
});

test('lesson 9: the Topic chosen survives a visit to Faults, and reads whole', async ({ page }) => {
  await openLesson(page, '09-acks');
  // The lesson opens Produce in its challenge: walk there through the steps' tools.
  const steps = (await import('../../src/lessons/content/09-acks')).acksLesson.steps;
  const at = steps.findIndex(
    (s) => (s.tools ?? []).includes('produce') && (s.tools ?? []).includes('faults'),
  );
  expect(at, 'a step of lesson 9 offers both Produce and Faults').toBeGreaterThanOrEqual(0);
  for (let i = 0; i < at; i++) {
    const step = steps[i]!;
    for (const a of step.actions ?? []) await page.getByTestId(`lesson-action-${a.id}`).click();
    if (step.kind === 'predict') await predict(page, step.choices[0]!.id);
    await next(page);
  }
  await sendRecords(page, { topic: 'acks-all', value: 'x' });
  await page.getByTestId('tab-faults').click();
  await page.getByTestId('tab-produce').click();
  await expect(page.getByTestId('send-topic')).toHaveValue('acks-all');
  // The select is wide enough for its longest topic name.
  const fits = await page.getByTestId('send-topic').evaluate((el) => {
    const select = el as HTMLSelectElement;
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = getComputedStyle(select).font;
    const widest = Math.max(...[...select.options].map((o) => ctx.measureText(o.text).width));
    return widest + 24 <= select.clientWidth; // padding and the arrow
  });
  expect(fits).toBe(true);
});
