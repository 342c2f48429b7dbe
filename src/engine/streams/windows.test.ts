import { describe, expect, it } from 'vitest';
import { AggregateProcessor } from './aggregate';
import { SuppressProcessor } from './suppress';
import {
  mergeSessions,
  sessionExpired,
  slidingWindowsFor,
  timeWindowOpen,
  timeWindowsFor,
  validateWindowSpec,
  type Session,
} from './windows';

const win = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('time windows (TimeWindows, epoch-aligned, half-open)', () => {
  it('a tumbling window holds exactly one aligned [start, end)', () => {
    expect(timeWindowsFor(0, 5000)).toEqual([win(0, 5000)]);
    expect(timeWindowsFor(4999, 5000)).toEqual([win(0, 5000)]);
    expect(timeWindowsFor(5000, 5000)).toEqual([win(5000, 10000)]);
  });

  it('a hopping window of 5 min advancing 1 min puts a record in five windows', () => {
    const min = 60_000;
    expect(timeWindowsFor(7 * min + 30_000, 5 * min, min).map((w) => w.startMs / min)).toEqual([
      3, 4, 5, 6, 7,
    ]);
    // Near the epoch windows never start below zero.
    expect(timeWindowsFor(1000, 5000, 1000)).toEqual([win(0, 5000), win(1000, 6000)]);
  });

  it('rejects an advance larger than the size with Kafka’s message', () => {
    expect(() => validateWindowSpec({ type: 'hopping', sizeMs: 1000, advanceMs: 2000, graceMs: 0 })).toThrow(
      /Window advancement interval should be more than zero and less than window duration/,
    );
  });

  it('drop rule: a window takes records only while windowEnd > streamTime − grace', () => {
    expect(timeWindowOpen(10_000, 14_999, 5000)).toBe(true);
    expect(timeWindowOpen(10_000, 15_000, 5000)).toBe(false);
  });
});

describe('sliding windows (SlidingWindows javadoc)', () => {
  it('records at 8000, 9200, 12400 with a 5000 ms difference make exactly five windows', () => {
    expect(slidingWindowsFor([8000, 9200, 12400], 5000)).toEqual([
      win(3000, 8000),
      win(4200, 9200),
      win(7400, 12400),
      win(8001, 13001),
      win(9201, 14201),
    ]);
  });

  it('aggregates the inclusive windows: [7400;12400] counts 8000, 9200 and 12400', () => {
    const p = new AggregateProcessor({ kind: 'count' }, { type: 'sliding', differenceMs: 5000, graceMs: 0 });
    for (const ts of [8000, 9200, 12400]) p.process({ key: 'A', value: 'x', timestamp: ts });
    expect(p.contents().map((r) => [r.win!.startMs, r.win!.endMs, r.value])).toEqual([
      [3000, 8000, 1],
      [4200, 9200, 2],
      [7400, 12400, 3],
      [8001, 13001, 2],
      [9201, 14201, 1],
    ]);
  });
  it('a later record updates only the ranges holding it; closed ranges are not recreated', () => {
    const p = new AggregateProcessor({ kind: 'count' }, { type: 'sliding', differenceMs: 5000, graceMs: 0 });
    for (const ts of [8000, 9200, 12400, 30_000]) p.process({ key: 'A', value: 'x', timestamp: ts });
    const r = p.process({ key: 'A', value: 'x', timestamp: 31_000 });
    expect(r.changes.map((c) => [c.win!.startMs, c.win!.endMs, c.newValue])).toEqual([
      [26_000, 31_000, 2],
      [30_001, 35_001, 1],
    ]);
  });
});

describe('session windows (SessionWindows javadoc, gap 5)', () => {
  it('10, 12 and 20 make two sessions; 16 merges them into [10,20]', () => {
    let sessions: Session<number>[] = [];
    const add = (ts: number) => {
      const { merged, win } = mergeSessions(sessions, ts, 5);
      const agg = merged.reduce((a, s) => a + s.agg, 1);
      sessions = [...sessions.filter((s) => !merged.includes(s)), { ...win, agg }];
    };
    [10, 12, 20].forEach(add);
    expect(sessions.map((s) => [s.startMs, s.endMs, s.agg])).toEqual([
      [10, 12, 2],
      [20, 20, 1],
    ]);
    add(16);
    expect(sessions.map((s) => [s.startMs, s.endMs, s.agg])).toEqual([[10, 20, 4]]);
  });

  it('the session processor forwards the merged-away sessions as tombstones, then the merged one', () => {
    const p = new AggregateProcessor({ kind: 'count' }, { type: 'session', gapMs: 5, graceMs: 0 });
    [10, 12, 20].forEach((ts) => p.process({ key: 'A', value: 'v', timestamp: ts }));
    const r = p.process({ key: 'A', value: 'v', timestamp: 16 });
    expect(r.changes.map((c) => [c.win, c.newValue, c.oldValue])).toEqual([
      [win(10, 12), null, 2],
      [win(20, 20), null, 1],
      [win(10, 20), 4, null],
    ]);
  });

  it('closes at streamTime − gap − grace, strictly', () => {
    expect(sessionExpired(10, 20, 5, 5)).toBe(false);
    expect(sessionExpired(9, 20, 5, 5)).toBe(true);
  });
});

describe('windowed aggregation: stream time and late records', () => {
  it('stream time is the largest timestamp seen and never goes back', () => {
    const p = new AggregateProcessor({ kind: 'count' }, { type: 'tumbling', sizeMs: 10_000, graceMs: 2000 });
    p.process({ key: 'u', value: 'a', timestamp: 5000 });
    p.process({ key: 'u', value: 'a', timestamp: 3000 });
    expect(p.observedStreamTimeMs).toBe(5000);
  });

  it('a late record inside grace still counts; past grace it is dropped with Kafka’s log line', () => {
    const p = new AggregateProcessor({ kind: 'count' }, { type: 'tumbling', sizeMs: 10_000, graceMs: 2000 });
    p.process({ key: 'u', value: 'a', timestamp: 5000 });
    p.process({ key: 'u', value: 'a', timestamp: 11_000 });
    expect(p.process({ key: 'u', value: 'a', timestamp: 9000 }).changes[0]!.newValue).toBe(2);
    p.process({ key: 'u', value: 'a', timestamp: 12_000 });
    const late = p.process({ key: 'u', value: 'a', timestamp: 9500 });
    expect(late.changes).toEqual([]);
    expect(late.dropped[0]!.message).toBe(
      'Skipping record for expired window. Topic, partition, and offset not known. timestamp=[9500] window=[0,10000) expiration=[10000] streamTime=[12000]',
    );
  });

  it('hopping: one record can update some windows and be dropped from others', () => {
    const p = new AggregateProcessor(
      { kind: 'count' },
      { type: 'hopping', sizeMs: 10, advanceMs: 5, graceMs: 0 },
    );
    p.process({ key: 'k', value: 'x', timestamp: 12 });
    const r = p.process({ key: 'k', value: 'x', timestamp: 9 });
    expect(r.changes.map((c) => c.win)).toEqual([win(5, 15)]);
    expect(r.dropped.map((d) => d.win)).toEqual([win(0, 10)]);
  });

  it('sums an expression over JSON values and drops null keys', () => {
    const p = new AggregateProcessor({ kind: 'sum', of: 'value.amount' });
    p.process({ key: 'a', value: { amount: 3 }, timestamp: 1 });
    expect(p.process({ key: 'a', value: { amount: 4 }, timestamp: 2 }).changes[0]).toMatchObject({
      newValue: 7,
      oldValue: 3,
    });
    expect(p.process({ key: null, value: { amount: 4 }, timestamp: 3 }).dropped[0]!.reason).toBe('null-key');
  });
});

describe('suppress(untilWindowCloses) keeps its own stream time', () => {
  it('emits a window once windowEnd ≤ streamTime − grace, and only then', () => {
    const agg = new AggregateProcessor(
      { kind: 'count' },
      { type: 'tumbling', sizeMs: 3_600_000, graceMs: 60_000 },
    );
    const sup = new SuppressProcessor(60_000);
    const feed = (ts: number) =>
      agg.process({ key: 'alice', value: 'buy', timestamp: ts }).changes.flatMap((c) => sup.process(c, ts));
    expect(feed(1000)).toEqual([]);
    expect(feed(3_000_000)).toEqual([]);
    // The hour is over but grace is not: silent.
    expect(feed(3_650_000)).toEqual([]);
    expect(sup.pending()[0]!.emitsAtStreamTimeMs).toBe(3_660_000);
    // The next record at exactly end + grace advances stream time far enough.
    const out = feed(3_660_000);
    expect(out.map((c) => [c.win, c.newValue])).toEqual([[win(0, 3_600_000), 2]]);
  });
});
