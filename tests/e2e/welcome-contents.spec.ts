/**
 * The first visit and the table of contents (issue 16 items 4 and 5): a first visit to the bare
 * address opens the welcome, which offers lesson 1 or the sandbox and is not shown again; `?lessons`
 * counts the course's real lessons, shows saved progress per lesson and leads back to the app.
 * Short: no lesson is played, progress is written the way the lesson runner saves it.
 */
import { expect, test } from '@playwright/test';
import { CATALOG, FURTHER, STREAM_PROCESSING } from '../../src/lessons/catalog';
import { PROGRESS_KEY } from '../../src/lessons/progress';

const LESSONS = [...CATALOG, ...FURTHER, ...STREAM_PROCESSING].filter((e) => e.kind === 'lesson');

test.setTimeout(120_000);

test('a first visit is welcomed once; the contents count the lessons, show progress and lead back', async ({
  page,
}) => {
  await page.goto('/');
  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(page.getByTestId('welcome-lesson')).toHaveAttribute('href', /lesson=01-/);
  await page.getByTestId('welcome-sandbox').click();
  await expect(welcome).toBeHidden();
  // Remembered, so later visits go straight to the app (shouldWelcome reads this key: unit-tested).
  expect(await page.evaluate(() => localStorage.getItem('streamlab.welcome.v1'))).toBe('seen');

  // Saved progress, as the lesson runner writes it: lesson 1 completed, lesson 2 at its third step.
  const second = LESSONS[1]!;
  const secondId = second.kind === 'lesson' ? second.lesson.id : '';
  const secondSteps = second.kind === 'lesson' ? second.lesson.steps.length : 0;
  const firstId = LESSONS[0]!.kind === 'lesson' ? LESSONS[0]!.lesson.id : '';
  await page.evaluate(
    ({ key, firstId, secondId }) =>
      localStorage.setItem(
        key,
        JSON.stringify({
          current: secondId,
          completed: [firstId],
          lessons: {
            [secondId]: { index: 2, done: [0, 1], answers: {}, reveals: {}, pressed: [], finished: false },
          },
          sessions: {},
        }),
      ),
    { key: PROGRESS_KEY, firstId, secondId },
  );
  await page.goto('/?lessons');
  await expect(page.getByTestId('toc-count')).toContainText(`${LESSONS.length} lessons and a sandbox`);
  await expect(page.getByTestId('toc-count')).toContainText('1 completed');
  await expect(page.getByTestId(`toc-${firstId}`)).toContainText('completed');
  await expect(page.getByTestId(`toc-${secondId}`).getByTestId('toc-progress')).toHaveText(
    `in progress · 2 of ${secondSteps} steps done · at step 3`,
  );
  await expect(page.getByTestId(`toc-${secondId}`).locator('progress')).toHaveAttribute('value', '2');
  await expect(page.getByTestId('continue-lesson')).toHaveAttribute('href', new RegExp(`lesson=${secondId}`));
  // Every lesson of the course is listed, the further ones too.
  await expect(page.locator('li[data-testid^="toc-"] a')).toHaveCount(LESSONS.length + 1);

  await page.getByTestId('back-to-app').click();
  await page.waitForURL((url) => !url.search.includes('lessons'));
  // The app itself (its playback bar and stage), not the contents, and no welcome again.
  await expect(page.getByRole('region', { name: 'Playback' })).toBeVisible();
  await expect(page.getByTestId('engine-status')).toBeVisible();
  await expect(welcome).toBeHidden();
});
