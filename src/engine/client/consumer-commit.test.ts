/**
 * Offset commits against the fake coordinator: auto-commit on its interval, explicit commits (of
 * the positions or of given offsets), failures, and what a restarted consumer does with them: the
 * committed offset is the next offset to read (reference §3.5), so records after it come again.
 */
import { describe, expect, it } from 'vitest';
import type { OffsetCommitRequest } from '../protocol/consume';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { ConfigValue } from '../types';
import { eventsOf as of } from '../testing/scenario';
import { consumeWorld, fakeAppend, fakeConsumeFault, fakeGroupOf } from './consumer-fake-cluster';

const FAST: Record<string, ConfigValue> = {
  'heartbeat.interval.ms': 100,
  'session.timeout.ms': 6000,
  'auto.offset.reset': 'earliest',
};

/** Group consumer c1 over orders, stable, with `n` records read from orders-0. */
function member(config: Record<string, ConfigValue> = {}, n = 3): Simulation {
  const sim = consumeWorld();
  sim.dispatch({ type: 'consumer.create', consumer: 'c1', groupId: 'g', config: { ...FAST, ...config } });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] });
  fakeAppend(
    sim,
    'orders',
    0,
    Array.from({ length: n }, (_, i) => `v${i}`),
  );
  sim.runUntil((s) => of(s, 'consumer.received').length > 0, 2000);
  return sim;
}

const commits = (sim: Simulation, since = 0) =>
  of(sim, 'rpc.sent', since)
    .filter((e) => e.kind === 'OffsetCommit')
    .map((e) => e.body as OffsetCommitRequest);
const c1 = (sim: Simulation) => sim.snapshot().consumers.find((c) => c.id === 'c1')!;
const committedOf = (sim: Simulation, p: number) =>
  c1(sim).assignment.find((a) => a.partition === p)!.committed;

describe('auto-commit', () => {
  it('commits every position (the next offset to read) every auto.commit.interval.ms', () => {
    const sim = member({ 'auto.commit.interval.ms': 1000 });
    sim.runFor(3500);
    const sentAt = of(sim, 'rpc.sent')
      .filter((e) => e.kind === 'OffsetCommit')
      .map((e) => e.atMs);
    expect(sentAt).toEqual([1000, 2000, 3000]);
    expect(commits(sim)[0]).toEqual({
      groupId: 'g',
      generationId: 1,
      memberId: 'c1-1',
      groupInstanceId: null,
      offsets: [0, 1, 2].map((partition) => ({
        topic: 'orders',
        partition,
        offset: partition === 0 ? 3 : 0,
        metadata: '',
      })),
    });
    expect(of(sim, 'consumer.committed')).toHaveLength(3);
    expect(committedOf(sim, 0)).toBe(3);
    expect(fakeGroupOf(sim, 'g')!.offsets['orders-0']).toBe(3);
  });

  it('enable.auto.commit=false: never', () => {
    const sim = member({ 'enable.auto.commit': false });
    sim.runFor(12_000);
    expect(commits(sim)).toEqual([]);
  });

  it('auto.commit.interval.ms=0: after every poll that returned records', () => {
    const sim = member({ 'auto.commit.interval.ms': 0, 'max.poll.records': 2 });
    sim.runFor(100);
    expect(commits(sim).map((c) => c.offsets.find((o) => o.partition === 0)!.offset)).toEqual([2, 3]);
  });

  it('a failed auto-commit is reported and simply tried again at the next interval', () => {
    const sim = member({ 'auto.commit.interval.ms': 1000 });
    fakeConsumeFault(sim, { kind: 'OffsetCommit', error: 'UNKNOWN_TOPIC_OR_PARTITION' });
    sim.runFor(2100);
    expect(of(sim, 'consumer.commitFailed')).toMatchObject([
      { consumer: 'c1', groupId: 'g', error: 'UNKNOWN_TOPIC_OR_PARTITION' },
    ]);
    expect(of(sim, 'consumer.committed')).toHaveLength(1);
  });
});

describe('explicit commits', () => {
  it('consumer.commit commits the consumed positions', () => {
    const sim = member({ 'enable.auto.commit': false });
    sim.dispatch({ type: 'consumer.commit', consumer: 'c1' });
    sim.runFor(50);
    expect(of(sim, 'consumer.committed')).toMatchObject([
      {
        consumer: 'c1',
        offsets: [
          { topic: 'orders', partition: 0, offset: 3 },
          { topic: 'orders', partition: 1, offset: 0 },
          { topic: 'orders', partition: 2, offset: 0 },
        ],
      },
    ]);
  });

  it('consumer.commit with offsets commits exactly those', () => {
    const sim = member({ 'enable.auto.commit': false });
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'c1',
      offsets: [{ topic: 'orders', partition: 0, offset: 1 }],
    });
    sim.runFor(50);
    expect(commits(sim).map((c) => c.offsets)).toEqual([
      [{ topic: 'orders', partition: 0, offset: 1, metadata: '' }],
    ]);
    expect(committedOf(sim, 0)).toBe(1);
  });

  it('nothing to commit: committed at once, without a request', () => {
    const sim = consumeWorld();
    sim.dispatch({ type: 'consumer.create', consumer: 'c1', groupId: 'g' });
    sim.dispatch({ type: 'consumer.commit', consumer: 'c1' });
    expect(of(sim, 'consumer.committed')).toMatchObject([{ offsets: [] }]);
    expect(commits(sim)).toEqual([]);
  });

  it('a manually assigned consumer commits outside any generation (-1, no member id)', () => {
    const sim = consumeWorld();
    fakeAppend(sim, 'orders', 2, ['a', 'b']);
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'm',
      groupId: 'g',
      config: { 'auto.offset.reset': 'earliest', 'enable.auto.commit': false },
    });
    sim.dispatch({ type: 'consumer.assign', consumer: 'm', partitions: [{ topic: 'orders', partition: 2 }] });
    sim.runFor(100);
    sim.dispatch({ type: 'consumer.commit', consumer: 'm' });
    sim.runFor(50);
    expect(commits(sim)).toEqual([
      {
        groupId: 'g',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        offsets: [{ topic: 'orders', partition: 2, offset: 2, metadata: '' }],
      },
    ]);
    expect(of(sim, 'consumer.committed')).toHaveLength(1);
  });

  it('NOT_COORDINATOR: the commit is retried with the rediscovered coordinator, and reported once', () => {
    const sim = member({ 'enable.auto.commit': false });
    fakeConsumeFault(sim, { kind: 'OffsetCommit', error: 'NOT_COORDINATOR' });
    sim.dispatch({ type: 'consumer.commit', consumer: 'c1' });
    sim.runFor(200);
    expect(commits(sim)).toHaveLength(2);
    expect(of(sim, 'consumer.commitFailed')).toEqual([]);
    expect(of(sim, 'consumer.committed')).toHaveLength(1);
    expect(of(sim, 'rpc.sent').filter((e) => e.kind === 'FindCoordinator')).toHaveLength(2);
  });

  it('a commit blocks the application: nothing is received until it is answered', () => {
    const sim = member({ 'enable.auto.commit': false, 'request.timeout.ms': 1000 });
    fakeConsumeFault(sim, { kind: 'OffsetCommit', silent: true });
    sim.dispatch({ type: 'consumer.commit', consumer: 'c1' });
    const t = sim.now();
    sim.runFor(10);
    fakeAppend(sim, 'orders', 0, ['during']);
    sim.runFor(900);
    expect(of(sim, 'consumer.received').some((e) => e.atMs > t)).toBe(false);
    sim.runFor(400);
    expect(of(sim, 'consumer.committed')).toHaveLength(1);
    const after = of(sim, 'consumer.received').filter((e) => e.atMs > t);
    expect(after.flatMap((e) => e.records.map((r) => r.value))).toEqual(['during']);
    expect(after[0]!.atMs).toBeGreaterThanOrEqual(of(sim, 'consumer.committed')[0]!.atMs);
  });

  it('ILLEGAL_GENERATION: CommitFailed, the partitions are lost and the member rejoins', () => {
    const sim = member({ 'enable.auto.commit': false });
    fakeConsumeFault(sim, { kind: 'OffsetCommit', error: 'ILLEGAL_GENERATION' });
    sim.dispatch({ type: 'consumer.commit', consumer: 'c1' });
    sim.runUntil((s) => c1(s).generation === 2 && c1(s).state === 'stable', 2000);
    expect(of(sim, 'consumer.commitFailed')).toMatchObject([
      {
        error: 'ILLEGAL_GENERATION',
        message: expect.stringMatching(/group has already rebalanced/) as string,
      },
    ]);
    expect(of(sim, 'consumer.revoked')).toHaveLength(1);
  });

  it('during a rebalance: REBALANCE_IN_PROGRESS at once, without a request', () => {
    const sim = member({ 'enable.auto.commit': false });
    // c2 joining makes c1 rejoin; commit while c1 is between JoinGroup and SyncGroup.
    sim.dispatch({ type: 'consumer.create', consumer: 'c2', groupId: 'g', config: FAST });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c2', topics: ['orders'] });
    sim.runUntil((s) => c1(s).state === 'joining', 2000);
    const before = commits(sim).length;
    // (Its own positions are gone: the eager protocol revoked everything before joining.)
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'c1',
      offsets: [{ topic: 'orders', partition: 0, offset: 1 }],
    });
    expect(of(sim, 'consumer.commitFailed')).toMatchObject([{ error: 'REBALANCE_IN_PROGRESS' }]);
    expect(commits(sim)).toHaveLength(before);
  });
});

describe('restarts and at-least-once', () => {
  it('a crashed consumer restarts from the committed offset: what came after is delivered again', () => {
    const sim = member({ 'enable.auto.commit': false }, 5);
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'c1',
      offsets: [{ topic: 'orders', partition: 0, offset: 3 }],
    });
    sim.runFor(100);
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    const since = sim.events().length;
    sim.runFor(100);
    sim.dispatch({ type: 'node.restart', node: 'consumer:c1' });
    sim.runUntil((s) => of(s, 'consumer.received', since).length > 0, 3000);
    expect(of(sim, 'consumer.positionSet', since).find((e) => e.partition === 0)).toMatchObject({
      offset: 3,
      reason: 'committed',
    });
    expect(of(sim, 'consumer.received', since).flatMap((e) => e.records.map((r) => r.value))).toEqual([
      'v3',
      'v4',
    ]);
    // A new member: the restarted process had forgotten its member id.
    expect(c1(sim).memberId).not.toBe('c1-1');
  });
});
