/**
 * processing.guarantee under random instance crashes (issue 17, "Must show"): with exactly_once_v2
 * every input record's effect appears exactly once in a read_committed reading of the output; with
 * at_least_once none is lost and duplicates can appear. The guarantee checker judges each run by the
 * application's guarantee: no violation under exactly_once_v2, every duplicate allowed under
 * at_least_once. Small in CI; STREAMS_SWEEP_SEEDS=n for more.
 */
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../checker/checker';
import type { FacadeSimulation as Simulation } from '../simulation';
import { tail } from '../testing/scenario';
import { ECHO_AND_COUNT, readTopic, streamsCluster } from './app-kit';
import type { ProcessingGuarantee } from './app-types';

const SEEDS = Number(process.env.STREAMS_SWEEP_SEEDS ?? 2);
const USERS = ['alice', 'bob', 'carol', 'dave'];

/** The test's own dice (mulberry32), so the crash schedule is the seed's. */
function dice(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  sim: Simulation;
  inputs: { key: string; value: string }[];
  echo: Map<string, number>;
  totals: Map<string, number>;
  crashes: number;
}

function run(seed: number, guarantee: ProcessingGuarantee, records = 40): Outcome {
  const sim = streamsCluster(seed);
  const roll = dice(seed * 7919 + (guarantee === 'exactly_once_v2' ? 1 : 2));
  sim.dispatch({
    type: 'streams.create',
    app: 'shop',
    topology: { steps: ECHO_AND_COUNT },
    config: {
      'processing.guarantee': guarantee,
      // No cache and a 1 s commit interval: every update is sent at once, so a crash between the
      // send and the offset commit shows (for at_least_once) as a duplicate.
      'statestore.cache.max.bytes': 0,
      'commit.interval.ms': 1000,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 1500,
    },
  });
  sim.runFor(500);
  const instances = ['a', 'b'];
  for (const instance of instances) sim.dispatch({ type: 'streams.start', app: 'shop', instance });
  sim.runFor(8000);
  const down = new Map<string, number>();
  const inputs: { key: string; value: string }[] = [];
  let crashes = 0;
  for (let i = 0; i < records; i++) {
    const key = USERS[Math.floor(roll() * USERS.length)]!;
    const value = `p${i}`;
    inputs.push({ key, value });
    sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key, value });
    const since = sim.events().at(-1)?.seq ?? 0;
    const crashNow = roll() < 0.1 && down.size < instances.length - 1;
    if (crashNow) {
      // Crash the instance that processes this record right after it does, before its commit:
      // its output is sent (in an open transaction under exactly-once), its offsets are not.
      sim.runUntil((s) => s.events(since).some((e) => e.type === 'streams.processed'), 2000);
      const hit = sim.events(since).find((e) => e.type === 'streams.processed');
      if (hit?.type === 'streams.processed' && !down.has(hit.instance)) {
        sim.runFor(Math.floor(roll() * 200));
        sim.dispatch({ type: 'streams.crash', instance: hit.instance });
        down.set(hit.instance, sim.now() + 2000 + Math.floor(roll() * 8000));
        crashes++;
      }
    }
    sim.runFor(20 + Math.floor(roll() * 200));
    for (const [instance, at] of down) {
      if (sim.now() >= at) {
        sim.dispatch({ type: 'streams.restart', instance });
        down.delete(instance);
      }
    }
    if (!crashNow && roll() < 0.05 && down.size < instances.length - 1) {
      const up = instances.filter((x) => !down.has(x));
      const victim = up[Math.floor(roll() * up.length)]!;
      sim.dispatch({ type: 'streams.crash', instance: victim });
      down.set(victim, sim.now() + 2000 + Math.floor(roll() * 8000));
      crashes++;
    }
  }
  for (const instance of down.keys()) sim.dispatch({ type: 'streams.restart', instance });
  sim.runFor(40_000);
  const echo = new Map<string, number>();
  for (const r of readTopic(sim, 'echo')) echo.set(r.value!, (echo.get(r.value!) ?? 0) + 1);
  const totals = new Map<string, number>();
  for (const r of readTopic(sim, 'totals')) totals.set(r.key!, Number(r.value));
  return { sim, inputs, echo, totals, crashes };
}

const countsOf = (inputs: { key: string }[]) => {
  const m = new Map<string, number>();
  for (const { key } of inputs) m.set(key, (m.get(key) ?? 0) + 1);
  return m;
};

describe('processing.guarantee with random instance crashes', () => {
  it('exactly_once_v2: every input appears exactly once (read_committed), counts are exact', () => {
    let aborted = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const o = run(seed, 'exactly_once_v2');
      // The crashes hit open transactions: their output is in the logs, aborted.
      aborted += o.sim.events().filter((e) => e.type === 'transaction.aborted').length;
      for (const { value } of o.inputs)
        expect(o.echo.get(value), `seed ${seed}: ${value}\n${tail(o.sim)}`).toBe(1);
      expect(o.echo.size).toBe(o.inputs.length);
      expect(o.totals, `seed ${seed}`).toEqual(countsOf(o.inputs));
      // The guarantee checker, which knows the application's processing.guarantee, agrees.
      expect(checkTrace(o.sim.events()).violations(), `seed ${seed}`).toEqual([]);
    }
    expect(aborted).toBeGreaterThan(0);
  });

  it('at_least_once: nothing is lost, and crashes show duplicates', () => {
    let duplicates = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const o = run(seed, 'at_least_once');
      for (const { value } of o.inputs)
        expect(o.echo.get(value) ?? 0, `seed ${seed}: ${value}\n${tail(o.sim)}`).toBeGreaterThanOrEqual(1);
      for (const [key, n] of countsOf(o.inputs)) expect(o.totals.get(key)).toBeGreaterThanOrEqual(n);
      const extra = [...o.echo.values()].reduce((a, n) => a + n - 1, 0);
      duplicates += extra;
      // The checker finds each extra copy a reader saw, and at_least_once allows every one.
      const found = checkTrace(o.sim.events())
        .findings()
        .filter((f) => f.kind === 'duplicate' && f.topic === 'echo');
      expect(found.length, `seed ${seed}`).toBe(extra);
      expect(found.every((f) => f.verdict === 'allowed')).toBe(true);
    }
    expect(duplicates).toBeGreaterThan(0);
  });
});
