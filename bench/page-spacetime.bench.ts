/**
 * The space-time diagram drawn in the page (issue 18: a 10-second window of a busy cluster within
 * one frame). The same busy cluster as the layout bench (3 controllers, 3 brokers, 2 acks=all
 * producers sending every 50 ms, a two-member group) opened from a scenario link, the diagram on
 * its 10 s window. Measured: hiding or showing a lifeline (the whole window laid out and drawn
 * again from the events already loaded, no worker round trip) to the next frame, and the same with
 * "only what reached c1". Baseline, same page and run: a frame with no change (the frame floor).
 * Also the slowest of the 24: a median at the floor can hide redraws that spill into the next frame.
 * BENCH_PROFILE=1: then, traced, twelve more toggles, and where their frames' main-thread time goes
 * (script, style and layout, paint, the canvas's raster in the commit; page-frame-phases.ts).
 */
import { createSimulation, type SimulationOptions } from '../src/engine';
import { scenarioAtEnd, type Scenario } from '../src/bridge/scenario';
import { report } from './measure';
import { median, withScenarioPage } from './page-kit';
import { sendEvery50ms, startBusyCluster } from './busy-cluster';
import { framePhases } from './page-frame-phases';

const PORT = 4179;

function busyScenario(): Scenario {
  const options: SimulationOptions = { seed: 4, brokers: 3, controllers: 3 };
  const sim = createSimulation(options);
  sim.runFor(3000);
  startBusyCluster(sim, 'orders', ['p1', 'p2'], { acks: 'all' });
  sim.runFor(5000);
  sendEvery50ms(sim, 'orders', ['p1', 'p2'], 200);
  return scenarioAtEnd(options, sim);
}

interface Drawn {
  redraw: number[];
  causal: number[];
  floor: number[];
  arrows: number;
}

export async function benchPageSpacetime(): Promise<void> {
  const result = await withScenarioPage(
    PORT,
    busyScenario(),
    async (page) => {
      await page.getByTestId('view-spacetime').click();
      const view = page.getByTestId('spacetime');
      await view.locator('select').first().selectOption('10000');
      // The window's events come from the worker once; a window this busy is drawn on the canvas.
      await view.getByTestId('spacetime-dense').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(500);
      const drawn = await page.evaluate(async (): Promise<Drawn> => {
        const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
        const root = document.querySelector('[data-testid="spacetime"]')!;
        const dense = root.querySelector('[data-testid="spacetime-dense"]')?.textContent ?? '';
        const arrows = () =>
          Number(/\d+/.exec(dense)?.[0] ?? root.querySelectorAll('[data-testid="rpc-arrow"]').length);
        /** Input → the first frame after the diagram's DOM changed (NaN: none within 5 s). */
        async function latency(input: () => void): Promise<number> {
          await frame();
          let changed = false;
          const seen = new MutationObserver(() => (changed = true));
          // The SVG's elements, or the canvas's draw counter when the window is dense.
          seen.observe(root.querySelector('.plot')!, { childList: true, subtree: true, attributes: true });
          const t0 = performance.now();
          input();
          for (;;) {
            await frame();
            if (changed) {
              seen.disconnect();
              return performance.now() - t0;
            }
            if (performance.now() - t0 > 5000) return NaN;
          }
        }
        const hide = root.querySelector<HTMLInputElement>('.hide input[type="checkbox"]')!;
        const toggle = () => hide.click();
        const redraw: number[] = [];
        for (let i = 0; i < 12; i++) redraw.push(await latency(toggle));
        const filter = root.querySelector<HTMLSelectElement>('[data-testid="causal-filter"]')!;
        const choose = (value: string) => () => {
          filter.value = value;
          filter.dispatchEvent(new Event('change', { bubbles: true }));
        };
        const causal: number[] = [];
        for (let i = 0; i < 6; i++) {
          causal.push(await latency(choose('consumer:c1')));
          causal.push(await latency(choose('')));
        }
        const floor: number[] = [];
        for (let i = 0; i < 12; i++) {
          await frame();
          const t0 = performance.now();
          await frame();
          floor.push(performance.now() - t0);
        }
        return { redraw, causal, floor, arrows: arrows() };
      });
      if (process.env.BENCH_PROFILE)
        await framePhases(page, () =>
          page.evaluate(async () => {
            const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
            const hide = document.querySelector<HTMLInputElement>(
              '[data-testid="spacetime"] .hide input[type="checkbox"]',
            )!;
            for (let i = 0; i < 12; i++) {
              await frame();
              performance.mark('input');
              hide.click();
              await frame();
              await frame();
            }
          }),
        );
      return drawn;
    },
    '&paused',
  );
  if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(result));
  const floor = median(result.floor);
  report(
    `app: space-time, 10 s window (${result.arrows} arrows) redrawn, input to frame (median, aim ≤ 1 frame)`,
    median(result.redraw),
    floor,
    'ms',
  );
  report(
    'app: space-time, "only what reached c1" on and off, input to frame (median)',
    median(result.causal),
    floor,
    'ms',
  );
  const worst = (xs: number[]) => Math.max(...xs.filter((x) => !Number.isNaN(x)));
  report(
    'app: space-time, redrawn and "only what reached c1", slowest of 24',
    Math.max(worst(result.redraw), worst(result.causal)),
    floor,
    'ms',
  );
}
