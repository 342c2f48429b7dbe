/**
 * Sweep with the real producer: an idempotent, acks=all producer keeps sending under random
 * crashes, restarts and partitions. After the cluster settles, every acknowledged record is in the
 * log exactly once at its acknowledged offset, and no record appears twice (idempotence). The
 * guarantee checker reads each seed's trace too: any violation it finds fails the sweep.
 */
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { deriveStream, nextInt } from '../kernel/prng';
import { guaranteeGuard } from '../checker/guard';
import { randomFault } from '../testing/fuzz';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';
import type { Command } from '../types';

const SEEDS = 150;

function run(seed: number) {
  const sim = untilReady(cluster(seed, { brokers: 3 + (seed % 2) }));
  sim.dispatch({
    type: 'topic.create',
    topic: 'pay',
    partitions: 2,
    replicationFactor: 3,
    config: { 'min.insync.replicas': 2 },
  });
  sim.dispatch({
    type: 'producer.create',
    producer: 'p',
    config: { acks: 'all', 'request.timeout.ms': 3000 },
  });
  sim.runFor(1000);
  const rng = deriveStream(seed, 'producer-sweep');
  const topics = { n: 0 };
  const sent = new Map<number, string>();
  for (let t = 0; t < 150; t++) {
    sim.runFor(50 + nextInt(rng, 150));
    if (nextInt(rng, 10) === 0) {
      const fault = randomFault(sim, rng, topics);
      // Producers are not crashed here: a crash drops unsent records by design, which is not a duplicate.
      if (fault && !(fault.type === 'node.crash' && fault.node.startsWith('producer'))) {
        try {
          sim.dispatch(fault);
        } catch (e) {
          if (!isEngineError(e)) throw e;
        }
      }
    }
    const value = `v${t}`;
    sent.set(
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'pay', key: `k${t % 7}`, value }),
      value,
    );
  }
  sim.dispatch({ type: 'network.heal' } as Command);
  for (const n of sim.snapshot().nodes) if (!n.alive) sim.dispatch({ type: 'node.restart', node: n.id });
  sim.runFor(150_000); // past delivery.timeout.ms: every send is settled
  return { sim, sent };
}

describe('idempotent producer under random faults', () => {
  it(`never duplicates and never loses an acknowledged record (${SEEDS} seeds)`, () => {
    let ackedTotal = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { sim, sent } = run(seed);
      // The guarantee checker over the whole trace: a violation fails the sweep (with its sentences).
      guaranteeGuard(`producer sweep, seed ${seed}`).feed(sim.events());
      const acks = eventsOf(sim, 'producer.acked');
      const settled = acks.length + eventsOf(sim, 'producer.failed').length;
      ackedTotal += acks.length;
      const problems: string[] = [];
      if (settled !== sent.size) problems.push(`${sent.size - settled} sends never settled`);
      for (const partition of [0, 1]) {
        const p = sim.snapshot().topics.find((t) => t.name === 'pay')!.partitions[partition]!;
        if (p.leader < 0) continue;
        const log = sim.readLog(p.leader, 'pay', partition).map((r) => r.value);
        const dupes = log.filter((v, i) => log.indexOf(v) !== i);
        if (dupes.length) problems.push(`partition ${partition} has duplicates ${dupes.join(',')}`);
        for (const a of acks.filter((x) => x.partition === partition)) {
          if (log[a.offset] !== sent.get(a.commandId)) {
            problems.push(
              `acked ${sent.get(a.commandId)} at ${partition}/${a.offset} but the log has ${log[a.offset]}`,
            );
          }
        }
      }
      expect(problems, `seed ${seed}: ${problems.join('; ')}\n${tail(sim, 60)}`).toEqual([]);
    }
    expect(ackedTotal).toBeGreaterThan(SEEDS * 50);
  });
});
