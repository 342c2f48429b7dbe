/**
 * Incremental fetch sessions on the leader (KIP-227, Kafka's FetchManager / FetchSessionCache):
 * a raw client speaks the session fields to a real broker, and a real cluster's followers show
 * that idle partitions leave the wire.
 */
import { describe, expect, it } from 'vitest';
import type { FetchPartitionRequest, ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';
import type { Simulation } from '../simulation';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from '../testing/raw-client';
import { untilReady } from '../testing/scenario';

function setup(brokerConfig: Record<string, number> = {}) {
  const sim = untilReady(simulationWithRawClient({ seed: 5, brokers: 3, brokerConfig }));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(1500); // the followers' first (full) fetches have been answered: their sessions exist
  const orders = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
  return { sim, leader: `broker-${orders.leader}`, epoch: orders.leaderEpoch };
}

/** A consumer-style fetch (no long poll) with session fields, answered at once. */
function fetch(
  sim: Simulation,
  leader: string,
  session: Pick<ReplicaFetchRequest, 'sessionId' | 'sessionEpoch' | 'forgottenPartitions'>,
  partitions: FetchPartitionRequest[],
): ReplicaFetchResponse {
  const body: ReplicaFetchRequest = {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    isolationLevel: 'read_uncommitted',
    partitions,
    ...session,
  };
  const id = sendRaw(sim, leader, 'Fetch', body);
  sim.runUntil(() => replyTo(sim, id) !== undefined, 1000);
  return replyTo(sim, id)!.body as ReplicaFetchResponse;
}

const part = (topic: string, fetchOffset: number, epoch: number): FetchPartitionRequest => ({
  topic,
  partition: 0,
  fetchOffset,
  currentLeaderEpoch: epoch,
  lastFetchedEpoch: -1,
});

describe('fetch sessions on the leader', () => {
  it('a full fetch opens a session; incremental fetches then answer only partitions with news', () => {
    const { sim, leader, epoch } = setup();
    const full = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    expect(full.error).toBeUndefined();
    expect(full.sessionId).toBeGreaterThan(0);
    expect(full.partitions.map((p) => p.topic)).toEqual(['orders']);
    // Nothing new: the answer is empty, but the session lives on (epoch 1, then 2).
    const idle = fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 1 }, []);
    expect(idle).toMatchObject({ sessionId: full.sessionId, partitions: [] });
    sendRaw(sim, leader, 'Produce', produce('orders', 0, batchOf(['a', 'b'])));
    sim.runFor(300); // replicated: the high watermark passed the records
    const news = fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 2 }, []);
    expect(news.partitions).toHaveLength(1);
    expect(news.partitions[0]!.batches.flatMap((b) => b.records.map((r) => r.value))).toEqual(['a', 'b']);
    expect(news.partitions[0]!.highWatermark).toBe(2);
  });

  it('answers an unknown session FETCH_SESSION_ID_NOT_FOUND and a wrong epoch INVALID_FETCH_SESSION_EPOCH', () => {
    const { sim, leader, epoch } = setup();
    const full = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    const unknown = fetch(sim, leader, { sessionId: full.sessionId! + 100, sessionEpoch: 1 }, []);
    expect(unknown).toEqual({ error: 'FETCH_SESSION_ID_NOT_FOUND', sessionId: 0, partitions: [] });
    const stale = fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 5 }, []);
    expect(stale).toEqual({ error: 'INVALID_FETCH_SESSION_EPOCH', sessionId: 0, partitions: [] });
    // The right epoch still works: an error does not advance the session.
    expect(fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 1 }, []).error).toBeUndefined();
  });

  it('a full fetch naming a session closes it; the FINAL epoch closes it and opens none', () => {
    const { sim, leader, epoch } = setup();
    const first = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    const second = fetch(sim, leader, { sessionId: first.sessionId!, sessionEpoch: 0 }, [
      part('orders', 0, epoch),
    ]);
    expect(second.sessionId).toBeGreaterThan(first.sessionId!);
    expect(fetch(sim, leader, { sessionId: first.sessionId!, sessionEpoch: 1 }, []).error).toBe(
      'FETCH_SESSION_ID_NOT_FOUND',
    );
    const last = fetch(sim, leader, { sessionId: second.sessionId!, sessionEpoch: -1 }, [
      part('orders', 0, epoch),
    ]);
    expect(last).toMatchObject({ sessionId: 0 });
    expect(last.partitions).toHaveLength(1); // answered in full, sessionless
    expect(fetch(sim, leader, { sessionId: second.sessionId!, sessionEpoch: 1 }, []).error).toBe(
      'FETCH_SESSION_ID_NOT_FOUND',
    );
  });

  it('forgetting every partition removes the session', () => {
    const { sim, leader, epoch } = setup();
    const full = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    const forgot = fetch(
      sim,
      leader,
      {
        sessionId: full.sessionId!,
        sessionEpoch: 1,
        forgottenPartitions: [{ topic: 'orders', partition: 0 }],
      },
      [],
    );
    expect(forgot).toEqual({ sessionId: 0, partitions: [] });
    expect(fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 2 }, []).error).toBe(
      'FETCH_SESSION_ID_NOT_FOUND',
    );
  });

  it('an error is always answered, and the partition is answered again once it clears', () => {
    const { sim, leader, epoch } = setup();
    const full = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    // A fetch offset past the log end: OFFSET_OUT_OF_RANGE, in the answer.
    const bad = fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 1 }, [
      part('orders', 7, epoch),
    ]);
    expect(bad.partitions.map((p) => p.error)).toEqual(['OFFSET_OUT_OF_RANGE']);
    const fixed = fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 2 }, [
      part('orders', 0, epoch),
    ]);
    expect(fixed.partitions.map((p) => p.error)).toEqual([null]); // sent again although nothing moved
    expect(fetch(sim, leader, { sessionId: full.sessionId!, sessionEpoch: 3 }, []).partitions).toEqual([]);
  });

  it('with max.incremental.fetch.session.cache.slots full, a consumer cannot evict a fresh follower session', () => {
    // One slot per broker: the first follower to fetch from each leader holds it.
    const { sim, leader, epoch } = setup({ 'max.incremental.fetch.session.cache.slots': 1 });
    const full = fetch(sim, leader, { sessionId: 0, sessionEpoch: 0 }, [part('orders', 0, epoch)]);
    expect(full).toMatchObject({ sessionId: 0 }); // answered, but no session
    expect(full.partitions).toHaveLength(1);
  });
});

describe('fetch sessions in a running cluster', () => {
  function followerFetches(sim: Simulation, sinceSeq: number) {
    return sim
      .events(sinceSeq)
      .flatMap((e) =>
        e.type === 'rpc.sent' &&
        e.from.startsWith('broker-') &&
        e.to.startsWith('broker-') &&
        e.kind === 'Fetch'
          ? [{ from: e.from, to: e.to, body: e.body as ReplicaFetchRequest }]
          : [],
      );
  }

  it('idle partitions leave the wire: followers send empty incremental fetches with rising epochs', () => {
    const sim = untilReady(simulationWithRawClient({ seed: 3, brokers: 3 }));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 6, replicationFactor: 3 });
    sim.runFor(3000);
    const since = sim.trace().at(-1)!.seq;
    sim.runFor(2000);
    const fetches = followerFetches(sim, since + 1);
    expect(fetches.length).toBeGreaterThan(6);
    for (const f of fetches) {
      expect(f.body.sessionId).toBeGreaterThan(0);
      expect(f.body.partitions).toEqual([]);
    }
    const oneLink = fetches.filter((f) => f.from === fetches[0]!.from && f.to === fetches[0]!.to);
    const epochs = oneLink.map((f) => f.body.sessionEpoch!);
    expect(epochs).toEqual(epochs.map((_, i) => epochs[0]! + i));
    const answers = sim
      .events(since + 1)
      .filter(
        (e) =>
          e.type === 'rpc.sent' &&
          e.kind === 'FetchResponse' &&
          e.from.startsWith('broker-') &&
          e.to.startsWith('broker-'),
      );
    expect(
      answers.every((e) => e.type === 'rpc.sent' && (e.body as ReplicaFetchResponse).partitions.length === 0),
    ).toBe(true);
  });

  it('a follower whose fetch got no answer closes its session with a full fetch and opens a new one', () => {
    const sim = untilReady(simulationWithRawClient({ seed: 3, brokers: 3 }));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
    sim.runFor(3000);
    const p0 = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
    const leader = `broker-${p0.leader}`;
    const follower = `broker-${p0.replicas.find((b) => b !== p0.leader)}`;
    const before = followerFetches(sim, 0).filter((f) => f.from === follower && f.to === leader);
    const oldId = before.at(-1)!.body.sessionId!;
    expect(oldId).toBeGreaterThan(0);
    const since = sim.trace().at(-1)!.seq;
    sim.dispatch({ type: 'network.partition', sides: [[follower], [leader]] });
    sim.runFor(4000); // the fetch in flight is lost and times out
    sim.dispatch({ type: 'network.heal' });
    sim.runFor(4000);
    const after = followerFetches(sim, since + 1).filter((f) => f.from === follower && f.to === leader);
    const full = after.findIndex((f) => f.body.sessionEpoch === 0);
    expect(after[full]!.body).toMatchObject({ sessionId: oldId, sessionEpoch: 0 });
    expect(after[full]!.body.partitions).toHaveLength(1);
    const next = after.slice(full + 1).find((f) => f.body.sessionEpoch !== 0)!;
    expect(next.body.sessionEpoch).toBe(1);
    expect(next.body.sessionId).toBeGreaterThan(oldId);
    const p = sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
    expect(p.isr).toHaveLength(3);
  });
});
