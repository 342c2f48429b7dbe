import { describe, expect, it } from 'vitest';
import { tail } from '../testing/scenario';
import { checkTrace } from './checker';
import { safeRun } from './safe-sweep';

const SEEDS = 200;

describe('the safe configuration under random faults', () => {
  it(`has no violation on any of ${SEEDS} seeds`, () => {
    let acked = 0;
    let faults = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const sim = safeRun(seed);
      const events = sim.events();
      const c = checkTrace(events);
      acked += events.filter((e) => e.type === 'producer.acked').length;
      faults += events.filter((e) => e.type === 'broker.crashed' || e.type === 'network.partitioned').length;
      const v = c.violations();
      expect(v, `seed ${seed}: ${v.map((f) => f.sentences.join(' ')).join('\n')}\n${tail(sim, 40)}`).toEqual(
        [],
      );
    }
    // The sweep is not vacuous: records were acknowledged and faults happened.
    expect(acked).toBeGreaterThan(SEEDS * 40);
    expect(faults).toBeGreaterThan(SEEDS);
  });
});
