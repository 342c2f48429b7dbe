/**
 * Where "step" and "run until" stop. Conditions are plain data chosen in the UI and checked here
 * against the trace: a condition never carries code, so nothing a page or a link supplies can run
 * inside the worker.
 */
import type { EngineEvent } from '../engine';
import { isMoment, isMomentKind, type MomentKind } from './key-moments';

export type StopCondition =
  /** The next action that produces any event. */
  | { kind: 'event' }
  /** The next event of this type, e.g. `partition.changed`. */
  | { kind: 'eventType'; eventType: string }
  /** The next key moment of a kind (key-moments.ts): a leader change, an ISR change, a rebalance… */
  | { kind: 'moment'; moment: MomentKind }
  /** This virtual time (forward or back). */
  | { kind: 'time'; atMs: number };

/** `matched`: the condition held; `limit`: the time limit passed first; `budget`: out of wall time. */
export type RunResult = 'matched' | 'limit' | 'budget';

export const EVENT_TYPE_MAX_LENGTH = 64;

/** Runtime check for conditions arriving through postMessage. */
export function isStopCondition(v: unknown): v is StopCondition {
  if (typeof v !== 'object' || v === null || !('kind' in v)) return false;
  switch (v.kind) {
    case 'event':
      return true;
    case 'eventType':
      return (
        'eventType' in v &&
        typeof v.eventType === 'string' &&
        v.eventType.length > 0 &&
        v.eventType.length <= EVENT_TYPE_MAX_LENGTH
      );
    case 'moment':
      return 'moment' in v && isMomentKind(v.moment);
    case 'time':
      return 'atMs' in v && Number.isSafeInteger(v.atMs) && (v.atMs as number) >= 0;
    default:
      return false;
  }
}

/** Did the events trace[from..] satisfy an event condition? */
export function matchesEvents(
  condition: StopCondition,
  trace: readonly EngineEvent[],
  from: number,
): boolean {
  switch (condition.kind) {
    case 'event':
      return trace.length > from;
    case 'eventType':
      for (let i = from; i < trace.length; i++) if (trace[i]!.type === condition.eventType) return true;
      return false;
    case 'moment':
      for (let i = from; i < trace.length; i++) if (isMoment(condition.moment, trace[i]!)) return true;
      return false;
    case 'time':
      return false;
  }
}
