/**
 * Regression tests for issue 13's convergence fixes: a follower whose log diverged from the new
 * leader's truncates the way Kafka's does (KIP-101/279, reference §4.6) and rejoins the ISR, and
 * a follower whose leader answers one partition with an error keeps fetching the others without
 * a storm of immediate Fetches. Each failed before its fix (seed 13 is the cluster sweep's own).
 */
import { describe, expect, it } from 'vitest';
import { batchOf } from '../testing/raw-client';
import { checkConvergence } from '../testing/convergence';
import { fuzz } from '../testing/fuzz';
import { cluster, untilReady } from '../testing/scenario';
import { appendAsLeader, assignEpoch, createLog, endOffsetForEpoch, truncateTo } from './partition-log';
import type { BrokerNode } from './broker-state';
import { truncationOffset } from './replica-fetcher';

/** A log with records of the given epochs, one record per entry. */
function logOf(epochs: number[]) {
  const log = createLog('t', 0);
  for (const e of epochs) {
    assignEpoch(log, e);
    appendAsLeader(log, batchOf(['x']), e);
  }
  return log;
}

describe('follower truncation (KIP-101/279)', () => {
  it('a follower drops an epoch it opened as leader without writing, even when no record goes', () => {
    const log = logOf([0, 0, 0]);
    assignEpoch(log, 3); // became leader in epoch 3 at offset 3, then lost leadership at once
    expect(log.epochs).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 3 },
    ]);
    expect(truncateTo(log, 3)).toBe(0);
    expect(log.epochs).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it('truncates to the end of the largest common epoch, capped by the leader’s end offset', () => {
    // Follower: epochs 0,0,0,2,2 (LEO 5). Leader: 0,0,0,2 then epoch 4: its epoch 2 ends at 4.
    const follower = logOf([0, 0, 0, 2, 2]);
    expect(truncationOffset(follower, { epoch: 2, endOffset: 4 })).toBe(4);
    // The leader never had epoch 2 and its epoch 0 ends at 1: the follower knows epoch 0.
    expect(truncationOffset(follower, { epoch: 0, endOffset: 1 })).toBe(1);
  });

  it('an epoch the follower does not know: truncate to its own end of the epoch below, then ask again', () => {
    // Follower: epochs 0,0,3,3 (LEO 4). Leader answers (2, 6): the follower has no epoch 2, its
    // largest epoch below 2 is 0, which ends at 2 — truncate there and fetch with epoch 0 next.
    const follower = logOf([0, 0, 3, 3]);
    expect(endOffsetForEpoch(follower, 2)).toEqual({ epoch: 0, endOffset: 2 });
    expect(truncationOffset(follower, { epoch: 2, endOffset: 6 })).toBe(2);
  });

  it('the leader knows no epoch at all: truncate to the high watermark', () => {
    const follower = logOf([1, 1, 1]);
    follower.highWatermark = 2;
    expect(truncationOffset(follower, { epoch: -1, endOffset: -1 })).toBe(2);
  });
});

describe('followers converge after faults heal', () => {
  it('a broker that led an epoch without writing rejoins the ISR with the next leader’s log', () => {
    const sim = untilReady(cluster(7));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    sim.runFor(500);
    for (const v of ['a', 'b', 'c'])
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: null, value: v });
    expect(sim.runUntil((s) => s.snapshot().producers[0]!.acked === 3, 5000)).toBe(true);
    const leaderOf = (s: typeof sim) => s.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
    const first = leaderOf(sim).leader;
    sim.dispatch({ type: 'broker.crash', broker: first });
    expect(sim.runUntil((s) => ![first, -1].includes(leaderOf(s).leader), 15_000)).toBe(true);
    // The second leader opens its epoch at offset 3 and dies before writing anything.
    const second = leaderOf(sim).leader;
    const epochsOf = (b: number) =>
      (sim.kernel.state.nodes[`broker-${b}`] as BrokerNode).durable.logs['orders-0']!.epochs;
    const opened = leaderOf(sim).leaderEpoch;
    expect(sim.runUntil(() => epochsOf(second).at(-1)?.epoch === opened, 1000)).toBe(true);
    expect(epochsOf(second).at(-1)).toEqual({ epoch: opened, startOffset: 3 });
    sim.dispatch({ type: 'broker.crash', broker: second });
    expect(sim.runUntil((s) => ![first, second, -1].includes(leaderOf(s).leader), 15_000)).toBe(true);
    sim.dispatch({ type: 'broker.restart', broker: second });
    sim.dispatch({ type: 'broker.restart', broker: first });
    expect(checkConvergence(sim, 20_000)).toBeNull();
    expect(leaderOf(sim).isr).toHaveLength(3);
  });

  it('a partition answering NOT_LEADER_OR_FOLLOWER backs off alone, with no immediate Fetch loop (cluster sweep seed 13)', () => {
    const sim = cluster(13, { brokers: 4 });
    expect(fuzz(sim, 13, { meanGapMs: 1500, durationMs: 30_000 }, () => null)).toBeNull();
    const since = sim.events().at(-1)!.seq;
    expect(checkConvergence(sim, 20_000)).toBeNull();
    // Each failing partition is asked for again only after replica.fetch.backoff.ms (1 s).
    const errorAnswers = sim
      .events(since)
      .filter(
        (e) =>
          e.type === 'rpc.sent' &&
          e.kind === 'FetchResponse' &&
          e.from.startsWith('broker-') &&
          e.to.startsWith('broker-') &&
          (e.body as { partitions?: { error: string | null }[] }).partitions?.some((p) => p.error !== null),
      );
    expect(errorAnswers.length).toBeLessThan(60);
  });
});
