/**
 * The producer against a scripted fake broker (src/engine/testing/fake-broker.ts): batching,
 * partitioning, acks, retries, idempotent sequences and timeouts, deterministically.
 */
import { describe, expect, it } from 'vitest';
import type { Command, EventOf, EventType } from '../types';
import type { Simulation } from '../simulation';
import { fakeCluster, fakeFault, fakeLeader, fakeLog, fakeMute, fakeTopic } from '../testing/fake-broker';
import { partitionForKey } from './murmur2';
import { enqueueRecords } from './producer-module';
import type { ProduceRequest } from '../protocol/produce';

function of<K extends EventType>(sim: Simulation, type: K): EventOf<K>[] {
  return sim.events().filter((e): e is EventOf<K> => e.type === type);
}

function produceBodies(sim: Simulation): ProduceRequest[] {
  return of(sim, 'rpc.sent')
    .filter((e) => e.kind === 'Produce')
    .map((e) => e.body as ProduceRequest);
}

function setup(config: Record<string, string | number | boolean> = {}, leaders = [1, 2, 3]) {
  const sim = fakeCluster();
  fakeTopic(sim, 'orders', leaders);
  sim.dispatch({ type: 'producer.create', producer: 'p1', config });
  const send = (
    key: string | null,
    value: string,
    extra: Partial<Extract<Command, { type: 'producer.send' }>> = {},
  ) => sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key, value, ...extra });
  return { sim, send };
}

describe('producer: the happy path with idempotence (the default)', () => {
  it('gets a producer id, then metadata, then sends one batch per partition and acknowledges each record', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    expect(of(sim, 'producer.idAssigned')).toMatchObject([
      { producer: 'p1', producerId: 1000, producerEpoch: 0 },
    ]);
    const ids = ['a', 'b', 'c'].map((k) => send(k, `v-${k}`));
    sim.runFor(50);
    const kinds = of(sim, 'rpc.sent').map((e) => e.kind);
    expect(kinds.slice(0, 4)).toEqual([
      'InitProducerId',
      'InitProducerIdResponse',
      'Metadata',
      'MetadataResponse',
    ]);
    const acked = of(sim, 'producer.acked');
    expect(acked.map((a) => a.commandId).sort()).toEqual([...ids].sort());
    for (const [i, k] of ['a', 'b', 'c'].entries()) {
      const a = acked.find((e) => e.commandId === ids[i])!;
      expect(a.partition).toBe(partitionForKey(k, 3));
      expect(fakeLog(sim, [1, 2, 3][a.partition]!, 'orders', a.partition)[a.offset]!.value).toBe(`v-${k}`);
    }
    expect(of(sim, 'producer.queued')).toHaveLength(3);
    expect(sim.snapshot().producers).toEqual([
      {
        id: 'p1',
        node: 'producer:p1',
        alive: true,
        acks: 'all',
        idempotent: true,
        producerId: 1000,
        queued: 0,
        inFlight: 0,
        acked: 3,
        failed: 0,
      },
    ]);
  });

  it('records sent in the same instant share a batch even with linger.ms=0', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    for (let i = 0; i < 5; i++) send(null, `v${i}`, { partition: 1 });
    sim.runFor(50);
    expect(of(sim, 'producer.batchSent')).toMatchObject([
      { partition: 1, records: 5, baseSequence: 0, attempt: 1, broker: 2 },
    ]);
    expect(of(sim, 'producer.acked').map((a) => a.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('linger.ms holds a batch open for records that come a little later', () => {
    const { sim, send } = setup({ 'linger.ms': 50 });
    send('warm-up', 'metadata first');
    sim.runFor(200);
    const t0 = sim.now();
    send('k', 'one');
    sim.runFor(30);
    send('k', 'two');
    sim.runFor(100);
    const sent = of(sim, 'producer.batchSent').slice(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.records).toBe(2);
    expect(sent[0]!.atMs).toBe(t0 + 50);
  });

  it('batch.size splits records into several batches; sequences count records per partition', () => {
    // 12 + 1 + 2 bytes per record: 61 + 4 * 15 = 121 ≤ 130, so 4 records fit in a batch.
    const { sim, send } = setup({ 'batch.size': 130 });
    sim.runFor(20);
    for (let i = 0; i < 10; i++) send(null, `v${i}`, { partition: 0 });
    send(null, 'x', { partition: 2 });
    sim.runFor(200);
    const sent = of(sim, 'producer.batchSent').map((b) => [b.partition, b.records, b.baseSequence]);
    // Up to max.in.flight requests go to a leader at once, each with one batch of the partition.
    expect(sent).toEqual([
      [0, 4, 0],
      [0, 4, 4],
      [0, 2, 8],
      [2, 1, 0],
    ]);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(
      [...Array(10).keys()].map((i) => `v${i}`),
    );
  });

  it('groups partitions with the same leader into one Produce request', () => {
    const { sim, send } = setup({}, [1, 1, 2]);
    sim.runFor(20);
    send(null, 'a', { partition: 0 });
    send(null, 'b', { partition: 1 });
    send(null, 'c', { partition: 2 });
    sim.runFor(50);
    expect(produceBodies(sim).map((r) => r.partitions.map((p) => p.partition))).toEqual([[0, 1], [2]]);
    expect(produceBodies(sim)[0]).toMatchObject({ acks: -1, timeoutMs: 30000, transactionalId: null });
  });

  it('keyless records stick to one partition', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    for (let i = 0; i < 6; i++) send(null, `v${i}`);
    sim.runFor(50);
    const partitions = new Set(of(sim, 'producer.queued').map((q) => q.partition));
    expect(partitions.size).toBe(1);
  });
});

describe('producer: acks', () => {
  it('acks=0: acknowledged at send time with offset -1, no response, no producer id', () => {
    const { sim, send } = setup({ acks: 0 });
    send('a', 'x');
    send('a', 'y');
    sim.runFor(50);
    const acked = of(sim, 'producer.acked');
    expect(acked.map((a) => a.offset)).toEqual([-1, -1]);
    const sentAt = of(sim, 'producer.batchSent')[0]!.atMs;
    expect(acked.every((a) => a.atMs === sentAt)).toBe(true);
    expect(of(sim, 'rpc.sent').map((e) => e.kind)).toEqual(['Metadata', 'MetadataResponse', 'Produce']);
    expect(produceBodies(sim)[0]!.acks).toBe(0);
    expect(fakeLog(sim, 1 + partitionForKey('a', 3), 'orders', partitionForKey('a', 3))).toHaveLength(2);
  });

  it('acks=0 does not retry', () => {
    const { sim, send } = setup({ acks: 0 });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS' });
    send('a', 'x');
    sim.runFor(500);
    expect(of(sim, 'producer.batchSent')).toHaveLength(1);
    expect(of(sim, 'producer.retrying')).toHaveLength(0);
  });

  it('acks=1 without idempotence: producer id and sequence are -1 on the wire', () => {
    const { sim, send } = setup({ acks: 1 });
    send(null, 'x', { partition: 0 });
    sim.runFor(50);
    const body = produceBodies(sim)[0]!;
    expect(body.acks).toBe(1);
    expect(body.partitions[0]!.batch).toMatchObject({ producerId: -1, baseSequence: -1 });
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
  });
});

describe('producer: retries', () => {
  it('retries a retriable error after retry.backoff.ms', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS' });
    send(null, 'x', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retrying')).toMatchObject([
      { error: 'NOT_ENOUGH_REPLICAS', attempt: 2, partition: 0 },
    ]);
    const sent = of(sim, 'producer.batchSent');
    expect(sent.map((b) => [b.attempt, b.baseSequence])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(sent[1]!.atMs - of(sim, 'producer.retrying')[0]!.atMs).toBe(100);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
  });

  it('NOT_ENOUGH_REPLICAS_AFTER_APPEND: a non-idempotent retry duplicates the record (real Kafka behaviour)', () => {
    const { sim, send } = setup({ acks: 'all', 'enable.idempotence': false });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', append: true });
    send(null, 'once', { partition: 0 });
    sim.runFor(300);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(['once', 'once']);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 1 }]);
  });

  it('NOT_ENOUGH_REPLICAS_AFTER_APPEND: an idempotent retry is recognised as a duplicate', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', append: true });
    send(null, 'once', { partition: 0 });
    sim.runFor(300);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(['once']);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
  });

  it('NOT_LEADER_OR_FOLLOWER refreshes metadata and the retry goes to the new leader', () => {
    const { sim, send } = setup();
    sim.runFor(20);
    send(null, 'a', { partition: 0 });
    sim.runFor(50);
    fakeLeader(sim, 'orders', 0, 3);
    send(null, 'b', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retrying')).toMatchObject([{ error: 'NOT_LEADER_OR_FOLLOWER' }]);
    expect(of(sim, 'producer.batchSent').map((b) => b.broker)).toEqual([1, 1, 3]);
    expect(of(sim, 'rpc.sent').filter((e) => e.kind === 'Metadata')).toHaveLength(2);
    expect(fakeLog(sim, 3, 'orders', 0).map((r) => r.value)).toEqual(['b']);
    expect(of(sim, 'producer.acked')).toHaveLength(2);
  });

  it('a non-retriable error fails the records at once', () => {
    const { sim, send } = setup();
    fakeFault(sim, { error: 'INVALID_RECORD' });
    const id = send(null, 'x', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retrying')).toHaveLength(0);
    expect(of(sim, 'producer.failed')).toMatchObject([
      { commandId: id, error: 'INVALID_RECORD', partition: 0 },
    ]);
    expect(sim.snapshot().producers[0]).toMatchObject({ failed: 1, acked: 0 });
  });

  it('retries=0 fails on the first retriable error and says why', () => {
    const { sim, send } = setup({ retries: 0 });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS' });
    send(null, 'x', { partition: 0 });
    sim.runFor(300);
    const [failed] = of(sim, 'producer.failed');
    expect(failed).toMatchObject({ error: 'NOT_ENOUGH_REPLICAS' });
    expect(failed!.message).toMatch(
      /fewer in-sync replicas than required.*retries=0 exhausted after 1 attempt/,
    );
  });

  it('no response within request.timeout.ms counts as REQUEST_TIMED_OUT and is retried', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 1000, 'delivery.timeout.ms': 5000 });
    sim.runFor(20);
    fakeFault(sim, { silent: true, append: false });
    send(null, 'x', { partition: 0 });
    sim.runFor(2000);
    const retrying = of(sim, 'producer.retrying');
    expect(retrying).toMatchObject([{ error: 'REQUEST_TIMED_OUT', attempt: 2 }]);
    expect(retrying[0]!.atMs - of(sim, 'producer.batchSent')[0]!.atMs).toBe(1000);
    expect(of(sim, 'producer.acked')).toHaveLength(1);
    expect(sim.snapshot().producers[0]).toMatchObject({ inFlight: 0, queued: 0, acked: 1 });
  });

  it('a late response to a timed-out request is ignored', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 10, 'delivery.timeout.ms': 5000 });
    sim.runFor(20);
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'producer:p1', latencyMs: 30 });
    send(null, 'x', { partition: 0 });
    sim.runFor(60);
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'producer:p1', latencyMs: 2 });
    sim.runFor(300);
    // First attempt timed out (its answer came too late); the retry is a duplicate the broker recognises.
    expect(of(sim, 'producer.retrying').length).toBeGreaterThanOrEqual(1);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
    expect(fakeLog(sim, 1, 'orders', 0)).toHaveLength(1);
  });
});

describe('producer: delivery.timeout.ms', () => {
  it('records waiting for a leader expire with a Kafka-like message', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 500, 'delivery.timeout.ms': 1000 }, [-1, 2, 3]);
    send(null, 'warm-up', { partition: 1 });
    sim.runFor(100);
    const t0 = sim.now();
    const ids = [
      send(null, 'a', { partition: 0 }),
      send(null, 'b', { partition: 0 }),
      send(null, 'c', { partition: 0 }),
    ];
    sim.runFor(2000);
    const failed = of(sim, 'producer.failed');
    expect(failed.map((f) => f.commandId)).toEqual(ids);
    expect(failed[0]).toMatchObject({
      error: 'REQUEST_TIMED_OUT',
      message: 'Expiring 3 record(s) for orders-0: 1000 ms has passed since batch creation',
    });
    expect(failed[0]!.atMs).toBe(t0 + 1000);
    expect(of(sim, 'producer.batchSent').filter((b) => b.partition === 0)).toHaveLength(0);
  });

  it('a batch that keeps failing expires while it waits to be retried', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 300, 'delivery.timeout.ms': 1000 });
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS', times: 1000 });
    send(null, 'x', { partition: 0 });
    sim.runFor(2000);
    const [failed] = of(sim, 'producer.failed');
    expect(failed).toMatchObject({ error: 'REQUEST_TIMED_OUT' });
    expect(failed!.message).toMatch(
      /^Expiring 1 record\(s\) for orders-0: 1000 ms has passed since batch creation$/,
    );
    expect(of(sim, 'producer.retrying').length).toBeGreaterThan(5);
  });

  it('a retriable error that arrives after delivery.timeout.ms fails the batch with that error', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 1000, 'delivery.timeout.ms': 1000 });
    sim.runFor(20);
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'producer:p1', latencyMs: 600 });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS', times: 2 });
    send(null, 'x', { partition: 0 });
    sim.runFor(3000);
    const [failed] = of(sim, 'producer.failed');
    expect(failed).toMatchObject({ error: 'NOT_ENOUGH_REPLICAS' });
    expect(failed!.message).toMatch(
      /Not retried: \d+ ms has passed since batch creation \(delivery\.timeout\.ms=1000\)/,
    );
  });

  it('after an idempotent batch fails for good, the producer takes a new id and restarts sequences at 0', () => {
    const { sim, send } = setup({ 'request.timeout.ms': 300, 'delivery.timeout.ms': 1000 });
    sim.runFor(20);
    send(null, 'ok', { partition: 0 });
    sim.runFor(50);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS', times: 1000 });
    send(null, 'x', { partition: 0 });
    sim.runFor(1500);
    expect(of(sim, 'producer.failed')).toHaveLength(1);
    sim.kernel.state.shared.fake = { ...(sim.kernel.state.shared.fake as object), faults: [] };
    send(null, 'y', { partition: 0 });
    sim.runFor(200);
    expect(of(sim, 'producer.idAssigned').map((e) => e.producerId)).toEqual([1000, 1001]);
    expect(of(sim, 'producer.batchSent').at(-1)).toMatchObject({ baseSequence: 0 });
    expect(of(sim, 'producer.acked')).toHaveLength(2);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(['ok', 'y']);
  });
});

describe('producer: idempotent ordering after a failure (insertInSequenceOrder)', () => {
  it('an OUT_OF_ORDER_SEQUENCE_NUMBER after an earlier batch failed is retried in sequence order', () => {
    // 4 records per batch: two batches go out at once, in two requests.
    const { sim, send } = setup({ 'batch.size': 130 });
    sim.runFor(20);
    send(null, 'v0', { partition: 0 }); // the broker now has state for this producer (last sequence 0)
    sim.runFor(50);
    fakeFault(sim, { partition: 0, error: 'NOT_ENOUGH_REPLICAS' });
    for (let i = 1; i <= 8; i++) send(null, `v${i}`, { partition: 0 });
    sim.runFor(500);
    const retried = of(sim, 'producer.retrying').map((r) => r.error);
    expect(retried).toEqual(['NOT_ENOUGH_REPLICAS', 'OUT_OF_ORDER_SEQUENCE_NUMBER']);
    const sent = of(sim, 'producer.batchSent').map((b) => [b.baseSequence, b.attempt]);
    expect(sent).toEqual([
      [0, 1],
      [1, 1],
      [5, 1],
      [1, 2],
      [5, 2],
    ]);
    // The retry of sequence 5 waited until sequence 1 was answered.
    const [, , , first, second] = of(sim, 'producer.batchSent');
    const firstAck = of(sim, 'rpc.delivered').find(
      (e) => e.kind === 'ProduceResponse' && e.atMs > first!.atMs,
    )!;
    expect(second!.atMs).toBeGreaterThanOrEqual(firstAck.atMs);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(
      [...Array(9).keys()].map((i) => `v${i}`),
    );
    expect(of(sim, 'producer.acked').map((a) => a.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('producer: metadata and brokers', () => {
  it('moves on to another broker when one does not answer Metadata', () => {
    const sim = fakeCluster();
    fakeTopic(sim, 'orders', [1, 2, 3]);
    for (const b of [1, 2, 3]) fakeMute(sim, b);
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 1, 'request.timeout.ms': 100 } });
    sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: 'v' });
    sim.runFor(350);
    const asked = of(sim, 'rpc.sent')
      .filter((e) => e.kind === 'Metadata')
      .map((e) => e.to);
    expect(asked).toHaveLength(4);
    expect(new Set(asked).size).toBe(3);
    expect(sim.snapshot().producers[0]).toMatchObject({ queued: 1 });
  });

  it('a record waits for its topic in metadata at most max.block.ms', () => {
    const sim = fakeCluster();
    fakeTopic(sim, 'orders', [1, 2, 3]);
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 1, 'max.block.ms': 500 } });
    // The committed view knows the topic, the brokers do not (yet).
    delete (sim.kernel.state.shared.fake as { topics: Record<string, unknown> }).topics.orders;
    const id = sim.dispatch({ type: 'producer.send', producer: 'p1', topic: 'orders', key: 'k', value: 'v' });
    sim.runFor(1000);
    expect(of(sim, 'producer.failed')).toMatchObject([
      {
        commandId: id,
        error: 'REQUEST_TIMED_OUT',
        message: 'Topic orders not present in metadata after 500 ms.',
      },
    ]);
    expect(of(sim, 'rpc.sent').filter((e) => e.kind === 'Metadata').length).toBeGreaterThan(1);
  });

  it('a crash loses unsent records silently; a restart gets a new producer id', () => {
    const { sim, send } = setup({ 'linger.ms': 1000 });
    sim.runFor(20);
    send('k', 'lost');
    sim.runFor(10);
    sim.dispatch({ type: 'node.crash', node: 'producer:p1' });
    sim.runFor(2000);
    expect(of(sim, 'producer.failed')).toHaveLength(0);
    expect(of(sim, 'producer.batchSent')).toHaveLength(0);
    expect(sim.snapshot().producers[0]).toMatchObject({ alive: false, queued: 0, producerId: null });
    sim.dispatch({ type: 'node.restart', node: 'producer:p1' });
    sim.runFor(50);
    expect(of(sim, 'producer.idAssigned').map((e) => e.producerId)).toEqual([1000, 1001]);
    expect(sim.snapshot().producers[0]).toMatchObject({ alive: true, acks: 'all', producerId: 1001 });
  });
});

describe('enqueueRecords (engine-internal fast path)', () => {
  it('feeds records through the accumulator without command ids or per-record events', () => {
    const { sim } = setup();
    enqueueRecords(
      sim,
      'p1',
      'orders',
      [...Array(100).keys()].map((i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    sim.runFor(100);
    expect(of(sim, 'producer.queued')).toHaveLength(0);
    expect(of(sim, 'producer.acked')).toHaveLength(0);
    expect(sim.snapshot().producers[0]).toMatchObject({ acked: 100, queued: 0, failed: 0 });
    const total = [0, 1, 2].reduce((n, p) => n + fakeLog(sim, p + 1, 'orders', p).length, 0);
    expect(total).toBe(100);
    expect(fakeLog(sim, 1, 'orders', 0).every((r) => partitionForKey(r.key!, 3) === 0)).toBe(true);
  });

  it('is deterministic: the same calls give the same trace', () => {
    const run = () => {
      const { sim, send } = setup({ 'linger.ms': 5 });
      enqueueRecords(sim, 'p1', 'orders', [
        { key: null, value: 'a' },
        { key: 'x', value: 'b' },
      ]);
      send(null, 'c');
      sim.runFor(200);
      return JSON.stringify(sim.events());
    };
    expect(run()).toBe(run());
  });
});
