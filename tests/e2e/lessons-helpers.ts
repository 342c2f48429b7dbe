/**
 * Helpers for the lesson specs: open a lesson, move through its steps, answer, and solve
 * challenges through the workspace's own tools. Every wait is on the page's state (a button
 * enabled, a reveal shown), never on the wall clock. Lessons run at 5× so facts arrive quickly.
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** Facts take a few seconds of virtual time; at 5× this is plenty. */
export const FACT_TIMEOUT = 30_000;

/**
 * The lesson walks check the lessons' flow, not the pace: key moments keep the learner's speed here
 * (slow motion has its own test in lessons-time.spec.ts), and quiet waits still play fast.
 */
export async function keepSpeedAtMoments(page: Page): Promise<void> {
  await page.addInitScript(() => {
    if (!localStorage.getItem('streamlab.pace.lessons'))
      localStorage.setItem(
        'streamlab.pace.lessons',
        JSON.stringify({ atMoment: 'off', fastWaits: true, kinds: [] }),
      );
  });
}

export async function openLesson(page: Page, id: string): Promise<void> {
  await keepSpeedAtMoments(page);
  await page.goto(`/?lesson=${id}`);
  await expect(page.getByTestId('step-title')).toBeVisible({ timeout: FACT_TIMEOUT });
  await page.getByTestId('speed').selectOption('5');
}

export async function next(page: Page): Promise<void> {
  const button = page.getByTestId('lesson-next');
  await expect(button).toBeEnabled({ timeout: FACT_TIMEOUT });
  await button.click();
}

export async function expectStep(page: Page, n: number, of: number, title: string | RegExp): Promise<void> {
  await expect(page.getByTestId('step-progress')).toHaveText(`Step ${n} of ${of}`);
  await expect(page.getByTestId('step-title')).toHaveText(title);
}

export async function press(page: Page, action: string): Promise<void> {
  await page.getByTestId(`lesson-action-${action}`).click();
}

/** Pick a prediction and wait for the reveal; returns the reveal. */
export async function predict(page: Page, choice: string): Promise<Locator> {
  await page.getByTestId(`choice-${choice}`).click();
  const reveal = page.getByTestId('reveal');
  await expect(reveal).toBeVisible({ timeout: FACT_TIMEOUT });
  return reveal;
}

/** Press Check and expect the hint. */
export async function expectHint(page: Page, hint: RegExp): Promise<void> {
  await expect(async () => {
    await page.getByTestId('challenge-check').click();
    await expect(page.getByTestId('challenge-hint')).toContainText(hint, { timeout: 500 });
  }).toPass({ timeout: FACT_TIMEOUT });
}

/**
 * Press Check until the challenge passes (the cluster may need a moment to get there: a crashed
 * leader is noticed only after broker.session.timeout.ms of simulated time, which a loaded CI
 * machine plays slower than real time, hence twice the fact timeout).
 */
export async function checkUntilPassed(page: Page): Promise<void> {
  const passed = page.getByTestId('challenge-passed');
  await expect(async () => {
    if (!(await passed.isVisible())) await page.getByTestId('challenge-check').click();
    await expect(passed).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 2 * FACT_TIMEOUT });
}

export async function finish(page: Page): Promise<void> {
  await next(page);
  await expect(page.getByTestId('step-title')).toHaveText('Well done!');
}

/**
 * A screenshot of the lesson pane, paused so nothing moves; the live status line is masked (it
 * follows the simulation's numbers, which depend on where the playhead stopped).
 */
/**
 * The lesson pane's screenshot. `mask` hides text that follows the run (an election's epoch and
 * voters); each masked element is held to three lines for the shot, so a longer or shorter text
 * does not move what follows it or stretch the mask past the pane.
 */
export async function paneShot(page: Page, name: string, mask: Locator[] = []): Promise<void> {
  const play = page.getByTestId('play-pause');
  const wasPlaying = (await play.getAttribute('aria-pressed')) === 'true';
  if (wasPlaying) await play.click();
  const hold = (on: boolean) =>
    Promise.all(
      mask.map((m) =>
        m.evaluateAll((els, on) => {
          for (const el of els as HTMLElement[]) {
            el.style.height = on ? '4.5em' : '';
            el.style.overflow = on ? 'hidden' : '';
          }
        }, on),
      ),
    );
  await hold(true);
  await expect(page.getByTestId('lesson-pane')).toHaveScreenshot(name, {
    mask: [page.getByTestId('step-status'), ...mask],
  });
  await hold(false);
  if (wasPlaying) await play.click();
}

/** Send `count` records one at a time through the Produce tab. */
export async function sendRecords(
  page: Page,
  fields: { producer?: string; topic: string; key?: string; value?: string },
  count = 1,
): Promise<void> {
  await page.getByTestId('tab-produce').click();
  if (fields.producer) await page.getByTestId('send-producer').selectOption(fields.producer);
  await page.getByTestId('send-topic').selectOption(fields.topic);
  await page.getByTestId('send-key').fill(fields.key ?? '');
  await page.getByTestId('send-value').fill(fields.value ?? 'hello');
  for (let i = 0; i < count; i++) {
    await expect(page.getByTestId('send')).toBeEnabled();
    await page.getByTestId('send').click();
  }
}

export async function crash(page: Page, node: string): Promise<void> {
  await page.getByTestId('tab-faults').click();
  await page.getByTestId(`crash-${node}`).click();
  await expect(page.getByTestId(`restart-${node}`)).toBeVisible();
}

/** Add a consumer through the Consume tab. */
export async function addConsumer(
  page: Page,
  fields: { group: string; topic: string; reset?: 'earliest' | 'latest' },
): Promise<void> {
  await page.getByTestId('tab-consume').click();
  await page.getByTestId('consumer-group').fill(fields.group);
  await page.getByTestId('consumer-topic').selectOption(fields.topic);
  if (fields.reset) {
    const reset = page.getByTestId('consumer-reset');
    if (!(await reset.isVisible())) await page.locator('[data-testid="consumer-form"] summary').click();
    await reset.selectOption(fields.reset);
  }
  await page.getByTestId('consumer-create').click();
}

/** The number in the live status line, e.g. the leader in "broker-2 leads orders-0". */
export async function statusMatch(page: Page, pattern: RegExp): Promise<string> {
  const text = (await page.getByTestId('step-status').textContent()) ?? '';
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`status "${text}" does not match ${pattern}`);
  return match[1];
}

/** Type one line in the terminal (opened under the diagram first if it is closed) and press Enter. */
export async function terminal(page: Page, line: string): Promise<void> {
  const input = page.getByTestId('terminal-input');
  if (!(await input.isVisible())) await page.getByTestId('terminal-toggle').click();
  await input.fill(line);
  await input.press('Enter');
}
