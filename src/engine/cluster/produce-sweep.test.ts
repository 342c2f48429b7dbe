/**
 * The produce-path sweeps. With RF=3, min.insync.replicas=2, acks=all and no unclean election, no
 * acknowledged record is ever lost or changed, and replicas agree below the HW, whatever the
 * faults. With acks=1 the same faults lose acknowledged records: the search finds and names a seed
 * (the acks lesson shows it). Nothing is staged: the loss emerges from the simulation.
 */
import { describe, expect, it } from 'vitest';
import { produceFuzz } from '../testing/produce-fuzz';
import { tail } from '../testing/scenario';

const SEEDS = 1000;

describe('produce path under random faults', () => {
  it(`acks=all with min.insync.replicas=2 never loses an acknowledged record (${SEEDS} seeds)`, () => {
    let acked = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = produceFuzz(seed, { acks: -1, minIsr: 2, durationMs: 20_000, checkEveryStep: true });
      acked += r.acked;
      const problem =
        r.violation ?? (r.lost.length ? `lost acknowledged records ${JSON.stringify(r.lost)}` : null);
      expect(problem, `seed ${seed}: ${problem}\n${tail(r.sim, 80)}`).toBeNull();
    }
    expect(acked).toBeGreaterThan(SEEDS * 10); // the runs really wrote and acknowledged data
  });

  it('acks=1 loses an acknowledged record for some seed, and the search names it', () => {
    let found: { seed: number; lost: { offset: number; value: string }[] } | null = null;
    for (let seed = 1; seed <= 500 && !found; seed++) {
      const r = produceFuzz(seed, { acks: 1, minIsr: 1, durationMs: 20_000, checkEveryStep: false });
      expect(r.violation, `seed ${seed}`).toBeNull();
      if (r.lost.length > 0) found = { seed, lost: r.lost };
    }
    expect(found).not.toBeNull();
    console.log(`acks=1 loses acknowledged records with seed ${found!.seed}: ${JSON.stringify(found!.lost)}`);
  });
});

describe('the replica checker', () => {
  it('catches replicas that disagree below the HW (so the sweep can fail)', async () => {
    const { checkReplicas } = await import('../testing/produce-fuzz');
    let r = produceFuzz(1, { acks: -1, minIsr: 2, durationMs: 8000, checkEveryStep: false });
    for (let seed = 2; r.acked < 5; seed++) {
      r = produceFuzz(seed, { acks: -1, minIsr: 2, durationMs: 8000, checkEveryStep: false });
    }
    expect(checkReplicas(r.sim)).toBeNull();
    const broker = Object.values(r.sim.kernel.state.nodes).find(
      (n) =>
        n.kind === 'broker' &&
        ((n.durable as { logs: Record<string, { highWatermark: number }> }).logs['fuzz-0']?.highWatermark ??
          0) > 0,
    )!;
    const log = (
      broker.durable as {
        logs: Record<string, { batches: { records: { value: string }[] }[]; highWatermark: number }>;
      }
    ).logs['fuzz-0']!;
    expect(log.highWatermark).toBeGreaterThan(0);
    log.batches[0] = { ...log.batches[0]!, records: [{ ...log.batches[0]!.records[0]!, value: 'tampered' }] };
    expect(checkReplicas(r.sim)).toMatch(/disagree at offset 0 below the HW/);
  });
});
