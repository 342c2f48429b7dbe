/**
 * The transactions sweep: a read-process-write pipeline under random broker, controller, network
 * and application crashes. After every tick, whatever the read_committed auditor received must be
 * committed; at the end every input below the committed offset has exactly one committed output.
 * The guarantee checker reads each seed's trace too: any violation it finds fails the sweep.
 */
import { describe, expect, it } from 'vitest';
import { guaranteeGuard } from '../checker/guard';
import { tail } from './scenario';
import { runPipeline } from './txn-pipeline';

const SEEDS = 40;

describe('exactly-once pipeline under random faults', () => {
  it(`read_committed never sees aborted or open records; each output is committed exactly once (${SEEDS} seeds)`, () => {
    const totals = { commits: 0, aborts: 0, appCrashes: 0, outputs: 0, inputs: 0, processed: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { sim, violation, stats } = runPipeline(seed);
      guaranteeGuard(`txn sweep, seed ${seed}`).feed(sim.events());
      expect(violation, `seed ${seed}: ${violation}\n${tail(sim, 60)}`).toBeNull();
      // Liveness: once the faults stop, the pipeline gets through all of its input.
      expect(stats.processed, `seed ${seed}: ${JSON.stringify(stats)}\n${tail(sim, 60)}`).toBe(stats.inputs);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += stats[k];
    }
    console.log(`txn sweep: ${JSON.stringify(totals)}`);
    // The sweep must exercise both outcomes and the crashes, not pass vacuously.
    expect(totals.commits).toBeGreaterThan(SEEDS * 3);
    expect(totals.aborts).toBeGreaterThan(0);
    expect(totals.appCrashes).toBeGreaterThan(SEEDS);
  });
});
