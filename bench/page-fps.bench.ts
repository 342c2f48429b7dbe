/**
 * Frames per second of the whole app with 1000 partitions, measured in the page (issue 21 §6: the
 * app keeps ≥ 55 fps with 1000 partitions; idle partitions cost next to nothing). A production
 * build opens a shared scenario: 3 brokers, a topic of 1000 partitions (RF 3), a producer sending a
 * burst every half second and a consumer group reading it, then plays at 1×, so snapshots, flights
 * and the partition rows all change while the page counts frames. A second figure scrolls the
 * partition rows while it plays. Baseline from the same build and run: the same scenario with 12
 * partitions (what the app costs when partitions are few).
 */
import type { Browser } from '@playwright/test';
import { createSimulation, type SimulationOptions } from '../src/engine';
import { scenarioAtEnd, type Scenario } from '../src/bridge/scenario';
import { encodeScenarioForLink } from '../src/bridge/scenario-codec';
import { report } from './measure';
import { withServedApp } from './page-kit';

const PORT = 4179;
const OPEN_MS = 8000;
const RUN_MS = 3000;

/** The session, built by the real engine: opened at OPEN_MS, with sends reaching past it. */
export function scenario(partitions: number): Scenario {
  const options: SimulationOptions = { seed: 5, brokers: 3 };
  const sim = createSimulation(options);
  sim.runFor(3000);
  sim.dispatch({ type: 'topic.create', topic: 'wide', partitions, replicationFactor: 3 });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.create', producer: 'p1' });
  sim.dispatch({ type: 'consumer.create', consumer: 'c1', groupId: 'readers' });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['wide'] });
  sim.runFor(500);
  for (let i = 0; sim.now() < 60_000; i++) {
    sim.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'wide',
      key: `k${i}`,
      value: 'v',
      count: 20,
    });
    sim.runFor(500);
  }
  return scenarioAtEnd(options, sim, OPEN_MS);
}

interface FpsResult {
  idle: number;
  scrolling: number;
  rowsDrawn: number;
}

async function measure(browser: Browser, partitions: number): Promise<FpsResult> {
  const link = await encodeScenarioForLink(scenario(partitions));
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await page.addInitScript('window.__name = (f) => f');
    // A returning learner: the first-visit welcome would cover the diagram.
    await page.addInitScript(() => localStorage.setItem('streamlab.welcome.v1', 'seen'));
    await page.goto(`http://127.0.0.1:${PORT}/?bench=${Date.now()}#scenario=${link}`);
    await page.getByTestId('engine-status').filter({ hasText: 'Engine ready' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="replica"]').first().waitFor({ timeout: 60_000 });
    const play = page.getByTestId('play-pause');
    if ((await play.getAttribute('aria-pressed')) !== 'true') await play.click();
    return await page.evaluate(async (ms): Promise<FpsResult> => {
      const fps = (during: (t: number) => void) =>
        new Promise<number>((resolve) => {
          let frames = 0;
          let start = 0;
          const tick = (t: number) => {
            if (start === 0) start = t;
            during(t - start);
            frames++;
            if (t - start < ms) requestAnimationFrame(tick);
            else resolve(((frames - 1) / (t - start)) * 1000);
          };
          requestAnimationFrame(tick);
        });
      await fps(() => {}); // warm-up: the first snapshots after play
      const idle = await fps(() => {});
      const diagram = document.querySelector('[data-testid="cluster-diagram"]');
      let box: HTMLElement | null = diagram?.parentElement ?? null;
      while (box && getComputedStyle(box).overflowY !== 'auto') box = box.parentElement;
      const scrolling = await fps((t) => {
        // Down and back, ~1500 px a second: rows keep entering and leaving the view.
        if (box) box.scrollTop = Math.abs(((t * 1.5) % 6000) - 3000);
      });
      const rowsDrawn = document.querySelectorAll('[data-testid="partition"]').length;
      return { idle, scrolling, rowsDrawn };
    }, RUN_MS);
  } finally {
    await page.close();
  }
}

export async function benchPageFps(): Promise<void> {
  await withServedApp(PORT, async (browser) => {
    const few = await measure(browser, 12);
    const many = await measure(browser, 1000);
    report(
      `app: 1000 partitions playing at 1× (${many.rowsDrawn} rows drawn), fps (aim ≥ 55; baseline 12 partitions)`,
      many.idle,
      few.idle,
      'fps',
    );
    report(
      'app: 1000 partitions playing while the rows scroll, fps (baseline 12 partitions)',
      many.scrolling,
      few.idle,
      'fps',
    );
  });
}
