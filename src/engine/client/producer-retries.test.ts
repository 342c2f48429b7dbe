/**
 * The producer's failure handling against a scripted fake broker: retriable and fatal errors,
 * request and delivery timeouts, and idempotent ordering after a failure.
 */
import { describe, expect, it } from 'vitest';
import { fakeFault, fakeLeader, fakeLog, producerWorld } from '../testing/fake-broker';
import { eventsOf as of } from '../testing/scenario';

describe('producer: retries', () => {
  it('retries a retriable error after retry.backoff.ms', () => {
    const { sim, send } = producerWorld();
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS' });
    send(null, 'x', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retryScheduled')).toMatchObject([
      { error: 'NOT_ENOUGH_REPLICAS', attempt: 2, partition: 0 },
    ]);
    const sent = of(sim, 'producer.batchSent');
    expect(sent.map((b) => [b.attempt, b.baseSequence])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(sent[1]!.atMs - of(sim, 'producer.retryScheduled')[0]!.atMs).toBe(100);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
  });

  it('NOT_ENOUGH_REPLICAS_AFTER_APPEND: a non-idempotent retry duplicates the record (real Kafka behaviour)', () => {
    const { sim, send } = producerWorld({ acks: 'all', 'enable.idempotence': false });
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', append: true });
    send(null, 'once', { partition: 0 });
    sim.runFor(300);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(['once', 'once']);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 1 }]);
  });

  it('NOT_ENOUGH_REPLICAS_AFTER_APPEND: an idempotent retry is recognised as a duplicate', () => {
    const { sim, send } = producerWorld();
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', append: true });
    send(null, 'once', { partition: 0 });
    sim.runFor(300);
    expect(fakeLog(sim, 1, 'orders', 0).map((r) => r.value)).toEqual(['once']);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
  });

  it('NOT_LEADER_OR_FOLLOWER refreshes metadata and the retry goes to the new leader', () => {
    const { sim, send } = producerWorld();
    sim.runFor(20);
    send(null, 'a', { partition: 0 });
    sim.runFor(50);
    fakeLeader(sim, 'orders', 0, 3);
    send(null, 'b', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retryScheduled')).toMatchObject([{ error: 'NOT_LEADER_OR_FOLLOWER' }]);
    expect(of(sim, 'producer.batchSent').map((b) => b.broker)).toEqual([1, 1, 3]);
    expect(of(sim, 'rpc.sent').filter((e) => e.kind === 'Metadata')).toHaveLength(2);
    expect(fakeLog(sim, 3, 'orders', 0).map((r) => r.value)).toEqual(['b']);
    expect(of(sim, 'producer.acked')).toHaveLength(2);
  });

  it('a non-retriable error fails the records at once', () => {
    const { sim, send } = producerWorld();
    fakeFault(sim, { error: 'INVALID_RECORD' });
    const id = send(null, 'x', { partition: 0 });
    sim.runFor(300);
    expect(of(sim, 'producer.retryScheduled')).toHaveLength(0);
    expect(of(sim, 'producer.failed')).toMatchObject([
      { commandId: id, error: 'INVALID_RECORD', partition: 0 },
    ]);
    expect(sim.snapshot().producers[0]).toMatchObject({ failed: 1, acked: 0 });
  });

  it('retries=0 fails on the first retriable error and says why', () => {
    const { sim, send } = producerWorld({ retries: 0 });
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
    const { sim, send } = producerWorld({ 'request.timeout.ms': 1000, 'delivery.timeout.ms': 5000 });
    sim.runFor(20);
    fakeFault(sim, { silent: true, append: false });
    send(null, 'x', { partition: 0 });
    sim.runFor(2000);
    const retrying = of(sim, 'producer.retryScheduled');
    expect(retrying).toMatchObject([{ error: 'REQUEST_TIMED_OUT', attempt: 2 }]);
    expect(retrying[0]!.atMs - of(sim, 'producer.batchSent')[0]!.atMs).toBe(1000);
    expect(of(sim, 'producer.acked')).toHaveLength(1);
    expect(sim.snapshot().producers[0]).toMatchObject({ inFlight: 0, queued: 0, acked: 1 });
  });

  it('a late response to a timed-out request is ignored', () => {
    const { sim, send } = producerWorld({ 'request.timeout.ms': 10, 'delivery.timeout.ms': 5000 });
    sim.runFor(20);
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'producer:p1', latencyMs: 30 });
    send(null, 'x', { partition: 0 });
    sim.runFor(60);
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'producer:p1', latencyMs: 2 });
    sim.runFor(300);
    // First attempt timed out (its answer came too late); the retry is a duplicate the broker recognises.
    expect(of(sim, 'producer.retryScheduled').length).toBeGreaterThanOrEqual(1);
    expect(of(sim, 'producer.acked')).toMatchObject([{ offset: 0 }]);
    expect(fakeLog(sim, 1, 'orders', 0)).toHaveLength(1);
  });
});

describe('producer: delivery.timeout.ms', () => {
  it('records waiting for a leader expire with a Kafka-like message', () => {
    const { sim, send } = producerWorld(
      { 'request.timeout.ms': 500, 'delivery.timeout.ms': 1000 },
      [-1, 2, 3],
    );
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
    const { sim, send } = producerWorld({ 'request.timeout.ms': 300, 'delivery.timeout.ms': 1000 });
    sim.runFor(20);
    fakeFault(sim, { error: 'NOT_ENOUGH_REPLICAS', times: 1000 });
    send(null, 'x', { partition: 0 });
    sim.runFor(2000);
    const [failed] = of(sim, 'producer.failed');
    expect(failed).toMatchObject({ error: 'REQUEST_TIMED_OUT' });
    expect(failed!.message).toMatch(
      /^Expiring 1 record\(s\) for orders-0: 1000 ms has passed since batch creation$/,
    );
    // Retried after 100, 200, 400 ms (the backoff doubles), then the batch expired waiting.
    const sent = of(sim, 'producer.batchSent').map((e) => e.atMs);
    expect(sent).toHaveLength(4);
    const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
    expect(gaps.every((g, i) => i === 0 || g > gaps[i - 1]!)).toBe(true);
  });

  it('a retriable error that arrives after delivery.timeout.ms fails the batch with that error', () => {
    const { sim, send } = producerWorld({ 'request.timeout.ms': 1000, 'delivery.timeout.ms': 1000 });
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
    const { sim, send } = producerWorld({ 'request.timeout.ms': 300, 'delivery.timeout.ms': 1000 });
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
    const { sim, send } = producerWorld({ 'batch.size': 130 });
    sim.runFor(20);
    send(null, 'v0', { partition: 0 }); // the broker now has state for this producer (last sequence 0)
    sim.runFor(50);
    fakeFault(sim, { partition: 0, error: 'NOT_ENOUGH_REPLICAS' });
    for (let i = 1; i <= 8; i++) send(null, `v${i}`, { partition: 0 });
    sim.runFor(500);
    const retried = of(sim, 'producer.retryScheduled').map((r) => r.error);
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
