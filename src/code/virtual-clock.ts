/**
 * The simulation's clock for the code worker: `setTimeout`, `setInterval`, `Date.now` and
 * `performance.now` follow the session's virtual time, which moves only when a batch says so
 * (`advanceTo`). Pause the simulation and KafkaJS's retries, heartbeats and request timeouts
 * pause with it; step, and whatever was due fires. A zero-delay timer still runs at once (it is
 * "later in this same millisecond"), so promise plumbing does not stall while paused.
 */
interface Timer {
  id: number;
  dueMs: number;
  seq: number;
  fn: () => void;
  /** For intervals: the period; undefined for one-shot timers. */
  everyMs?: number;
}

type Callback = (...args: unknown[]) => void;

export class VirtualClock {
  private nowMs: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private seq = 0;
  private firing = false;
  /** One real macrotask at most is asked for at a time (see `wake`). */
  private woken = false;

  constructor(
    startMs: number,
    /** A real "soon" (a macrotask) for zero-delay timers. */
    private readonly soon: (fn: () => void) => void,
  ) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: Callback, delay = 0, args: unknown[] = []): number {
    return this.add(() => fn(...args), delay, undefined);
  }

  setInterval(fn: Callback, delay = 0, args: unknown[] = []): number {
    return this.add(() => fn(...args), delay, Math.max(1, Math.floor(Number(delay) || 0)));
  }

  clear(id: unknown): void {
    if (typeof id === 'number') this.timers.delete(id);
  }

  /** Virtual time moved (a batch arrived): run every timer now due, in due order. */
  advanceTo(ms: number): void {
    if (ms > this.nowMs) this.nowMs = ms;
    this.fireDue();
  }

  pending(): number {
    return this.timers.size;
  }

  private add(fn: () => void, delay: unknown, everyMs: number | undefined): number {
    const id = this.nextId++;
    const ms = Math.max(0, Math.floor(Number(delay) || 0));
    this.timers.set(id, { id, dueMs: this.nowMs + ms, seq: this.seq++, fn, everyMs });
    if (ms === 0) this.wake();
    return id;
  }

  /**
   * Fire zero-delay timers on the next real macrotask. Asked for once, however many such timers
   * are set: KafkaJS's request queue re-arms a zero-delay check after every check (its
   * `scheduleCheckPendingRequests` once a request has waited), one per broker connection, and a
   * macrotask per timer would multiply them every turn until the worker runs out of memory.
   */
  private wake(): void {
    if (this.woken) return;
    this.woken = true;
    this.soon(() => {
      this.woken = false;
      this.fireDue();
    });
  }

  private fireDue(): void {
    if (this.firing) return;
    this.firing = true;
    // Only timers set before this call: one set while firing (a zero-delay retry loop, say) waits
    // for the next real macrotask, so socket data and the page's messages get their turn.
    const before = this.seq;
    try {
      for (;;) {
        let next: Timer | undefined;
        for (const t of this.timers.values())
          if (
            t.seq < before &&
            t.dueMs <= this.nowMs &&
            (!next || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.seq < next.seq))
          )
            next = t;
        if (!next) return;
        if (next.everyMs === undefined) this.timers.delete(next.id);
        else {
          // Missed periods (a long step) are skipped, as a throttled browser tab skips them.
          next.dueMs = Math.max(next.dueMs + next.everyMs, this.nowMs + 1);
          next.seq = this.seq++;
        }
        try {
          next.fn();
        } catch (e) {
          // A throwing callback must not stop the others; report it as the runtime would.
          this.soon(() => {
            throw e;
          });
        }
      }
    } finally {
      this.firing = false;
    }
  }
}
