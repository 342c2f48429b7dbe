import { describe, expect, it } from 'vitest';
import { BATCH_OVERHEAD_BYTES, recordSize, type BatchRecord } from '../protocol/produce';
import {
  appendRecord,
  assignSequence,
  expireHeads,
  firstInFlightSequence,
  headReadyAtMs,
  incrementSequence,
  newQueue,
  reenqueue,
  takeHead,
  wireBatch,
} from './accumulator';
import { resolveProducerConfig, type ProducerConfig } from './producer-config';
import {
  initialVolatile,
  type PartitionQueue,
  type ProducerBatch,
  type ProducerVolatile,
} from './producer-state';

const rec = (value: string): BatchRecord => ({ key: null, value, timestamp: 0 });
const size = (r: BatchRecord) => recordSize(r.key, r.value);

function setup(config: Record<string, number> = {}) {
  const v: ProducerVolatile = initialVolatile(0);
  const q = newQueue('orders', 0);
  const cfg: ProducerConfig = resolveProducerConfig(config);
  const add = (value: string, nowMs = 0, commandId = 0) =>
    appendRecord(v, q, rec(value), size(rec(value)), commandId, nowMs, cfg);
  return { v, q, cfg, add };
}

describe('accumulator: batching by batch.size', () => {
  it('records join the open batch until the next would exceed batch.size', () => {
    // Each record is 12 + 8 = 20 bytes; the header is 61: 61 + 3 * 20 = 121 fits in 130, a 4th does not.
    const { q, v, add } = setup({ 'batch.size': 130, 'linger.ms': 50 });
    expect(add('aaaaaaaa', 0)).toBe(50); // a new batch lingers
    expect(add('bbbbbbbb', 1)).toBe(-1);
    expect(add('cccccccc', 2)).toBe(-1);
    expect(q.batches).toHaveLength(1);
    expect(add('dddddddd', 3)).toBe(3); // the full batch is sendable now
    expect(q.batches.map((b) => b.records.length)).toEqual([3, 1]);
    expect(q.batches[0]!.closed).toBe(true);
    expect(q.batches[0]!.sizeBytes).toBe(BATCH_OVERHEAD_BYTES + 60);
    expect(v.queuedRecords).toBe(4);
  });

  it('a batch that reaches batch.size exactly is closed at once', () => {
    const { q, add } = setup({ 'batch.size': BATCH_OVERHEAD_BYTES + 40, 'linger.ms': 50 });
    add('aaaaaaaa');
    expect(add('bbbbbbbb', 7)).toBe(7);
    expect(q.batches[0]!.closed).toBe(true);
  });

  it('a record larger than batch.size gets a batch of its own', () => {
    const { q, add } = setup({ 'batch.size': 10 });
    add('x'.repeat(100));
    add('y');
    expect(q.batches.map((b) => b.records.length)).toEqual([1, 1]);
  });

  it('remembers which records came from commands, and only those', () => {
    const { q, add } = setup();
    add('a', 0, 0);
    add('b', 0, 7);
    add('c', 0, 0);
    add('d', 0, 9);
    expect(q.batches[0]!.sends).toEqual([1, 7, 3, 9]);
  });
});

describe('accumulator: readiness and linger.ms', () => {
  it('an open batch is ready linger.ms after its creation', () => {
    const { q, add } = setup({ 'linger.ms': 50 });
    add('a', 10);
    add('b', 30);
    expect(headReadyAtMs(q, resolveProducerConfig({ 'linger.ms': 50 }))).toBe(60);
  });

  it('linger.ms=0: ready at once, yet records of the same instant share the batch', () => {
    const { q, cfg, add } = setup();
    expect(add('a', 5)).toBe(5);
    add('b', 5);
    expect(headReadyAtMs(q, cfg)).toBe(5);
    expect(q.batches).toHaveLength(1);
  });

  it('a batch followed by another is ready without lingering', () => {
    const { q, cfg, add } = setup({ 'linger.ms': 1000, 'batch.size': 0 });
    add('a', 3);
    add('b', 4);
    expect(headReadyAtMs(q, cfg)).toBe(3);
  });

  it('a retried batch waits retry.backoff.ms from its last attempt', () => {
    const { q, v, cfg, add } = setup({ 'linger.ms': 5 });
    add('a', 0);
    const b = takeHead(v, q);
    b.attempts = 1;
    b.lastAttemptMs = 40;
    reenqueue(v, q, b, false);
    expect(headReadyAtMs(q, cfg)).toBe(140);
  });

  it('each retry doubles the wait, up to retry.backoff.max.ms (KIP-580)', () => {
    const waits = (config: Record<string, number>) => {
      const { q, v, cfg, add } = setup(config);
      add('a', 0);
      const b = takeHead(v, q);
      b.lastAttemptMs = 0;
      reenqueue(v, q, b, false);
      return [1, 2, 3, 4, 5, 6].map((attempts) => {
        b.attempts = attempts;
        return headReadyAtMs(q, cfg);
      });
    };
    expect(waits({})).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(waits({ 'retry.backoff.max.ms': 300 })).toEqual([100, 200, 300, 300, 300, 300]);
    // A backoff above the maximum is used as a fixed backoff, as Kafka does.
    expect(waits({ 'retry.backoff.ms': 2000 })).toEqual([2000, 2000, 2000, 2000, 2000, 2000]);
  });

  it('expires head batches after delivery.timeout.ms, oldest first', () => {
    const { q, v, add } = setup({ 'batch.size': 0 });
    add('a', 0);
    add('b', 10);
    add('c', 20);
    expect(expireHeads(v, q, 110, 100).map((b) => b.records[0]!.value)).toEqual(['a', 'b']);
    expect(q.batches).toHaveLength(1);
    expect(v.queuedRecords).toBe(1);
  });

  it('a sent batch takes no more records', () => {
    const { q, v, add } = setup();
    add('a');
    takeHead(v, q);
    add('b');
    expect(q.batches).toHaveLength(1);
    expect(q.batches[0]!.records.map((r) => r.value)).toEqual(['b']);
  });
});

describe('accumulator: sequences (reference §6)', () => {
  it('each partition counts records from 0; a batch starts after the previous lastSequence', () => {
    const { q, v, add } = setup({ 'batch.size': BATCH_OVERHEAD_BYTES + 3 * 13 });
    for (const x of 'abcde') add(x);
    const sent = [takeHead(v, q), takeHead(v, q)];
    for (const b of sent) assignSequence(q, b, 42, 0);
    expect(sent.map((b) => [b.baseSequence, b.records.length])).toEqual([
      [0, 3],
      [3, 2],
    ]);
    expect(q.nextSequence).toBe(5);
    expect(wireBatch(sent[1]!, false)).toMatchObject({ producerId: 42, producerEpoch: 0, baseSequence: 3 });
    const other = newQueue('orders', 1);
    expect(other.nextSequence).toBe(0);
  });

  it('a retry resends the very same wire batch', () => {
    const { q, v, add } = setup();
    add('a');
    const b = takeHead(v, q);
    assignSequence(q, b, 1, 0);
    expect(wireBatch(b, false)).toBe(wireBatch(b, false));
  });

  it('wraps after Integer.MAX_VALUE', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483646, 3)).toBe(1);
  });
});

describe('accumulator: requeue in sequence order (Kafka insertInSequenceOrder)', () => {
  function sequenced(q: PartitionQueue, v: ProducerVolatile, sizes: number[]): ProducerBatch[] {
    const cfg = resolveProducerConfig();
    const out: ProducerBatch[] = [];
    for (const n of sizes) {
      for (let i = 0; i < n; i++) appendRecord(v, q, rec('r'), size(rec('r')), 0, 0, cfg);
      const b = takeHead(v, q);
      assignSequence(q, b, 7, 0);
      b.attempts = 1;
      out.push(b);
    }
    return out;
  }

  it('batches that come back out of order are queued by sequence, before never-sent batches', () => {
    const v = initialVolatile(0);
    const q = newQueue('orders', 0);
    const [b0, b3, b5] = sequenced(q, v, [3, 2, 4]);
    expect([b0!.baseSequence, b3!.baseSequence, b5!.baseSequence]).toEqual([0, 3, 5]);
    appendRecord(v, q, rec('new'), 13, 0, 0, resolveProducerConfig());
    reenqueue(v, q, b5!, true);
    reenqueue(v, q, b0!, true);
    reenqueue(v, q, b3!, true);
    expect(q.batches.map((b) => b.baseSequence)).toEqual([0, 3, 5, -1]);
  });

  it('without idempotence a retried batch simply goes first', () => {
    const v = initialVolatile(0);
    const q = newQueue('orders', 0);
    const [b0, b3] = sequenced(q, v, [1, 1]);
    reenqueue(v, q, b0!, false);
    reenqueue(v, q, b3!, false);
    expect(q.batches.map((b) => b.baseSequence)).toEqual([1, 0]);
  });

  it('firstInFlightSequence is the lowest sequence still out', () => {
    const v = initialVolatile(0);
    const q = newQueue('orders', 0);
    expect(firstInFlightSequence(q)).toBe(-1);
    const [b0, b1] = sequenced(q, v, [1, 1]);
    q.inFlight.push(b1!, b0!);
    expect(firstInFlightSequence(q)).toBe(0);
  });
});
