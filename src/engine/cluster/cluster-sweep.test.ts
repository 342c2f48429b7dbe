/**
 * Seed sweep: random crashes, restarts and partitions on 3-controller, 3-5 broker clusters.
 * After every step: at most one Raft leader per epoch, at most one partition leader per leader
 * epoch, and voters agree on the committed metadata. At the end of every seed, once every fault
 * has healed and the cluster had a quiet period, every replica equals its leader, every ISR is full
 * and no follower is stuck in an immediate Fetch loop (convergence.ts). A failure names its seed
 * and shows the trace.
 */
import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../testing/convergence';
import { fuzz } from '../testing/fuzz';
import { InvariantChecker } from '../testing/invariants';
import { cluster, tail } from '../testing/scenario';

const SEEDS = 500;

describe('cluster safety under random faults', () => {
  it(`holds for ${SEEDS} seeds`, () => {
    const failures: string[] = [];
    let leaderships = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const sim = cluster(seed, { brokers: 3 + (seed % 3) });
      const checker = new InvariantChecker();
      const violation =
        fuzz(sim, seed, { meanGapMs: 1500, durationMs: 30_000 }, (s) => checker.check(s)) ??
        checker.final(sim) ??
        checkConvergence(sim, 20_000);
      leaderships += sim.events().filter((e) => e.type === 'raft.leaderElected').length;
      if (violation) {
        failures.push(`seed ${seed}: ${violation}\n${tail(sim, 80)}`);
        break;
      }
    }
    expect(failures, failures[0]).toEqual([]);
    // The faults really bite: many elections happened across the sweep.
    expect(leaderships).toBeGreaterThan(SEEDS * 2);
  });
});
