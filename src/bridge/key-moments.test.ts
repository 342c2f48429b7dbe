import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine';
import { describeMoment, isMoment, MOMENT_KINDS } from './key-moments';
import { isStopCondition } from './stop-conditions';
import { Timeline } from '../worker/timeline';

const changed = (reason: string, leader = 2, isr = [2, 3]): EngineEvent => ({
  seq: 1,
  atMs: 10,
  type: 'partition.changed',
  topic: 'orders',
  partition: 0,
  leader,
  leaderEpoch: 3,
  isr,
  reason,
});

describe('key moments', () => {
  it('tells a leader change from an ISR change by the controller’s reason', () => {
    expect(isMoment('leader-change', changed('leader-fenced'))).toBe(true);
    expect(isMoment('isr-change', changed('leader-fenced'))).toBe(true);
    expect(isMoment('leader-change', changed('isr-shrink'))).toBe(false);
    expect(isMoment('isr-change', changed('isr-shrink'))).toBe(true);
    expect(isMoment('leader-change', changed('preferred'))).toBe(true);
    expect(isMoment('isr-change', changed('preferred'))).toBe(false);
    expect(describeMoment('isr-change', changed('isr-shrink'))).toBe(
      'orders-0: the ISR is now [2, 3] (isr-shrink)',
    );
  });

  it('are stop conditions the worker checks as data, and a made-up kind is refused', () => {
    for (const moment of MOMENT_KINDS) expect(isStopCondition({ kind: 'moment', moment })).toBe(true);
    expect(isStopCondition({ kind: 'moment', moment: 'everything' })).toBe(false);
    expect(isStopCondition({ kind: 'moment' })).toBe(false);
  });

  it('"step to the next leader change" stops right after a crashed leader is replaced', () => {
    const t = new Timeline({ seed: 11, brokers: 3 });
    t.advance(3000);
    t.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
    t.advance(1000);
    const leader = t.sim.snapshot().topics[0]!.partitions[0]!.leader;
    t.dispatch({ type: 'broker.crash', broker: leader });
    // Nothing moves the leader within a millisecond; then the controller fences the broker.
    expect(t.runUntil({ kind: 'moment', moment: 'leader-change' }, 1)).toBe('limit');
    expect(t.runUntil({ kind: 'moment', moment: 'leader-change' }, 30_000)).toBe('matched');
    const last = t.sim.events().filter((e) => e.atMs === t.nowMs());
    expect(last.some((e) => e.type === 'partition.changed' && e.leader !== leader)).toBe(true);
    // No rebalance without a group: the run ends at its limit.
    expect(t.runUntil({ kind: 'moment', moment: 'rebalance' }, 2000)).toBe('limit');
  });
});
