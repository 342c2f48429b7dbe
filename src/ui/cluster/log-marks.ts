/**
 * What the cells of a replica's log say (issue 16 items 2 and 3), as pure functions of the engine
 * snapshot: a short label for each record (its event type, key or value), the two-letter glyph
 * drawn in its cell, the tooltip text, and where each consumer group's committed offset and each
 * consumer's fetch position sit on the partition they read. The Svelte components only draw these.
 */
import type { ClusterSnapshot, RecordTailEntry } from '../../engine';
import { formatRecordTime } from '../format';
import { textWidth } from './text-width';

/** A JSON value's own name for what it is, when it has one ({"type":"TransactionFailed",…}). */
const NAME_FIELDS = ['type', 'event', 'eventType', 'kind'];

function typeField(value: string): string | undefined {
  // Values are cut to 120 characters in the snapshot: read the field from the text, not JSON.parse.
  for (const field of NAME_FIELDS) {
    const m = new RegExp(`"${field}"\\s*:\\s*"([^"]{1,60})"`).exec(value);
    if (m) return m[1];
  }
  return undefined;
}

/** What a record is, in a word: the marker's kind, the value's type, else its key, else its value. */
export function recordLabel(r: Pick<RecordTailEntry, 'key' | 'value' | 'control'>): string {
  if (r.control) return r.control;
  const typed = r.value ? typeField(r.value) : undefined;
  if (typed) return typed;
  if (r.key !== null && r.key !== '') return r.key;
  if (r.value === null) return 'null';
  return r.value.length > 16 ? `${r.value.slice(0, 15)}…` : r.value;
}

/**
 * Two characters for a 12-px cell: the capitals of a CamelCase name (AccountBalanceChanged → AB,
 * TransactionCompleted → TC, TransactionFailed → TF), the first letter and last digit of a
 * numbered key (user-7 → u7), else the first two characters.
 */
export function cellGlyph(label: string): string {
  if (label === 'COMMIT') return 'C';
  if (label === 'ABORT') return 'A';
  const caps = label.match(/[A-Z]/g) ?? [];
  if (caps.length >= 2 && /[a-z]/.test(label)) return caps[0]! + caps[1]!;
  const digits = /(\d)$/.exec(label);
  if (digits && label.length > 1) return label[0]! + digits[1]!;
  return [...label].slice(0, 2).join('');
}

/** The tooltip of one cell: offset, key, value and time (or what a marker does). */
export function cellTooltip(offset: number, r: RecordTailEntry | undefined, state: string): string[] {
  if (!r) {
    if (state === 'missing') return [`offset ${offset}`, 'deleted by retention (before the log start)'];
    if (state === 'empty') return [`offset ${offset}`, 'not written here yet'];
    return [`offset ${offset}`, 'removed by compaction'];
  }
  if (r.control) {
    return [
      `offset ${offset} · ${r.control} marker`,
      r.control === 'COMMIT'
        ? 'the transaction before it counts: read_committed consumers may read its records'
        : 'the transaction before it was rolled back: read_committed consumers skip its records',
      formatRecordTime(r.timestamp),
    ];
  }
  return [
    `offset ${offset}${r.aborted ? ' · aborted transaction' : r.transactional ? ' · in a transaction' : ''}${state === 'uncommitted' ? ' · not yet committed' : ''}`,
    `key ${r.key ?? '(none)'}`,
    `value ${r.value ?? 'null'}`,
    `time ${formatRecordTime(r.timestamp)}`,
  ];
}

/** The cell a pointer or the keyboard is on, for the diagram's one tooltip (ClusterView). */
export interface CellFocus {
  /** Where the tooltip points, in diagram coordinates. */
  x: number;
  y: number;
  lines: string[];
}

export interface ReadMark {
  offset: number;
  kind: 'committed' | 'position';
  /** Group id (committed) or consumer id (position). */
  who: string;
}

/**
 * Where readers of `topic`-`partition` are: each group's committed offset (from its coordinator)
 * and each consumer's next fetch offset. Sorted by offset, committed first at equal offsets.
 */
export function readMarks(snapshot: ClusterSnapshot, topic: string, partition: number): ReadMark[] {
  const marks: ReadMark[] = [];
  for (const g of snapshot.groups) {
    const o = g.offsets.find((x) => x.topic === topic && x.partition === partition);
    if (o && o.offset >= 0) marks.push({ offset: o.offset, kind: 'committed', who: g.groupId });
  }
  for (const c of snapshot.consumers) {
    if (!c.alive) continue;
    const a = c.assignment.find((x) => x.topic === topic && x.partition === partition);
    if (a && a.position !== null) marks.push({ offset: a.position, kind: 'position', who: c.id });
  }
  return marks.sort(
    (a, b) => a.offset - b.offset || (a.kind === b.kind ? 0 : a.kind === 'committed' ? -1 : 1),
  );
}

/** Does any partition have a reader to mark? Then rows get a lane for the marks (./cluster-layout). */
export function anyReadMarks(snapshot: ClusterSnapshot): boolean {
  return (
    snapshot.groups.some((g) => g.offsets.length > 0) ||
    snapshot.consumers.some((c) => c.alive && c.assignment.some((a) => a.position !== null))
  );
}

export interface LaneLabel {
  x: number;
  text: string;
  anchor: 'start' | 'end';
  kind: 'end-offset' | 'marks';
}

export const LANE_FONT_PX = 9.5;

/**
 * The lane under a log's cells, left to right: the first shown offset, the labels of the read
 * marks, the last record's offset. A label that would overlap the one before it is left out (the
 * marks' own tooltips and the slot's aria-label still say everything).
 */
export function laneLabels(
  items: readonly { x: number; text: string; kind: LaneLabel['kind']; anchor?: 'start' | 'end' }[],
  width: number,
): LaneLabel[] {
  const out: LaneLabel[] = [];
  let right = -Infinity;
  for (const it of [...items].sort((a, b) => a.x - b.x)) {
    const w = textWidth(it.text, LANE_FONT_PX);
    const anchor = it.anchor ?? 'start';
    const left = anchor === 'end' ? it.x - w : it.x;
    if (left < right + 3 || left < 0 || left + w > width) continue;
    out.push({ x: it.x, text: it.text, anchor, kind: it.kind });
    right = left + w;
  }
  return out;
}

/** Which log marks the stage shows now: the legend lists those (they are explained when they matter). */
export interface LegendFacts {
  commit: boolean;
  abort: boolean;
  aborted: boolean;
  lso: boolean;
  segments: boolean;
  logStart: boolean;
  readers: boolean;
}

export function legendFacts(snapshot: ClusterSnapshot): LegendFacts {
  const f: LegendFacts = {
    commit: false,
    abort: false,
    aborted: false,
    lso: false,
    segments: false,
    logStart: false,
    readers: anyReadMarks(snapshot),
  };
  for (const t of snapshot.topics) {
    if (t.name.startsWith('__')) continue;
    for (const p of t.partitions)
      for (const r of p.replicaStates) {
        for (const rec of r.tail ?? []) {
          if (rec.control === 'COMMIT') f.commit = true;
          if (rec.control === 'ABORT') f.abort = true;
          if (rec.aborted) f.aborted = true;
        }
        if ((r.lastStableOffset ?? r.highWatermark) < r.highWatermark) f.lso = true;
        if ((r.segmentBaseOffsets?.length ?? 1) > 1) f.segments = true;
        if (r.logStartOffset > 0) f.logStart = true;
      }
  }
  return f;
}
