/**
 * The ownership helpers for sweeps: they report each member's generation and partitions, catch a
 * partition owned twice in one generation, and stay quiet through joins, crashes and leaves under
 * both rebalance protocols (checked after every single step).
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../simulation';
import type { ConfigValue } from '../types';
import { consumeWorld, fakeConsumeTopic } from './consumer-fake-cluster';
import { checkExclusiveOwnership, groupOwnership } from './consumer-invariants';
import type { ConsumerVolatile } from './consumer-state';

const FAST: Record<string, ConfigValue> = {
  'heartbeat.interval.ms': 100,
  'session.timeout.ms': 6000,
  'auto.offset.reset': 'earliest',
};

function add(sim: Simulation, name: string, config: Record<string, ConfigValue>): void {
  sim.dispatch({ type: 'consumer.create', consumer: name, groupId: 'g', config: { ...FAST, ...config } });
  sim.dispatch({ type: 'consumer.subscribe', consumer: name, topics: ['events'] });
}

/** Run `ms`, checking the invariant after every step; returns the first violation. */
function runChecked(sim: Simulation, ms: number): string | null {
  const end = sim.now() + ms;
  while ((sim.nextEventAtMs() ?? Infinity) <= end) {
    sim.step();
    const bad = checkExclusiveOwnership(sim);
    if (bad) return bad;
  }
  sim.runFor(end - sim.now());
  return null;
}

describe('consumer ownership invariants', () => {
  it('groupOwnership lists each member with its generation and partitions', () => {
    const sim = consumeWorld();
    fakeConsumeTopic(sim, 'events', [1, 2, 3, 1]);
    add(sim, 'a', {});
    add(sim, 'b', {});
    sim.runFor(2000);
    const owners = groupOwnership(sim);
    expect(owners.map((o) => [o.consumer, o.groupId, o.generation])).toEqual([
      ['a', 'g', 1],
      ['b', 'g', 1],
    ]);
    expect(owners.flatMap((o) => o.partitions.map((p) => p.partition)).sort()).toEqual([0, 1, 2, 3]);
  });

  it('checkExclusiveOwnership names a partition owned twice in one generation', () => {
    const sim = consumeWorld();
    fakeConsumeTopic(sim, 'events', [1, 2]);
    add(sim, 'a', {});
    add(sim, 'b', {});
    sim.runFor(2000);
    expect(checkExclusiveOwnership(sim)).toBeNull();
    // Corrupt b's state on purpose: it claims a's partitions too.
    const a = sim.kernel.node('consumer:a')!.volatile as ConsumerVolatile;
    const b = sim.kernel.node('consumer:b')!.volatile as ConsumerVolatile;
    Object.assign(b.assigned, structuredClone(a.assigned));
    expect(checkExclusiveOwnership(sim)).toMatch(
      /events-\d is owned by both a and b in generation 1 of group g/,
    );
  });

  it.each([
    ['eager (range)', {}],
    ['cooperative-sticky', { 'partition.assignment.strategy': 'cooperative-sticky' }],
  ])('%s: joins, a crash, a restart and a leave never give a partition two owners', (_name, config) => {
    const sim = consumeWorld();
    fakeConsumeTopic(sim, 'events', [1, 2, 3, 1, 2, 3]);
    add(sim, 'a', config);
    add(sim, 'b', config);
    expect(runChecked(sim, 1500)).toBeNull();
    add(sim, 'c', config);
    expect(runChecked(sim, 1500)).toBeNull();
    sim.dispatch({ type: 'consumer.crash', consumer: 'b' });
    expect(runChecked(sim, 1500)).toBeNull();
    sim.dispatch({ type: 'node.restart', node: 'consumer:b' });
    expect(runChecked(sim, 1500)).toBeNull();
    sim.dispatch({ type: 'consumer.close', consumer: 'a' });
    expect(runChecked(sim, 3000)).toBeNull();
    const owners = groupOwnership(sim);
    expect(owners.map((o) => o.consumer).sort()).toEqual(['b', 'c']);
    expect(owners.flatMap((o) => o.partitions.map((p) => p.partition)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
