/**
 * The recorded future's events, cut from the trace by going back (decision 0021): trace positions
 * [base, end). Going back prepends the cut part; replaying forward over it drops the front; jumping
 * ahead takes the front back onto the trace.
 *
 * Kept as chunks, not one event at a time: after an hour the trace is ~580 000 positions long and
 * all but the newest ~25 000 are holes (paged out: the pager reads them back from its pages, which
 * stay valid along the timeline). Copying the whole cut one position at a time cost ~30 ms of a
 * 190 ms scrub at the hour (bench `long-session`); a run of holes is now a count, and the events
 * still in the heap are copied with one `slice`.
 */
import type { EngineEvent } from '../engine';

type Slot = EngineEvent | undefined;

/** Positions [from, to): holes (`events` null) or `events[i - origin]`. */
interface Chunk {
  from: number;
  to: number;
  origin: number;
  events: readonly Slot[] | null;
}

export class FutureTrace {
  /** Newest chunks first, so the front (the earliest positions) is the end of the array. */
  private chunks: Chunk[] = [];
  private first = 0;

  /** The first position held (when empty: the trace's length at the last cut or settle). */
  get base(): number {
    return this.first;
  }

  get length(): number {
    let n = 0;
    for (const c of this.chunks) n += c.to - c.from;
    return n;
  }

  /** One past the last position held. */
  get end(): number {
    return this.chunks.length === 0 ? this.first : this.chunks[0]!.to;
  }

  /**
   * Keep trace positions [cut, trace.length) before what is held (which must start at
   * trace.length). Positions below `holesBelow` are holes in the trace (paged out).
   */
  prepend(trace: readonly Slot[], cut: number, holesBelow: number): void {
    const length = trace.length;
    if (length > this.first && this.chunks.length > 0)
      throw new Error('the future must start where the trace ends');
    if (this.chunks.length === 0) this.first = Math.min(this.first, cut);
    if (cut >= length) return;
    const split = Math.min(length, Math.max(cut, holesBelow));
    if (split < length)
      this.push({ from: split, to: length, origin: split, events: trace.slice(split, length) });
    if (cut < split) this.push({ from: cut, to: split, origin: cut, events: null });
    this.first = cut;
  }

  /** Forget the first `n` positions (the trace has regenerated them). */
  dropFront(n: number): void {
    this.takeOrDrop(n, undefined);
  }

  /** Remove the first `n` positions and return them (holes as undefined). */
  takeFront(n: number): Slot[] {
    return this.takeStretches(n).flatMap((s) =>
      typeof s === 'number' ? Array.from({ length: s }, () => undefined) : s,
    );
  }

  /**
   * Remove the first `n` positions and return them as stretches: events, or a count of holes.
   * Jumping ahead over an hour of paged-out trace is ~550 000 holes; a count for each stretch,
   * put back on the trace at once, instead of one slot at a time (twice over) roughly halved that
   * jump's CPU time (decision 0021, follow-up 2).
   */
  takeStretches(n: number): (readonly Slot[] | number)[] {
    const out: (readonly Slot[] | number)[] = [];
    this.takeOrDrop(n, out);
    return out;
  }

  /** Forget everything; the future starts at `at` (the trace's length). */
  reset(at: number): void {
    this.chunks = [];
    this.first = at;
  }

  /** After the trace has grown to `length` over the future (replay): drop what it regenerated. */
  settle(length: number): void {
    const regenerated = length - this.first;
    if (regenerated <= 0) return;
    this.dropFront(Math.min(regenerated, this.length));
    this.first = length;
  }

  private push(c: Chunk): void {
    this.chunks.push(c);
  }

  private takeOrDrop(n: number, out: (readonly Slot[] | number)[] | undefined): void {
    let k = 0;
    while (k < n) {
      const c = this.chunks.at(-1);
      if (!c) break;
      const take = Math.min(n - k, c.to - c.from);
      const start = c.from - c.origin;
      if (out) out.push(c.events ? c.events.slice(start, start + take) : take);
      k += take;
      if (take === c.to - c.from) this.chunks.pop();
      else this.chunks[this.chunks.length - 1] = { ...c, from: c.from + take };
    }
    this.first += k;
  }
}
