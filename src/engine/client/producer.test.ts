/**
 * The producer against a scripted fake broker (src/engine/testing/fake-broker.ts): batching,
 * partitioning, acks, sequences, metadata and crashes, deterministically. Failure handling is in
 * producer-retries.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ProduceRequest } from '../protocol/produce';
import type { Simulation } from '../simulation';
import { fakeCluster, fakeFault, fakeLog, fakeMute, fakeTopic, producerWorld } from '../testing/fake-broker';
import { eventsOf as of } from '../testing/scenario';
import { partitionForKey } from './murmur2';
import { enqueueRecords } from './producer-module';

function produceBodies(sim: Simulation): ProduceRequest[] {
  return of(sim, 'rpc.sent')
    .filter((e) => e.kind === 'Produce')
    .map((e) => e.body as ProduceRequest);
}

describe('producer: the happy path with idempotence (the default)', () => {
  it('gets a producer id, then metadata, then sends one batch per partition and acknowledges each record', () => {
    const { sim, send } = producerWorld();
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
        transactionalId: null,
        producerEpoch: 0,
        transactionState: null,
      },
    ]);
  });

  it('records sent in the same instant share a batch even with linger.ms=0', () => {
    const { sim, send } = producerWorld();
    sim.runFor(20);
    for (let i = 0; i < 5; i++) send(null, `v${i}`, { partition: 1 });
    sim.runFor(50);
    expect(of(sim, 'producer.batchSent')).toMatchObject([
      { partition: 1, records: 5, baseSequence: 0, attempt: 1, broker: 2 },
    ]);
    expect(of(sim, 'producer.acked').map((a) => a.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('linger.ms holds a batch open for records that come a little later', () => {
    const { sim, send } = producerWorld({ 'linger.ms': 50 });
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
    const { sim, send } = producerWorld({ 'batch.size': 130 });
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
    const { sim, send } = producerWorld({}, [1, 1, 2]);
    sim.runFor(20);
    send(null, 'a', { partition: 0 });
    send(null, 'b', { partition: 1 });
    send(null, 'c', { partition: 2 });
    sim.runFor(50);
    expect(produceBodies(sim).map((r) => r.partitions.map((p) => p.partition))).toEqual([[0, 1], [2]]);
    expect(produceBodies(sim)[0]).toMatchObject({ acks: -1, timeoutMs: 30000, transactionalId: null });
  });

  it('keyless records stick to one partition', () => {
    const { sim, send } = producerWorld();
    sim.runFor(20);
    for (let i = 0; i < 6; i++) send(null, `v${i}`);
    sim.runFor(50);
    const partitions = new Set(of(sim, 'producer.queued').map((q) => q.partition));
    expect(partitions.size).toBe(1);
  });
});

describe('producer: acks', () => {
  it('acks=0: acknowledged at send time with offset -1, no response, no producer id', () => {
    const { sim, send } = producerWorld({ acks: 0 });
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
    const { sim, send } = producerWorld({ acks: 0 });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS' });
    send('a', 'x');
    sim.runFor(500);
    expect(of(sim, 'producer.batchSent')).toHaveLength(1);
    expect(of(sim, 'producer.retryScheduled')).toHaveLength(0);
  });

  it('acks=1 without idempotence: producer id and sequence are -1 on the wire', () => {
    const { sim, send } = producerWorld({ acks: 1 });
    send(null, 'x', { partition: 0 });
    sim.runFor(50);
    const body = produceBodies(sim)[0]!;
    expect(body.acks).toBe(1);
    expect(body.partitions[0]!.batch).toMatchObject({ producerId: -1, baseSequence: -1 });
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
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

  it('max.block.ms counts from send(), not from an older record timestamp (no wake-up in the past)', () => {
    // A Kafka Streams output record keeps its input's event time, which may be minutes old. The
    // sender once woke at `timestamp + max.block.ms`: already past, so it re-ran at the same
    // instant forever while the topic's metadata was on its way (lesson 18 froze in the page).
    const sim = fakeCluster();
    fakeTopic(sim, 'orders', [1, 2, 3]);
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 1, 'max.block.ms': 500 } });
    delete (sim.kernel.state.shared.fake as { topics: Record<string, unknown> }).topics.orders;
    sim.runFor(2000);
    const id = sim.dispatch({
      type: 'producer.send',
      producer: 'p1',
      topic: 'orders',
      key: 'k',
      value: 'v',
      timestamp: 0,
    });
    // Step entry by entry (a bounded loop, so a regression fails instead of hanging).
    const now = sim.kernel.now();
    let steps = 0;
    while ((sim.kernel.nextAtMs() ?? Infinity) <= now && steps < 1000) {
      sim.kernel.step();
      steps++;
    }
    expect(steps).toBeLessThan(1000);
    sim.runFor(1000);
    expect(of(sim, 'producer.failed')).toMatchObject([
      { commandId: id, message: 'Topic orders not present in metadata after 500 ms.' },
    ]);
    expect(of(sim, 'producer.failed')[0]!.atMs).toBe(now + 500);
  });

  it('a crash loses unsent records silently; a restart gets a new producer id', () => {
    const { sim, send } = producerWorld({ 'linger.ms': 1000 });
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
    const { sim } = producerWorld();
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

  it('once metadata is known, places keyed records by hash and keyless ones on the sticky partition', () => {
    const { sim, send } = producerWorld({ 'linger.ms': 5 });
    send('warm-up', 'x');
    sim.runFor(100);
    const records = [...Array(30).keys()].map((i) => ({ key: i % 3 === 0 ? null : `k${i}`, value: `v${i}` }));
    enqueueRecords(sim, 'p1', 'orders', records);
    sim.runFor(100);
    expect(sim.snapshot().producers[0]).toMatchObject({ acked: 31, queued: 0 });
    const logs = [0, 1, 2].map((p) => fakeLog(sim, p + 1, 'orders', p));
    for (const [p, log] of logs.entries()) {
      for (const r of log) if (r.key !== null) expect(partitionForKey(r.key, 3)).toBe(p);
    }
    const keyless = logs.map((log) => log.filter((r) => r.key === null).length);
    expect(keyless.filter((n) => n > 0)).toEqual([10]);
  });

  it('is deterministic: the same calls give the same trace', () => {
    const run = () => {
      const { sim, send } = producerWorld({ 'linger.ms': 5 });
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
