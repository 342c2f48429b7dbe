/**
 * Window arithmetic exactly as Kafka Streams does it (reference stream-processing.md §2, TimeWindows,
 * SlidingWindows, SessionWindows, JoinWindows and the aggregate processors). Times are event-time
 * milliseconds. Time windows are epoch-aligned and half-open [start, end); sliding and session windows
 * are inclusive at both ends.
 */
import { EngineError } from '../errors';

export interface Window {
  startMs: number;
  endMs: number;
}

export type WindowSpec =
  | { type: 'tumbling'; sizeMs: number; graceMs: number }
  | { type: 'hopping'; sizeMs: number; advanceMs: number; graceMs: number }
  | { type: 'sliding'; differenceMs: number; graceMs: number }
  | { type: 'session'; gapMs: number; graceMs: number };

export interface JoinWindowSpec {
  beforeMs: number;
  afterMs: number;
  graceMs: number;
}

function nonNegative(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new EngineError(
      'INVALID_COMMAND',
      `${name} must be a non-negative whole number of ms, got ${String(v)}.`,
    );
  }
  return v;
}

/** Throws Kafka's IllegalArgumentException messages (as INVALID_COMMAND) for impossible windows. */
export function validateWindowSpec(w: WindowSpec): void {
  nonNegative('grace', w.graceMs);
  switch (w.type) {
    case 'tumbling':
      if (nonNegative('size', w.sizeMs) === 0)
        throw new EngineError('INVALID_COMMAND', 'Window size must be larger than zero.');
      return;
    case 'hopping':
      if (nonNegative('size', w.sizeMs) === 0)
        throw new EngineError('INVALID_COMMAND', 'Window size must be larger than zero.');
      if (nonNegative('advance', w.advanceMs) === 0 || w.advanceMs > w.sizeMs) {
        throw new EngineError(
          'INVALID_COMMAND',
          `Window advancement interval should be more than zero and less than \u0077indow duration which is ${w.sizeMs} ms, but given advancement interval is: ${w.advanceMs} ms`,
        );
      }
      return;
    case 'sliding':
      nonNegative('timeDifference', w.differenceMs);
      return;
    case 'session':
      if (nonNegative('inactivity gap', w.gapMs) === 0) {
        throw new EngineError('INVALID_COMMAND', 'Gap time cannot be zero or negative.');
      }
      return;
  }
}

// `TimeWindows#windowsFor`: every aligned [start, start+size) that contains `ts`.
export function timeWindowsFor(timestampMs: number, sizeMs: number, advanceMs = sizeMs): Window[] {
  let start = Math.floor(Math.max(0, timestampMs - sizeMs + advanceMs) / advanceMs) * advanceMs;
  const out: Window[] = [];
  while (start <= timestampMs) {
    out.push({ startMs: start, endMs: start + sizeMs });
    start += advanceMs;
  }
  return out;
}

/**
 * The windows a sliding aggregation holds for these timestamps (SlidingWindows javadoc): each record's
 * left window [t − d, t] and, when another record falls in (t, t + d], its right window [t + 1, t + 1 + d].
 * Records earlier than d share Kafka's [0, d] "early" window instead of a negative start.
 * Returned sorted by start, without duplicates.
 */
export function slidingWindowsFor(timestampsMs: readonly number[], differenceMs: number): Window[] {
  const ts = [...new Set(timestampsMs)].sort((a, b) => a - b);
  const byStart = new Map<number, Window>();
  for (const t of ts) {
    const left =
      t < differenceMs ? { startMs: 0, endMs: differenceMs } : { startMs: t - differenceMs, endMs: t };
    byStart.set(left.startMs, left);
    if (ts.some((o) => o > t && o <= t + differenceMs))
      byStart.set(t + 1, { startMs: t + 1, endMs: t + 1 + differenceMs });
  }
  return [...byStart.values()].sort((a, b) => a.startMs - b.startMs);
}

// Whether `ts` falls into `w` under its type's end rule (inclusive for sliding and session).
export function windowContains(w: Window, timestampMs: number, inclusiveEnd: boolean): boolean {
  return timestampMs >= w.startMs && (inclusiveEnd ? timestampMs <= w.endMs : timestampMs < w.endMs);
}

/**
 * Time-window drop rule (KStreamWindowAggregate): with closeTime = streamTime − grace, a record
 * updates a window only while windowEnd > closeTime.
 */
export function timeWindowOpen(windowEndMs: number, streamTimeMs: number, graceMs: number): boolean {
  return windowEndMs > streamTimeMs - graceMs;
}

/** Sliding drop rule (KStreamSlidingWindowAggregate): dropped when ts + d < streamTime − grace. */
export function slidingRecordExpired(
  timestampMs: number,
  differenceMs: number,
  streamTimeMs: number,
  graceMs: number,
): boolean {
  return timestampMs + differenceMs < streamTimeMs - graceMs;
}

export interface Session<A = unknown> extends Window {
  agg: A;
}

/**
 * Session merging (KStreamSessionWindowAggregate): a record at `ts` joins every session whose inclusive
 * range comes within `gap` of it; they merge into one session spanning all of them and the record.
 * Returns the sessions merged away and the new session's bounds.
 */
export function mergeSessions<A>(
  sessions: readonly Session<A>[],
  timestampMs: number,
  gapMs: number,
): { merged: Session<A>[]; win: Window } {
  const merged = sessions.filter((s) => s.endMs >= timestampMs - gapMs && s.startMs <= timestampMs + gapMs);
  let startMs = timestampMs;
  let endMs = timestampMs;
  for (const s of merged) {
    startMs = Math.min(startMs, s.startMs);
    endMs = Math.max(endMs, s.endMs);
  }
  return { merged, win: { startMs, endMs } };
}

/** Session drop rule: closeTime = streamTime − gap − grace; dropped only if the merged end < closeTime. */
export function sessionExpired(
  mergedEndMs: number,
  streamTimeMs: number,
  gapMs: number,
  graceMs: number,
): boolean {
  return mergedEndMs < streamTimeMs - gapMs - graceMs;
}

/** JoinWindows: an other-side record at `otherTs` joins `thisTs` when thisTs − before ≤ otherTs ≤ thisTs + after. */
export function joinWindowMatches(thisTs: number, otherTs: number, w: JoinWindowSpec): boolean {
  return otherTs >= thisTs - w.beforeMs && otherTs <= thisTs + w.afterMs;
}

// The close line of the plot: the stream time from which this range takes no more records.
export function windowCloseTime(w: Window, spec: WindowSpec): number {
  return spec.type === 'session' ? w.endMs + spec.gapMs + spec.graceMs : w.endMs + spec.graceMs;
}

// The ranges one record falls into, for the specs that are a function of one timestamp.
export function windowsForRecord(spec: WindowSpec, timestampMs: number): Window[] {
  switch (spec.type) {
    case 'tumbling':
      return timeWindowsFor(timestampMs, spec.sizeMs, spec.sizeMs);
    case 'hopping':
      return timeWindowsFor(timestampMs, spec.sizeMs, spec.advanceMs);
    case 'sliding':
      return slidingWindowsFor([timestampMs], spec.differenceMs);
    case 'session':
      return [{ startMs: timestampMs, endMs: timestampMs }];
  }
}
