/**
 * Kernel throughput: scheduler entries processed per second by a simulation of ping nodes (each
 * entry is a message delivery or timer, with its trace events), against a baseline of the bare
 * min-heap pushing and popping the same number of entries.
 */
import { createScheduler, Kernel, pop, schedule } from '../src/engine/testing/bench-kit';
import { pingBehaviour, pingDurable } from '../src/engine/testing/ping-node';
import { rate, report } from './measure';

export function benchKernel(): void {
  const simulated = rate(() => {
    const k = new Kernel({ seed: 1, behaviours: { test: pingBehaviour as never } });
    for (let i = 0; i < 20; i++) k.addNode(`test:${i}`, 'test', pingDurable(`test:${(i + 1) % 20}`, 5));
    k.runFor(2000);
    return k.state.processed;
  });
  const baseline = rate(() => {
    const s = createScheduler<number>();
    for (let i = 0; i < 20; i++) schedule(s, i, i);
    let n = 0;
    while (n < 24_000) {
      const e = pop(s)!;
      schedule(s, e.atMs + 3, e.entry);
      n++;
    }
    return n;
  });
  report('kernel entries', simulated, baseline, 'entries/s');
}
