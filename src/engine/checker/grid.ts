/**
 * The per-partition offset grid (Jepsen's key-order view): columns are offsets, rows are the
 * producers that wrote and the consumers that read the partition. A cell says what that row did
 * at that offset: written, acknowledged, lost (✕), written twice (⧉), read (and how often).
 */
import type { GuaranteeChecker } from './checker';
import { recordName, tpName } from './explain';
import type { Entry } from './replica-logs';
import type { AppRef } from './streams-apps';
import { seconds } from './types';

export type GridMark = 'written' | 'acked' | 'lost' | 'duplicate' | 'aborted' | 'open' | 'read' | 'reread';

export interface GridCell {
  offset: number;
  mark: GridMark;
  /** The record, as a short text (`key="value"`). */
  text: string;
  /** One sentence for the tooltip. */
  title: string;
  /** The finding this cell belongs to, if any. */
  findingId: string | null;
}

export interface GridRow {
  label: string;
  kind: 'producer' | 'consumer';
  cells: GridCell[];
}

export interface OffsetGrid {
  topic: string;
  partition: number;
  /** First and one-past-last offset shown. */
  fromOffset: number;
  toOffset: number;
  /** Offsets the partition has in all (its furthest written offset + 1). */
  endOffset: number;
  highWatermark: number;
  rows: GridRow[];
}

/** Partitions the checker has seen, as `{topic, partition}`. */
export function gridPartitions(c: GuaranteeChecker): { topic: string; partition: number }[] {
  return [...c.tps.values()]
    .filter((tp) => tp.written.length > 0)
    .map((tp) => ({ topic: tp.topic, partition: tp.partition }))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/** The grid of one partition over `width` offsets, ending at the newest unless `from` is given. */
export function offsetGrid(
  c: GuaranteeChecker,
  topic: string,
  partition: number,
  opts: { from?: number; width?: number } = {},
): OffsetGrid | null {
  const tp = [...c.tps.values()].find((t) => t.topic === topic && t.partition === partition);
  if (!tp) return null;
  const width = Math.max(1, Math.min(opts.width ?? 40, 200));
  const end = Math.max(tp.written.length, ...tp.lostEntries.map((e) => e.offset + 1), 0);
  const from = Math.max(0, Math.min(opts.from ?? end - width, Math.max(0, end - width)));
  const to = Math.min(end, from + width);
  const findingAt = new Map<string, string>();
  // Which finding a cell belongs to: consumers' findings by consumer, the rest by producer.
  for (const f of c.findings()) {
    if (f.topic !== topic || f.partition !== partition) continue;
    const row = f.consumer !== null ? `c:${f.consumer}` : `p:${f.producer ?? ''}`;
    for (const o of [f.offset, ...f.otherOffsets])
      if (!findingAt.has(`${row}|${o}`)) findingAt.set(`${row}|${o}`, f.id);
  }
  const name = tpName(tp);
  const rows: GridRow[] = [];
  for (const producer of [...tp.producers].sort()) {
    const cells = new Map<number, GridCell>();
    for (let o = from; o < to; o++) {
      const e = tp.written[o];
      if (e && e.producer === producer)
        cells.set(o, writeCell(e, findingAt.get(`p:${producer}|${o}`) ?? null, c.apps.appOf(producer)));
    }
    for (const f of c.findings()) {
      if (f.kind !== 'duplicate' || f.producer !== producer || f.topic !== topic || f.partition !== partition)
        continue;
      for (const o of [f.offset, ...f.otherOffsets]) {
        const cell = cells.get(o);
        if (cell)
          cells.set(o, {
            ...cell,
            mark: 'duplicate',
            findingId: f.id,
            title: `${cell.title} Written twice: offsets ${[f.offset, ...f.otherOffsets].join(' and ')}.`,
          });
      }
    }
    rows.push({
      label: producer,
      kind: 'producer',
      cells: [...cells.values()].sort((a, b) => a.offset - b.offset),
    });
    // Acknowledged records that are gone get a row of their own: their offsets hold other records now.
    const lost: GridCell[] = [];
    for (const e of tp.lostEntries) {
      if (e.producer !== producer || e.offset < from || e.offset >= to || !e.ack) continue;
      lost.push({
        offset: e.offset,
        mark: 'lost',
        text: recordName(e),
        title: `${recordName(e)} was acknowledged at offset ${e.offset} of ${name} (${seconds(e.ack.atMs)}) and lost at ${seconds(e.lost!.atMs)}.`,
        findingId: findingAt.get(`p:${producer}|${e.offset}`) ?? null,
      });
    }
    if (lost.length > 0) rows.push({ label: `${producer} · lost`, kind: 'producer', cells: lost });
  }
  const reads = c.reads.counts.get(name);
  for (const [consumer, counts] of [...(reads ?? new Map<string, Map<number, number>>())].sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    const cells: GridCell[] = [];
    for (let o = from; o < to; o++) {
      const n = counts.get(o);
      if (!n) continue;
      const e = tp.written[o];
      cells.push({
        offset: o,
        mark: n > 1 ? 'reread' : 'read',
        text: e ? recordName(e) : '',
        title: `${consumer} received offset ${o}${n > 1 ? ` ${n} times` : ''}.`,
        findingId: findingAt.get(`c:${consumer}|${o}`) ?? null,
      });
    }
    rows.push({ label: consumer, kind: 'consumer', cells });
  }
  return {
    topic,
    partition,
    fromOffset: from,
    toOffset: to,
    endOffset: end,
    highWatermark: tp.maxHighWatermark,
    rows,
  };
}

/** `app`: the Streams application that wrote it, whose output counts as acknowledged once committed. */
function writeCell(e: Entry, findingId: string | null, app: AppRef | null): GridCell {
  const mark: GridMark =
    e.txn === 'aborted' ? 'aborted' : e.txn === 'open' ? 'open' : e.ack ? 'acked' : 'written';
  const state =
    mark === 'aborted'
      ? 'its transaction aborted'
      : mark === 'open'
        ? 'its transaction is open'
        : e.ack
          ? `${app ? `committed by app ${app.app}` : 'acknowledged'} at ${seconds(e.ack.atMs)}`
          : app
            ? 'not committed (yet)'
            : 'not acknowledged (yet)';
  return {
    offset: e.offset,
    mark,
    text: recordName(e),
    title: `Offset ${e.offset}: ${recordName(e)} by broker-${e.broker} at ${seconds(e.appendAtMs)}, ${state}.`,
    findingId,
  };
}
