/**
 * The guarantee sweep of Flink mode: a rolling count per key (each input changes one count, so each
 * input's effect is exactly one output record), random TaskManager crashes and restarts. Under
 * exactly-once, a read_committed reading shows every count 1..n once per key; under at-least-once,
 * none is lost and duplicates may appear. FLINK_SWEEP=<n> runs more seeds.
 */
import { describe, expect, it } from 'vitest';
import { seedPrng, nextFloat } from '../kernel/prng';
import { readTopic, streamsCluster } from '../streams/app-kit';
import { eventsOf } from '../testing/scenario';
import { ROLLING_COUNT, startFlink, submitFlink } from './flink-kit';

const SEEDS = Number(process.env.FLINK_SWEEP ?? 2);
const KEYS = ['alice', 'bob', 'carol', 'dave'];

function run(seed: number, guarantee: 'exactly-once' | 'at-least-once') {
  const sim = streamsCluster(seed);
  startFlink(sim);
  submitFlink(sim, ROLLING_COUNT, guarantee, 2, 400);
  sim.runFor(800);
  const rng = seedPrng(seed * 7919);
  const sent: Record<string, number> = {};
  const crashAt = 5 + Math.floor(nextFloat(rng) * 20);
  const tm = `flink:tm-${1 + Math.floor(nextFloat(rng) * 2)}`;
  const downFor = 1 + Math.floor(nextFloat(rng) * 15);
  for (let i = 0; i < 40; i++) {
    const key = KEYS[Math.floor(nextFloat(rng) * KEYS.length)]!;
    sent[key] = (sent[key] ?? 0) + 1;
    sim.dispatch({
      type: 'producer.send',
      producer: 'shop',
      topic: 'purchases',
      key,
      value: '1',
      timestamp: 1000 + i * 100,
    });
    if (i === crashAt) sim.dispatch({ type: 'node.crash', node: tm });
    if (i === crashAt + downFor) sim.dispatch({ type: 'node.restart', node: tm });
    sim.runFor(50 + Math.floor(nextFloat(rng) * 100));
  }
  if (!sim.snapshot().nodes.find((n) => n.id === tm)!.alive) sim.dispatch({ type: 'node.restart', node: tm });
  sim.runFor(8000);
  const out = readTopic(sim, 'totals', 'read_committed', 3000);
  return { sim, sent, out };
}

describe('Flink mode under TaskManager crashes', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`exactly-once: each input's effect once in read_committed output (seed ${seed})`, () => {
      const { sim, sent, out } = run(seed, 'exactly-once');
      expect(
        eventsOf(sim, 'flink.jobFailed').length,
        `seed ${seed}: the crash fails the job`,
      ).toBeGreaterThan(0);
      for (const [key, n] of Object.entries(sent)) {
        const counts = out.filter((r) => r.key === key).map((r) => Number(r.value));
        expect(counts, `seed ${seed} key ${key}`).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      }
    });
    it(`at-least-once: nothing lost (seed ${seed})`, () => {
      const { sent, out } = run(seed, 'at-least-once');
      for (const [key, n] of Object.entries(sent)) {
        const counts = new Set(out.filter((r) => r.key === key).map((r) => Number(r.value)));
        expect(
          [...counts].sort((a, b) => a - b),
          `seed ${seed} key ${key}`,
        ).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      }
    });
  }
});
