import { describe, expect, it } from 'vitest';
import type { ControllerNode } from '../cluster/controller-state';
import { InvariantChecker } from './invariants';
import { cluster, untilReady } from './scenario';

describe('the invariant checker catches violations (so the sweep can fail)', () => {
  it('flags two Raft leaders in one epoch', () => {
    const sim = untilReady(cluster(1));
    const checker = new InvariantChecker();
    expect(checker.check(sim)).toBeNull();
    const real = sim.events().find((e) => e.type === 'raft.leaderElected')!;
    const impostor = ['controller-1', 'controller-2', 'controller-3'].find(
      (c) => 'node' in real && c !== real.node,
    )!;
    sim.kernel.emit('raft.leaderElected', {
      node: impostor,
      epoch: (real as { epoch: number }).epoch,
      votes: [],
    });
    expect(checker.check(sim)).toMatch(/two Raft leaders in epoch/);
  });

  it('flags two leaders of a partition in one leader epoch', () => {
    const sim = untilReady(cluster(2));
    const checker = new InvariantChecker();
    const change = { topic: 't', partition: 0, leaderEpoch: 4, isr: [1, 2], reason: 'test' };
    sim.kernel.emit('partition.changed', { ...change, leader: 1 });
    expect(checker.check(sim)).toBeNull();
    sim.kernel.emit('partition.changed', { ...change, leader: 2 });
    expect(checker.check(sim)).toMatch(/two leaders of t-0 in leader epoch 4/);
  });

  it('flags voters that disagree on committed metadata', () => {
    const sim = untilReady(cluster(3));
    const checker = new InvariantChecker();
    expect(checker.final(sim)).toBeNull();
    const voter = sim.kernel.node('controller-1') as ControllerNode;
    const entry = voter.durable.log[1]!;
    voter.durable.log[1] = { ...entry, record: { type: 'UnfenceBroker', brokerId: 99 } };
    expect(checker.final(sim)).toMatch(/disagree on committed metadata offset 1/);
  });
});
