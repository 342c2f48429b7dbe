/**
 * suppress(Suppressed.untilWindowCloses(unbounded())): a buffer of the latest update per windowed key,
 * ordered by window end, with its OWN observed stream time (KTableSuppressProcessorSupplier). It emits
 * a window's final result once windowEnd ≤ observedStreamTime − suppressDuration, where the duration is
 * the window's grace (plus the gap for sessions). Stream time only moves when a record arrives, so with
 * no new records a closed window stays silent: the "why is my window silent?" lesson.
 */
import type { Change } from './aggregate';

/** The buffer and its own stream time: plain data, so a kernel checkpoint can copy it. */
export interface SuppressState {
  observedStreamTimeMs: number;
  buffer: Map<string, Change>;
}

export class SuppressProcessor {
  constructor(
    readonly suppressDurationMs: number,
    readonly state: SuppressState = { observedStreamTimeMs: -1, buffer: new Map() },
  ) {}

  get observedStreamTimeMs(): number {
    return this.state.observedStreamTimeMs;
  }

  private get buffer(): Map<string, Change> {
    return this.state.buffer;
  }

  /** Buffers one update (its record timestamp advances this processor's stream time); returns what is evicted. */
  process(change: Change, recordTimestampMs: number): Change[] {
    this.state.observedStreamTimeMs = Math.max(this.state.observedStreamTimeMs, recordTimestampMs);
    this.put(change);
    return this.evict();
  }

  /**
   * One record of the buffer's changelog, read back while the task restores: an update is buffered
   * again, a tombstone (written when the result was emitted) removes it, and nothing is emitted
   * (InMemoryTimeOrderedKeyValueChangeBuffer#restoreBatch). Without the tombstones, a restored
   * buffer would emit every result it had already emitted once more.
   */
  restore(id: string, change: Change | null): void {
    if (change === null) this.buffer.delete(id);
    else this.put(change);
  }

  private put(change: Change): void {
    const id = change.win ? `${change.win.startMs}:${change.win.endMs}:${change.key}` : change.key;
    const prior = this.buffer.get(id);
    // The buffer keeps the newest value and the oldest old value, like Kafka's Change folding.
    this.buffer.delete(id);
    this.buffer.set(id, prior ? { ...change, oldValue: prior.oldValue } : change);
  }

  private bufferTime(c: Change): number {
    return c.win ? c.win.endMs : c.timestampMs;
  }

  private evict(): Change[] {
    const expiry = this.observedStreamTimeMs - this.suppressDurationMs;
    const due = [...this.buffer.entries()]
      .filter(([, c]) => this.bufferTime(c) <= expiry)
      .sort(([, a], [, b]) => this.bufferTime(a) - this.bufferTime(b));
    const out: Change[] = [];
    for (const [id, c] of due) {
      this.buffer.delete(id);
      // Final-results suppression drops tombstones (session merges): nothing downstream ever saw them.
      if (c.newValue !== null) out.push(c);
    }
    return out;
  }

  // What is waiting, for the UI: each buffered result and the stream time at which it will be emitted.
  pending(): { change: Change; emitsAtStreamTimeMs: number }[] {
    return [...this.buffer.values()]
      .map((change) => ({ change, emitsAtStreamTimeMs: this.bufferTime(change) + this.suppressDurationMs }))
      .sort((a, b) => a.emitsAtStreamTimeMs - b.emitsAtStreamTimeMs);
  }
}
