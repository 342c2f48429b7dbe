/**
 * Parked fetches wait for fetch.min.bytes (issue 13, reference §9, Kafka's DelayedFetch): a
 * consumer Fetch held at the leader is answered when the bytes it can read reach minBytes, when
 * maxWaitMs passes, or when leadership changes — not as soon as one small record arrives.
 */
import { describe, expect, it } from 'vitest';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';
import type { Simulation } from '../simulation';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import { untilReady } from '../testing/scenario';

function setup(brokerConfig: Record<string, number> = {}) {
  const sim = untilReady(simulationWithRawClient({ seed: 5, brokers: 3, brokerConfig }));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(500);
  const p = sim.snapshot().topics[0]!.partitions[0]!;
  return { sim, leader: `broker-${p.leader}`, leaderId: p.leader, epoch: p.leaderEpoch };
}

function consumerFetch(sim: Simulation, leader: string, epoch: number, minBytes: number, maxWaitMs: number) {
  const body: ReplicaFetchRequest = {
    replicaId: -1,
    maxWaitMs,
    minBytes,
    isolationLevel: 'read_uncommitted',
    partitions: [
      { topic: 'orders', partition: 0, fetchOffset: 0, currentLeaderEpoch: epoch, lastFetchedEpoch: -1 },
    ],
  };
  return { id: sendRaw(sim, leader, 'Fetch', body), sentAtMs: sim.now() };
}

const answerOf = (sim: Simulation, id: number) => replyTo(sim, id)?.body as ReplicaFetchResponse | undefined;

describe('parked fetches (DelayedFetch)', () => {
  it('a consumer fetch with fetch.min.bytes waits past one small record until max wait', () => {
    const { sim, leader, epoch } = setup();
    const f = consumerFetch(sim, leader, epoch, 10_000, 2000);
    sim.runFor(100);
    sendRaw(sim, leader, 'Produce', produce('orders', 0, batchOf(['small'])));
    sim.runFor(1000);
    expect(replyTo(sim, f.id)).toBeUndefined(); // one small record is not 10 000 bytes
    sim.runUntil(() => replyTo(sim, f.id) !== undefined, 3000);
    const reply = replyTo(sim, f.id)!;
    expect(reply.sentAtMs - f.sentAtMs).toBeGreaterThanOrEqual(2000);
    expect(answerOf(sim, f.id)!.partitions[0]!.batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(
      ['small'],
    );
  });

  it('completes as soon as the readable bytes reach fetch.min.bytes', () => {
    const { sim, leader, epoch } = setup();
    const f = consumerFetch(sim, leader, epoch, 600, 5000);
    sim.runFor(100);
    for (let i = 0; i < 10; i++) {
      sendRaw(sim, leader, 'Produce', produce('orders', 0, batchOf(['x'.repeat(100)])));
      sim.runFor(50);
    }
    sim.runFor(200);
    const reply = replyTo(sim, f.id);
    expect(reply).toBeDefined();
    expect(reply!.sentAtMs - f.sentAtMs).toBeLessThan(1000);
    const bytes = answerOf(sim, f.id)!.partitions[0]!.batches.reduce((n, b) => n + b.sizeBytes, 0);
    expect(bytes).toBeGreaterThanOrEqual(600);
  });

  it('a leadership change answers a parked fetch at once', () => {
    const { sim, leader, leaderId, epoch } = setup();
    const f = consumerFetch(sim, leader, epoch, 10_000, 60_000);
    sim.runFor(100);
    sim.dispatch({
      type: 'network.partition',
      sides: [
        [leader],
        sim
          .snapshot()
          .nodes.filter((n) => n.kind === 'controller')
          .map((n) => n.id),
      ],
    });
    // Fenced by the controller, the old leader learns it lost leadership when it is healed.
    sim.runFor(12_000);
    sim.dispatch({ type: 'network.heal' });
    expect(sim.runUntil(() => replyTo(sim, f.id) !== undefined, 10_000)).toBe(true);
    expect(sim.snapshot().topics[0]!.partitions[0]!.leader).not.toBe(leaderId);
    expect(answerOf(sim, f.id)!.partitions[0]!.error).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(replyTo(sim, f.id)!.sentAtMs - f.sentAtMs).toBeLessThan(60_000);
  });

  it('followers wait for replica.fetch.min.bytes too', () => {
    const { sim, leader } = setup({ 'replica.fetch.min.bytes': 100_000, 'replica.fetch.wait.max.ms': 3000 });
    sim.runFor(3000);
    const since = sim.events().at(-1)!.seq;
    sendRaw(sim, leader, 'Produce', produce('orders', 0, batchOf(['small']), 1));
    sim.runFor(6000);
    const appended = sim.events(since).filter((e) => e.type === 'replica.appended');
    const produced = sim.events(since).find((e) => e.type === 'partition.appended')!;
    expect(appended.length).toBeGreaterThan(0);
    // The followers' parked fetches were not released by the small record: it reached them only
    // when their replica.fetch.wait.max.ms ran out.
    for (const a of appended) expect(a.atMs - produced.atMs).toBeGreaterThan(500);
  });
});
