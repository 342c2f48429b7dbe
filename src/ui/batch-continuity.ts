/**
 * The one rule that says whether a batch from the worker continues the story the views hold (a
 * step forward) or starts it somewhere else (a jump: a session opened, time travel, events skipped).
 *
 * Every batch carries a continuity token (`Batch.origin`, protocol.ts): the line of history it
 * belongs to and the trace index its events start at. A batch is a step exactly when it is on the
 * same line as the previous one and starts where that one ended; anything else is a jump. The
 * session classifies each batch once (EngineSession.apply) and hands the answer to every listener,
 * so no tracker guesses from sequence numbers or clocks of its own.
 */
import type { Batch } from '../bridge/protocol';

export type BatchMove =
  | { kind: 'step' }
  | {
      kind: 'jump';
      /** A new session (or the first batch seen): nothing held from before belongs to it. */
      opened: boolean;
      /** Went back (or sideways onto another line): what the views hold past the playhead is not true here. */
      back: boolean;
      /** Forward over events that were not sent (too many at once): how many. */
      skipped: number;
    };

interface Seen {
  line: number;
  traceLength: number;
  nowMs: number;
}

type Classified = Pick<Batch, 'origin' | 'traceLength' | 'nowMs' | 'opened'>;

export class BatchContinuity {
  private seen: Seen | undefined;

  classify(batch: Classified): BatchMove {
    const prev = this.seen;
    const { line, from } = batch.origin;
    this.seen = { line, traceLength: batch.traceLength, nowMs: batch.nowMs };
    if (prev === undefined || batch.opened) return { kind: 'jump', opened: true, back: false, skipped: 0 };
    if (line === prev.line && from === prev.traceLength) return { kind: 'step' };
    const back = line !== prev.line || batch.traceLength < prev.traceLength || batch.nowMs < prev.nowMs;
    return { kind: 'jump', opened: false, back, skipped: back ? 0 : Math.max(0, from - prev.traceLength) };
  }
}
