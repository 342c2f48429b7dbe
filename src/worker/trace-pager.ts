/**
 * Old trace paged out of the heap (decision 0021). A long session's trace grows by ~160 events a
 * virtual second (an hour: ~580 000 events, ~300 MB as objects, message bodies included), while
 * what is read often is the newest few thousand. So the events older than the newest
 * `keepInHeap` are written, a page of `PAGE_EVENTS` at a time, as compressed JSON (`lz.ts`, 10–20×
 * smaller) to a `TracePageStore`, and the simulation's trace keeps holes in their place
 * (`Simulation.forgetTrace`). Readers go through `read`/`at`, which decode a page back when they
 * meet a hole (a few recently read pages are kept decoded).
 *
 * Pages are only valid along one timeline: a fork (or a restored future) drops the pages past the
 * fork point (`dropFrom`), putting the part of the page before it back on the trace first.
 */
import type { EngineEvent, Simulation } from '../engine';
import { lzCompress, lzDecompress } from './lz';

export const PAGE_EVENTS = 2048;
/** Newest events kept as objects in the trace (~10–20 MB in a busy session). */
export const TRACE_IN_HEAP_EVENTS = 24_576;
/** Decoded pages kept for readers that come back (a window, a binary search). */
const DECODED_PAGES = 8;

/** Where paged-out trace pages live: memory here; the port lets another store hold them. */
export interface TracePageStore {
  put(page: number, block: Uint8Array): void;
  get(page: number): Uint8Array | undefined;
  /** Forget page `page` and every page after it. */
  dropFrom(page: number): void;
  /** Bytes held (for the bench and a memory readout). */
  bytes(): number;
}

export class MemoryTracePageStore implements TracePageStore {
  private readonly pages = new Map<number, Uint8Array>();
  private held = 0;

  put(page: number, block: Uint8Array): void {
    this.held += block.length - (this.pages.get(page)?.length ?? 0);
    this.pages.set(page, block);
  }

  get(page: number): Uint8Array | undefined {
    return this.pages.get(page);
  }

  dropFrom(page: number): void {
    for (const [p, block] of this.pages) {
      if (p < page) continue;
      this.held -= block.length;
      this.pages.delete(p);
    }
  }

  bytes(): number {
    return this.held;
  }
}

type Slot = EngineEvent | undefined;

export class TracePager {
  /** Trace entries below this are holes wherever their page is stored. */
  private holesBelow = 0;
  /** Pages stored: 0..stored-1 (pages are written in order). */
  private stored = 0;
  private readonly decoded = new Map<number, EngineEvent[]>();

  constructor(
    private readonly sim: Simulation,
    readonly keepInHeap = TRACE_IN_HEAP_EVENTS,
    private readonly store: TracePageStore = new MemoryTracePageStore(),
    private readonly pageEvents = PAGE_EVENTS,
  ) {}

  /** Bytes of paged-out trace held by the store. */
  storedBytes(): number {
    return this.store.bytes();
  }

  /**
   * Write out and forget the whole pages older than the newest `keepInHeap` events. Cheap when
   * there is nothing to do. `complete`: false while the trace still has holes of its own (a
   * resumed session's past before its backfill), which must not be written out.
   */
  pageOut(complete = true): void {
    const trace = this.sim.trace() as readonly Slot[];
    const end = Math.floor(Math.max(0, trace.length - this.keepInHeap) / this.pageEvents) * this.pageEvents;
    if (end <= this.holesBelow || !complete) return;
    for (let page = this.stored; page * this.pageEvents < end; page++) {
      const from = page * this.pageEvents;
      const events = trace.slice(from, from + this.pageEvents);
      if (events.some((e) => e === undefined)) return; // never write a page with unknown events
      this.store.put(page, lzCompress(new TextEncoder().encode(JSON.stringify(events))));
      this.stored = page + 1;
    }
    const to = Math.min(end, this.stored * this.pageEvents);
    this.sim.forgetTrace(this.holesBelow, to);
    this.holesBelow = Math.max(this.holesBelow, to);
  }

  /** Trace entries below this are holes (paged out, read back through `at`/`read`). */
  inHeapFrom(): number {
    return this.holesBelow;
  }

  /** The trace was cut back to `length` (a restore): entries from there on are new objects again. */
  noteCut(length: number): void {
    this.holesBelow = Math.min(this.holesBelow, length);
  }

  /**
   * The trace was put back over an array kept aside (`Simulation.reattachTrace`) whose entries
   * below `holes` were paged out when it was set aside: they count as holes again at once, instead
   * of the next `pageOut` writing `undefined` over ~550 000 of them one by one (3–8 ms after the
   * far jump at the hour). `written`: the entries at its start written over from the trace before,
   * in the heap; those below `holes` are forgotten (their pages are stored).
   */
  noteReattached(holes: number, written: number): void {
    const to = Math.min(holes, this.sim.trace().length, this.stored * this.pageEvents);
    if (to <= this.holesBelow) return;
    this.sim.forgetTrace(this.holesBelow, Math.min(written, to));
    this.holesBelow = to;
  }

  /**
   * The events from trace index `length` on belong to another future now (a fork): drop their
   * pages, putting the still-valid start of the page that holds `length` back on the trace.
   */
  dropFrom(length: number): void {
    const page = Math.floor(length / this.pageEvents);
    if (page >= this.stored) return;
    const events = this.decode(page);
    const from = page * this.pageEvents;
    const trace = this.sim.trace() as readonly Slot[];
    const upTo = Math.min(length, trace.length) - from;
    if (upTo > 0) this.sim.fillTrace(events.slice(0, upTo), from);
    this.store.dropFrom(page);
    for (const p of [...this.decoded.keys()]) if (p >= page) this.decoded.delete(p);
    this.stored = page;
    this.holesBelow = Math.min(this.holesBelow, from);
  }

  /** The event at trace index `i`, read back from its page if it was paged out. */
  at(i: number): EngineEvent | undefined {
    const trace = this.sim.trace() as readonly Slot[];
    if (i < 0 || i >= trace.length) return undefined;
    const e = trace[i];
    if (e !== undefined) return e;
    const page = Math.floor(i / this.pageEvents);
    return page < this.stored ? this.decode(page)[i - page * this.pageEvents] : undefined;
  }

  /** Events [from, to) with paged-out ones read back (holes only where nothing is known). */
  read(from: number, to: number): Slot[] {
    const trace = this.sim.trace() as readonly Slot[];
    const out = trace.slice(Math.max(0, from), Math.min(to, trace.length));
    for (let k = 0; k < out.length; k++) {
      if (out[k] !== undefined) continue;
      const i = from + k;
      const page = Math.floor(i / this.pageEvents);
      if (page < this.stored) out[k] = this.decode(page)[i - page * this.pageEvents];
    }
    return out;
  }

  private decode(page: number): EngineEvent[] {
    const hit = this.decoded.get(page);
    if (hit) {
      this.decoded.delete(page); // most recently used last
      this.decoded.set(page, hit);
      return hit;
    }
    const block = this.store.get(page);
    if (!block) throw new Error(`trace page ${page} is missing`);
    const events = JSON.parse(new TextDecoder().decode(lzDecompress(block))) as EngineEvent[];
    this.decoded.set(page, events);
    if (this.decoded.size > DECODED_PAGES) this.decoded.delete(this.decoded.keys().next().value!);
    return events;
  }
}
