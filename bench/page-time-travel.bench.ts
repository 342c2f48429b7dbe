/**
 * Back and scrub in the app at 100 000 events, measured in the page (issue 21 §6: ≤ 50 ms from
 * input to the new frame). A production build of the app opens a shared scenario of ~100 000
 * events; the page dispatches the key (←, one step back) or the scrubber's input and waits, frame
 * by frame, for the clock and event count on screen to change. Baseline from the same page and
 * run: an input that changes nothing, to the next frame (the frame rate's floor).
 */
import { createSimulation, type SimulationOptions } from '../src/engine';
import { SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from '../src/bridge/scenario';
import { report } from './measure';
import { median, withScenarioPage } from './page-kit';

const EVENTS = 100_000;
const PORT = 4178;

/** A produce-heavy session of at least `EVENTS` events, built by the real engine. */
export function bigScenario(): Scenario {
  const options: SimulationOptions = { seed: 21, brokers: 3 };
  const sim = createSimulation(options);
  sim.runFor(3000);
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'p1' });
  sim.runFor(300);
  for (let i = 0; sim.position().traceLength < EVENTS; i++) {
    sim.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'orders',
      key: `k${i}`,
      value: 'order',
      count: 1000,
    });
    sim.runFor(2000);
  }
  const endMs = sim.now();
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    options,
    commands: sim.commandLog(),
    atMs: endMs,
    endMs,
  };
}

interface PageResult {
  back: number[];
  scrub: number[];
  floor: number[];
  events: string;
}

export async function benchPageTimeTravel(): Promise<void> {
  await withScenarioPage(PORT, bigScenario(), async (page) => {
    // Measured once the opened session is saved: until then the worker is writing its 150 000
    // replica records to IndexedDB (about a second), and a Back then waits on those writes.
    await page
      .getByTestId('save-status')
      .filter({ hasText: 'Saved in this browser' })
      .waitFor({ timeout: 120_000 });
    const result = await page.evaluate(async (): Promise<PageResult> => {
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`);
      const shown = () =>
        `${text('virtual-clock')?.getAttribute('data-ms')}|${text('event-count')?.textContent}`;
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      /** Input → the first frame that shows a changed clock or event count (NaN: none in 5 s). */
      async function latency(input: () => void): Promise<number> {
        await frame();
        const before = shown();
        const t0 = performance.now();
        input();
        for (;;) {
          await frame();
          if (shown() !== before) return performance.now() - t0;
          if (performance.now() - t0 > 5000) return NaN;
        }
      }
      const events = text('event-count')?.textContent ?? '';
      const back: number[] = [];
      const scrub: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < 12; i++) {
        back.push(
          await latency(() =>
            window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true })),
          ),
        );
        await pause(50);
      }
      const scrubber = text('scrubber') as HTMLInputElement;
      const max = Number(scrubber.max);
      for (let i = 0; i < 12; i++) {
        const at = Math.round((((i * 7) % 12) / 12) * max * 0.5 + max * 0.45);
        scrub.push(
          await latency(() => {
            scrubber.value = String(at);
            scrubber.dispatchEvent(new Event('input', { bubbles: true }));
          }),
        );
        await pause(50);
      }
      for (let i = 0; i < 12; i++) {
        await frame();
        const t0 = performance.now();
        await frame();
        floor.push(performance.now() - t0);
      }
      return { back, scrub, floor, events };
    });
    if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(result));
    const floor = median(result.floor);
    report(
      `app: Back (←) at ${result.events} events, input to new frame (median, aim ≤ 50 ms)`,
      median(result.back),
      floor,
      'ms',
    );
    report(
      `app: scrub at ${result.events} events, input to new frame (median, aim ≤ 50 ms)`,
      median(result.scrub),
      floor,
      'ms',
    );
    const worst = (xs: number[]) => Math.max(...xs.filter((x) => !Number.isNaN(x)));
    report(
      'app: Back and scrub, slowest of 24',
      Math.max(worst(result.back), worst(result.scrub)),
      floor,
      'ms',
    );
  });
}
