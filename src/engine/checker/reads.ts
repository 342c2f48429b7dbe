/**
 * The consumer side of the checker: every record a poll returned is checked against what the
 * replicas held (reads above the high watermark, aborted and uncommitted reads), and each group's
 * reads are checked for acknowledged records the group moved past without any member seeing them
 * (Jepsen's lost-write/unseen). It also counts reads per consumer and offset for the offset grid.
 */
import type { EventOf } from '../types';
import type { CheckerState, GroupTp, ReadState } from './checker-state';
import { eosAbortedRead, transactionOf } from './app-checks';
import { recordName, tpName } from './explain';
import type { Entry, TpLogs } from './replica-logs';
import { seconds, type Finding } from './types';

export type { ReadState } from './checker-state';

export function newReadState(): ReadState {
  return { groups: new Map(), counts: new Map(), unseen: new Map() };
}

function groupTp(s: ReadState, group: string, tp: string): GroupTp {
  let g = s.groups.get(group);
  if (!g) s.groups.set(group, (g = new Map()));
  let t = g.get(tp);
  if (!t) g.set(tp, (t = { maxRead: -1, read: new Set(), skip: null }));
  return t;
}

function count(s: ReadState, tp: string, consumer: string, offset: number): void {
  let byConsumer = s.counts.get(tp);
  if (!byConsumer) s.counts.set(tp, (byConsumer = new Map()));
  let m = byConsumer.get(consumer);
  if (!m) byConsumer.set(consumer, (m = new Map()));
  m.set(offset, (m.get(offset) ?? 0) + 1);
}

/** The record a consumer got at `offset`: what the replicas held there with the same content. */
function entryRead(tp: TpLogs, offset: number, key: string | null, value: string | null): Entry | undefined {
  const w = tp.written[offset];
  if (w && w.key === key && w.value === value) return w;
  for (const log of tp.replicas.values()) {
    const x = log[offset];
    if (x && x.key === key && x.value === value) return x;
  }
  return undefined;
}

const SKIP_REASONS = new Set(['seek', 'reset-latest', 'reset-earliest', 'timestamp']);

export function checkReads(
  c: CheckerState,
  e: EventOf<'consumer.received'> | EventOf<'consumer.positionSet'>,
): void {
  const config = c.consumers.get(e.consumer);
  const group = config?.groupId ?? null;
  if (e.type === 'consumer.positionSet') {
    if (group === null || !SKIP_REASONS.has(e.reason)) return;
    // Only a jump forward past what the group already read skips records.
    const t = groupTp(c.reads, group, tpName(e));
    if (t.maxRead >= 0 && e.offset > t.maxRead + 1) {
      t.skip = { consumer: e.consumer, reason: e.reason, seq: e.seq, atMs: e.atMs };
    }
    return;
  }
  const committedOnly = config?.isolationLevel === 'read_committed';
  for (const r of e.records) {
    if (r.topic.startsWith('__')) continue;
    const tp = c.tp(r.topic, r.partition);
    const name = tpName(tp);
    count(c.reads, name, e.consumer, r.offset);
    const base = {
      topic: tp.topic,
      partition: tp.partition,
      offset: r.offset,
      otherOffsets: [],
      consumer: e.consumer,
      seq: e.seq,
      atMs: e.atMs,
    };
    const poll = { seq: e.seq, atMs: e.atMs, label: `${e.consumer} received offset ${r.offset}` };
    if (r.offset >= tp.maxHighWatermark) {
      c.add({
        ...base,
        id: `read-above-hw:${name}:${r.offset}:${e.consumer}`,
        kind: 'read-above-hw',
        verdict: 'violation',
        producer: null,
        sentences: [
          `${e.consumer} received offset ${r.offset} of ${name} at ${seconds(e.atMs)}, but no leader of ${name} had yet moved its high watermark past ${tp.maxHighWatermark}.`,
        ],
        because:
          'A leader serves consumers only records below its high watermark: the ones every in-sync replica has.',
        steps: [poll],
      });
    }
    const x = entryRead(tp, r.offset, r.key, r.value);
    if (x?.txn === 'open') (x.openReaders ??= []).push({ consumer: e.consumer, seq: e.seq, atMs: e.atMs });
    if (x && (x.txn === 'aborted' || (x.txn === 'open' && committedOnly))) {
      txnRead(c, tp, x, e.consumer, poll, null);
    }
    if (group !== null) checkGroup(c, tp, group, e, r.offset);
  }
}

function checkGroup(
  c: CheckerState,
  tp: TpLogs,
  group: string,
  e: EventOf<'consumer.received'>,
  offset: number,
) {
  const name = tpName(tp);
  const t = groupTp(c.reads, group, name);
  t.read.add(offset);
  const open = c.reads.unseen.get(`${group}|${name}|${offset}`);
  if (open) {
    c.retract(open);
    c.reads.unseen.delete(`${group}|${name}|${offset}`);
  }
  if (t.maxRead >= 0 && !tp.compacted) {
    for (let o = t.maxRead + 1; o < offset; o++) {
      const y = tp.written[o];
      if (!y || !y.ack || y.lost || y.control || y.txn === 'aborted' || y.txn === 'open' || t.read.has(o))
        continue;
      const f: Finding = {
        id: `unseen:${group}:${name}:${o}`,
        kind: 'unseen',
        verdict: t.skip ? 'allowed' : 'violation',
        topic: tp.topic,
        partition: tp.partition,
        offset: o,
        otherOffsets: [offset],
        producer: y.producer,
        consumer: e.consumer,
        seq: e.seq,
        atMs: e.atMs,
        sentences: [
          `${y.producer ?? 'A producer'} was told offset ${o} of ${name} was written at ${seconds(y.ack.atMs)}; group ${group} read on to offset ${offset} (${e.consumer}, ${seconds(e.atMs)}) without any member receiving it.`,
        ],
        because: t.skip
          ? `${t.skip.consumer} moved its position (${t.skip.reason}) at ${seconds(t.skip.atMs)}: records it jumped over are not read.`
          : 'A group that reads a partition in order delivers every record below the furthest offset it read.',
        steps: [
          { seq: y.ack.seq, atMs: y.ack.atMs, label: `${y.producer ?? 'producer'} acknowledged offset ${o}` },
          ...(t.skip
            ? [{ seq: t.skip.seq, atMs: t.skip.atMs, label: `${t.skip.consumer} moved its position` }]
            : []),
          { seq: e.seq, atMs: e.atMs, label: `${e.consumer} received offset ${offset}` },
        ],
      };
      c.add(f);
      c.reads.unseen.set(`${group}|${name}|${o}`, f.id);
    }
  }
  if (offset > t.maxRead) t.maxRead = offset;
}

/** A consumer saw a record of an aborted (or, for read_committed, a still open) transaction. */
function txnRead(
  c: CheckerState,
  tp: TpLogs,
  x: Entry,
  consumer: string,
  poll: { seq: number; atMs: number; label: string },
  abort: { seq: number; atMs: number } | null,
): void {
  const committedOnly = c.consumers.get(consumer)?.isolationLevel === 'read_committed';
  const aborted = x.txn === 'aborted';
  const name = tpName(tp);
  const steps = [
    { seq: x.appendSeq, atMs: x.appendAtMs, label: `broker-${x.broker} appended offset ${x.offset}` },
    poll,
    ...(abort ? [{ ...abort, label: `the transaction's ABORT marker was written` }] : []),
  ];
  const last = steps.at(-1)!;
  // An exactly-once Streams application's aborted output: say why a read_uncommitted reader sees it.
  const eos = committedOnly ? null : eosAbortedRead(c, x, consumer, last.seq);
  if (eos?.crash) {
    steps.push({ seq: eos.crash.seq, atMs: eos.crash.atMs, label: `instance ${eos.crash.instance} crashed` });
    steps.sort((a, b) => a.seq - b.seq);
  }
  c.add({
    id: `${aborted ? 'aborted' : 'uncommitted'}-read:${name}:${x.offset}:${consumer}`,
    kind: aborted ? 'aborted-read' : 'uncommitted-read',
    verdict: committedOnly ? 'violation' : 'allowed',
    topic: tp.topic,
    partition: tp.partition,
    offset: x.offset,
    otherOffsets: [],
    producer: x.producer,
    consumer,
    seq: last.seq,
    atMs: last.atMs,
    sentences: [
      `${consumer} received ${recordName(x)} (offset ${x.offset} of ${name}) at ${seconds(poll.atMs)}; ${transactionOf(c, x.producer)} ${
        abort
          ? `was aborted at ${seconds(abort.atMs)}`
          : aborted
            ? 'had been aborted'
            : 'had not committed yet'
      }.`,
    ],
    because: committedOnly
      ? 'With isolation.level=read_committed a consumer reads only up to the last stable offset and skips aborted transactions.'
      : (eos?.because ??
        `${consumer} uses isolation.level=read_uncommitted: it reads every record, aborted or not.`),
    steps,
  });
}

/** The transaction of `x` was aborted: whoever read it while it was open read aborted data. */
export function reportAbortedReads(
  c: CheckerState,
  tp: TpLogs,
  x: Entry,
  marker: { seq: number; atMs: number },
) {
  for (const r of x.openReaders ?? []) {
    const poll = { seq: r.seq, atMs: r.atMs, label: `${r.consumer} received offset ${x.offset}` };
    txnRead(c, tp, x, r.consumer, poll, marker);
  }
}
