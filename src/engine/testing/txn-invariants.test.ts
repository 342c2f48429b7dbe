/**
 * The transaction invariants must catch what they claim to: a clean pipeline run passes, and the
 * same data with one thing tampered with fails.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../types';
import { checkExactlyOnce, checkReadCommitted, outcomes } from './txn-invariants';
import { runPipeline } from './txn-pipeline';

const rec = (offset: number, value: string | null, extra: Partial<LogRecord> = {}): LogRecord => ({
  offset,
  key: null,
  value,
  timestamp: offset,
  leaderEpoch: 0,
  ...extra,
});
const txn = (offset: number, value: string, producerId: number) =>
  rec(offset, value, { producerId, producerEpoch: 0, isTransactional: true });
const marker = (offset: number, producerId: number, control: 'COMMIT' | 'ABORT') =>
  rec(offset, null, { producerId, producerEpoch: 0, isTransactional: true, control });

// pid 1 commits out:a; pid 2 aborts out:b; pid 1 commits out:c; pid 3 is still open.
const outLog: LogRecord[] = [
  txn(0, 'out:a', 1),
  txn(1, 'out:b', 2),
  marker(2, 1, 'COMMIT'),
  marker(3, 2, 'ABORT'),
  txn(4, 'out:c', 1),
  marker(5, 1, 'COMMIT'),
  txn(6, 'out:d', 3),
];
const inputs = ['a', 'b', 'c', 'd'].map((v, i) => ({ partition: 0, offset: i, value: v }));
const got = (offset: number, value: string) => ({ topic: 'out', partition: 0, offset, value });

describe('transaction invariants', () => {
  it('works out each record’s fate from the markers that follow it', () => {
    expect([...outcomes(outLog).values()]).toEqual([
      'committed',
      'aborted',
      'control',
      'control',
      'committed',
      'control',
      'open',
    ]);
  });

  it('read_committed: accepts committed records, flags aborted, open and changed ones', () => {
    const logOf = () => outLog;
    expect(checkReadCommitted('c', [got(0, 'out:a'), got(4, 'out:c')], logOf)).toBeNull();
    expect(checkReadCommitted('c', [got(1, 'out:b')], logOf)).toMatch(/aborted/);
    expect(checkReadCommitted('c', [got(6, 'out:d')], logOf)).toMatch(/still-open/);
    expect(checkReadCommitted('c', [got(0, 'out:z')], logOf)).toMatch(/the log has "out:a"/);
  });

  it('exactly once: passes the clean log, fails a duplicate, a lost output and a stray one', () => {
    // Inputs a, b, c are below the committed offset 3; b's output was aborted, so b is missing.
    expect(checkExactlyOnce(inputs, { 0: 1 }, [outLog])).toBeNull();
    expect(checkExactlyOnce(inputs, { 0: 3 }, [outLog])).toMatch(/in-0\/1 "b".*no committed output/);
    const duplicated = [...outLog, txn(7, 'out:a', 4), marker(8, 4, 'COMMIT')];
    expect(checkExactlyOnce(inputs, { 0: 1 }, [duplicated])).toMatch(/out:a was committed 2 times/);
    const stray = [...outLog, rec(7, 'out:zz')];
    expect(checkExactlyOnce(inputs, { 0: 1 }, [stray])).toMatch(/out:zz matches no input/);
    // A flipped marker turns a committed output into an aborted one: c goes missing.
    const flipped = outLog.map((r) => (r.offset === 5 ? { ...r, control: 'ABORT' as const } : r));
    expect(checkExactlyOnce(inputs, { 0: 3 }, [flipped])).toMatch(/"b"|"c"/);
  });

  it('on a real pipeline run: passes as is, fails once a marker or an output is tampered with', () => {
    const { sim, violation } = runPipeline(3, 12);
    expect(violation).toBeNull();
    const leader = (topic: string, p: number) =>
      sim.snapshot().topics.find((t) => t.name === topic)!.partitions[p]!.leader;
    const outs = [0, 1].map((p) => sim.readLog(leader('out', p), 'out', p));
    const ins = [0, 1].flatMap((p) =>
      sim.readLog(leader('in', p), 'in', p).map((r) => ({ ...r, partition: p })),
    );
    const committed: Record<number, number> = {};
    for (const o of sim.snapshot().groups.find((g) => g.groupId === 'pipe')!.offsets)
      if (o.topic === 'in') committed[o.partition] = o.offset;
    expect(checkExactlyOnce(ins, committed, outs)).toBeNull();
    const audited = sim
      .events()
      .flatMap((e) => (e.type === 'consumer.received' && e.consumer === 'audit' ? e.records : []));
    expect(audited.length).toBeGreaterThan(0);
    const byPartition = (logs: LogRecord[][]) => (_t: string, p: number) => logs[p]!;
    expect(checkReadCommitted('audit', audited, byPartition(outs))).toBeNull();
    // Flip every COMMIT marker of one partition to ABORT: outputs go missing, and the auditor read aborted data.
    const p = audited[0]!.partition;
    const flipped = outs.map((log, i) =>
      i === p ? log.map((r) => (r.control === 'COMMIT' ? { ...r, control: 'ABORT' as const } : r)) : log,
    );
    expect(checkExactlyOnce(ins, committed, flipped)).not.toBeNull();
    expect(checkReadCommitted('audit', audited, byPartition(flipped))).toMatch(/aborted/);
    // Write a committed output a second time.
    const first = outs[p]!.find(
      (r) => r.value?.startsWith('out:') && outcomes(outs[p]!).get(r.offset) === 'committed',
    )!;
    const end = outs[p]!.length;
    const twice = outs.map((log, i) =>
      i === p
        ? [
            ...log,
            { ...first, offset: end, producerId: 99 },
            { ...first, offset: end + 1, value: null, producerId: 99, control: 'COMMIT' as const },
          ]
        : log,
    );
    expect(checkExactlyOnce(ins, committed, twice)).toMatch(/committed 2 times/);
  });
});
