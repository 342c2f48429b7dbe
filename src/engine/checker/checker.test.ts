/**
 * Each anomaly made on purpose on the real engine and found, classified by the configuration in
 * force, and linked to the steps that caused it. Anomalies a correct engine never makes (aborted
 * reads under read_committed, reads above the HW, lost acks=all writes) are made by test doubles:
 * the real trace with one fact changed, as a mutated engine would have produced it.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../types';
import { checkTrace } from './checker';
import { leaderCrashScenario, retryScenario, transactionScenario } from '../testing/checker-scenarios';
import type { FindingKind } from './types';

const kinds = (events: readonly EngineEvent[]) =>
  checkTrace(events)
    .findings()
    .map((f) => `${f.kind}:${f.verdict}`);

const of = (events: readonly EngineEvent[], kind: FindingKind) =>
  checkTrace(events)
    .findings()
    .filter((f) => f.kind === kind);

describe('lost acknowledged writes', () => {
  const acks1 = leaderCrashScenario({ acks: 1 });

  it('acks=1 through a leader crash: found, allowed, told in sentences, linked to its steps', () => {
    const lost = of(acks1.events(), 'lost-write');
    expect(lost.map((f) => f.offset)).toEqual([3, 4, 5]);
    const f = lost[0]!;
    expect(f.verdict).toBe('allowed');
    expect(f.because).toMatch(/acks=1/);
    expect(f.sentences.join(' ')).toMatch(
      /^p1 was told offset 3 of orders-0 \(k="cut-0"\) was written at [\d.]+ s, by broker-\d as leader\. broker-\d crashed at [\d.]+ s\. broker-\d became leader at [\d.]+ s without it\./,
    );
    // Every step is a real event of the trace, and the ack and the new leader's election are among them.
    const bySeq = new Map(acks1.events().map((e) => [e.seq, e]));
    const types = f.steps.map((s) => bySeq.get(s.seq)?.type);
    expect(types).toContain('producer.acked');
    expect(types).toContain('partition.changed');
    expect(types).toContain('broker.crashed');
    for (const s of f.steps) expect(bySeq.get(s.seq)?.atMs).toBe(s.atMs);
  });

  it('acks=all through the same crash: nothing acknowledged is lost', () => {
    expect(kinds(leaderCrashScenario({ acks: 'all' }).events())).toEqual([]);
  });

  it('an unclean election loses acks=all writes, and the checker says the setting allowed it', () => {
    const lost = of(leaderCrashScenario({ acks: 'all', unclean: true }).events(), 'lost-write');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((f) => f.verdict === 'allowed' && /unclean/.test(f.because))).toBe(true);
    expect(lost[0]!.sentences.join(' ')).toMatch(/unclean election/);
  });

  it('a mutated engine that drops an acknowledged record is caught as a violation', () => {
    const events = leaderCrashScenario({ acks: 'all' }).events();
    const ack = events.find((e) => e.type === 'producer.acked' && e.offset === 1)!;
    // The double: after the ack, every replica "truncates" the record away, as a buggy log would.
    const forged: EngineEvent[] = [1, 2, 3].map((broker, i) => ({
      seq: ack.seq + 0.1 * (i + 1),
      atMs: ack.atMs,
      type: 'replica.truncated',
      broker,
      topic: 'orders',
      partition: 0,
      toOffset: 1,
      removed: 1,
    }));
    const at = events.indexOf(ack) + 1;
    const lost = of([...events.slice(0, at), ...forged, ...events.slice(at)], 'lost-write');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0]!.verdict).toBe('violation');
    expect(lost[0]!.offset).toBe(1);
  });
});

describe('duplicates and order', () => {
  it('retries without idempotence write a record twice: found and allowed, with the retry among its steps', () => {
    const events = retryScenario({ idempotent: false }).events();
    const dups = of(events, 'duplicate');
    expect(dups.length).toBeGreaterThan(0);
    expect(dups[0]!.verdict).toBe('allowed');
    expect(dups[0]!.because).toMatch(/enable\.idempotence=false/);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    expect(dups[0]!.steps.map((s) => bySeq.get(s.seq)?.type)).toContain('producer.retryScheduled');
  });

  it('the same retries with idempotence: no duplicate', () => {
    expect(of(retryScenario({ idempotent: true }).events(), 'duplicate')).toEqual([]);
  });

  it('an engine that appended an idempotent retry twice would be a violation', () => {
    const events = retryScenario({ idempotent: false }).events();
    // The double: the same trace, as if the producer had asked for idempotence.
    const forged = events.map((e) =>
      e.type === 'command.accepted' && e.command.type === 'producer.create'
        ? {
            ...e,
            command: {
              ...e.command,
              config: {
                ...e.command.config,
                'enable.idempotence': true,
                'max.in.flight.requests.per.connection': 5,
              },
            },
          }
        : e,
    );
    const dups = of(forged, 'duplicate');
    expect(dups.length).toBeGreaterThan(0);
    expect(dups.every((f) => f.verdict === 'violation')).toBe(true);
  });
});

describe('transactions', () => {
  const events = transactionScenario().events();

  it('read_uncommitted sees the aborted record (allowed); read_committed does not', () => {
    const reads = of(events, 'aborted-read');
    expect(reads.map((f) => [f.consumer, f.verdict])).toEqual([['c-ru', 'allowed']]);
  });

  it('an engine that served aborted data to read_committed is caught', () => {
    const forged = events.map((e) =>
      e.type === 'command.accepted' && e.command.type === 'consumer.create' && e.command.consumer === 'c-ru'
        ? {
            ...e,
            command: { ...e.command, config: { ...e.command.config, 'isolation.level': 'read_committed' } },
          }
        : e,
    );
    const found = checkTrace(forged)
      .violations()
      .map((f) => f.kind);
    expect(found).toContain('aborted-read');
  });
});

describe('reads at or above the high watermark', () => {
  it('an engine that served records before the HW covered them is caught', () => {
    const events = leaderCrashScenario({ acks: 'all' }).events();
    const forged = events.filter((e) => e.type !== 'partition.highWatermarkMoved');
    const found = of(forged, 'read-above-hw');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.verdict).toBe('violation');
    expect(of(events, 'read-above-hw')).toEqual([]);
  });
});

describe('acknowledged but never read', () => {
  it('a group that skips an acknowledged record is caught', () => {
    const events = leaderCrashScenario({ acks: 'all' }).events();
    // The double: the consumer's poll loses the record at offset 1.
    const forged = events.map((e) =>
      e.type === 'consumer.received' ? { ...e, records: e.records.filter((r) => r.offset !== 1) } : e,
    );
    const unseen = of(forged, 'unseen');
    expect(unseen.map((f) => [f.offset, f.verdict])).toEqual([[1, 'violation']]);
    expect(of(events, 'unseen')).toEqual([]);
  });
});

describe('the offset grid', () => {
  it('marks the lost records ✕ on the producer row, linked to their findings, and the reads on the consumer row', async () => {
    const { offsetGrid, gridPartitions } = await import('./grid');
    const c = checkTrace(leaderCrashScenario({ acks: 1 }).events());
    expect(gridPartitions(c)).toEqual([{ topic: 'orders', partition: 0 }]);
    const grid = offsetGrid(c, 'orders', 0, { from: 0, width: 20 })!;
    const p1 = grid.rows.find((r) => r.label === 'p1')!;
    const lost = grid.rows.find((r) => r.label === 'p1 · lost')!.cells.filter((x) => x.mark === 'lost');
    expect(lost.map((x) => x.offset)).toEqual([3, 4, 5]);
    const ids = new Set(c.findings().map((f) => f.id));
    expect(lost.every((x) => x.findingId !== null && ids.has(x.findingId))).toBe(true);
    const c1 = grid.rows.find((r) => r.label === 'c1')!;
    expect(c1.kind).toBe('consumer');
    expect(c1.cells.map((x) => x.offset)).toContain(0);
    // The records written after the crash took the lost offsets: the p1 row shows what the log holds now.
    expect(p1.cells.filter((x) => x.mark === 'acked').map((x) => x.offset)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
