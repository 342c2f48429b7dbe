import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../protocol/produce';
import { logTail, LOG_TAIL_OFFSETS, VALUE_PREVIEW_CHARS } from './log-tail';
import { appendAsLeader, createLog, markerBatch } from './partition-log';

function data(values: string[], txn?: { producerId: number }): RecordBatch {
  return {
    baseOffset: -1,
    partitionLeaderEpoch: -1,
    producerId: txn?.producerId ?? -1,
    producerEpoch: 0,
    baseSequence: txn ? 0 : -1,
    isTransactional: Boolean(txn),
    isControl: false,
    records: values.map((v, i) => ({ key: `k${i}`, value: v, timestamp: 100 + i })),
    sizeBytes: 100,
  };
}

describe('logTail', () => {
  it('keeps only the newest offsets, oldest first, with keys, values and times', () => {
    const log = createLog('t', 0);
    for (let i = 0; i < 10; i++) appendAsLeader(log, data(['a', 'b', 'c']), 0);
    const tail = logTail(log);
    expect(tail).toHaveLength(LOG_TAIL_OFFSETS);
    expect(tail[0]!.offset).toBe(30 - LOG_TAIL_OFFSETS);
    expect(tail.at(-1)).toEqual({ offset: 29, key: 'k2', value: 'c', timestamp: 102 });
  });

  it('cuts long values for the picture (the log keeps them whole)', () => {
    const log = createLog('t', 0);
    appendAsLeader(log, data(['x'.repeat(500)]), 0);
    expect(logTail(log)[0]!.value).toBe(`${'x'.repeat(VALUE_PREVIEW_CHARS)}…`);
  });

  it('tells COMMIT from ABORT and marks the aborted data', () => {
    const log = createLog('t', 0);
    appendAsLeader(log, data(['kept'], { producerId: 7 }), 0);
    appendAsLeader(log, markerBatch(7, 0, 'COMMIT', 5), 0);
    appendAsLeader(log, data(['dropped'], { producerId: 7 }), 0);
    appendAsLeader(log, markerBatch(7, 0, 'ABORT', 6), 0);
    const tail = logTail(log);
    expect(tail.map((r) => [r.offset, r.control ?? null, r.aborted ?? false])).toEqual([
      [0, null, false],
      [1, 'COMMIT', false],
      [2, null, true],
      [3, 'ABORT', false],
    ]);
    expect(tail[0]!.transactional).toBe(true);
  });
});
