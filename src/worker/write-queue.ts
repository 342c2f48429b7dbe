/**
 * Write-behind for IndexedDB: pipelined, group-committed, in order, all or nothing.
 *
 * - Pipelined: up to `maxInFlight` (3) transactions are open at once, so the next one is already
 *   queued inside IndexedDB when the previous commits; there is no round trip between them.
 * - Group commit: writes that arrive while the pipeline is full wait and then share one
 *   transaction, so a burst of small writes costs a few transactions, not one each.
 * - In order: every transaction spans every store, and IndexedDB runs read-write transactions
 *   with overlapping scopes in the order they were created. A torn write (the tab closed) can
 *   therefore only lose a suffix of the writes: what is stored is always a prefix of what was
 *   written, which is what makes "command first, derived data after" a guarantee.
 * - Blind writes stream: a write that only puts and deletes (`reads: false`) is issued without
 *   waiting for the one before it to complete, so a transaction full of segment puts keeps
 *   IndexedDB busy instead of idling between them. A write that reads waits for everything issued
 *   before it in its transaction (it may read what they wrote).
 * - Fail-fast: when a transaction fails (quota, a closed database), every write after it is
 *   refused too, and transactions already opened after it are aborted, so no later write can
 *   land on top of a hole.
 * - Sliced: a put structured-clones its value on the spot, so a big save (the first save of an
 *   opened session: ~100 segments of 1000 records) would hold the worker for hundreds of ms and
 *   a Back would wait behind it. The queue times the works it runs and, once it has done
 *   `sliceMs` of work since the event loop last turned, issues no more: the transaction commits
 *   with what it has, the rest of its group goes back to the front of the line, and the next
 *   transaction starts after a yield to the event loop (a request that arrived meanwhile is
 *   handled first), as the backfill and the checks are sliced (engine-host.ts). Order is kept:
 *   no later transaction starts while one is still issuing its group. A work is never split, so
 *   writers hand over big saves as several works (IdbLogStore.append: one per segment).
 */
import { ALL_STORES, type Db, type WriteTx } from './db';

/** Synchronous work (ms, mostly structured cloning) the queue does before the event loop turns. */
export const WRITE_SLICE_MS = 8;

export interface WritePacing {
  /** Work per slice (ms); Infinity: never yield (as before slicing). */
  sliceMs?: number;
  /** Wall clock that times the works (performance.now). */
  clock?: () => number;
  /** Call `resume` once the event loop has turned (setTimeout 0). */
  yieldToLoop?: (resume: () => void) => void;
}

export type Work = (tx: WriteTx) => Promise<void> | void;

interface Pending {
  work: Work;
  reads: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class WriteQueue {
  private waiting: Pending[] = [];
  private readonly open = new Set<WriteTx>();
  private failure: unknown;
  private idleWaiters: (() => void)[] = [];
  private readonly sliceMs: number;
  private readonly clock: () => number;
  private readonly yieldToLoop: (resume: () => void) => void;
  /** Work done (ms) since the event loop last turned, as far as the queue knows. */
  private spent = 0;
  /** A transaction is still issuing its group: no later one may start (it may hand some back). */
  private issuing = false;
  /** A yield to the event loop is scheduled; the next slice starts after it. */
  private yielding = false;

  constructor(
    private readonly db: Db,
    private readonly maxInFlight = 3,
    /** Bound on writes per transaction, so one transaction never holds the database for long. */
    private readonly maxGroup = 64,
    pacing: WritePacing = {},
  ) {
    this.sliceMs = pacing.sliceMs ?? WRITE_SLICE_MS;
    this.clock = pacing.clock ?? (() => performance.now());
    this.yieldToLoop = pacing.yieldToLoop ?? ((resume) => void setTimeout(resume, 0));
  }

  /**
   * Queue a write; resolves when its transaction has committed. `reads: false` declares that the
   * write reads nothing (only puts and deletes), so it need not wait for the writes before it.
   */
  run(work: Work, options: { reads: boolean } = { reads: true }): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ work, reads: options.reads, resolve, reject });
      this.pump();
    });
  }

  get inFlight(): number {
    return this.open.size;
  }

  /** Nothing waiting and nothing open. */
  get idle(): boolean {
    return this.open.size === 0 && this.waiting.length === 0;
  }

  /** Resolves once every write queued so far has committed or failed. */
  settled(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The first failure, once there has been one. */
  get failed(): unknown {
    return this.failure;
  }

  private pump(): void {
    while (
      this.open.size < this.maxInFlight &&
      this.waiting.length > 0 &&
      this.failure === undefined &&
      !this.issuing
    ) {
      if (this.spent >= this.sliceMs) {
        this.pause();
        return;
      }
      this.start(this.waiting.splice(0, this.maxGroup));
    }
  }

  /** This slice is used up: let the event loop turn (requests first), then go on. */
  private pause(): void {
    if (this.yielding) return;
    this.yielding = true;
    this.yieldToLoop(() => {
      this.yielding = false;
      this.spent = 0;
      this.pump();
    });
  }

  /** Run one work's synchronous part (where puts clone their values), timed against the slice. */
  private timed(p: Pending, tx: WriteTx): Promise<void> {
    const t0 = this.clock();
    try {
      return Promise.resolve(p.work(tx));
    } catch (e) {
      return Promise.reject(e);
    } finally {
      this.spent += this.clock() - t0;
    }
  }

  private start(waiting: Pending[]): void {
    let tx: WriteTx;
    try {
      tx = this.db.transaction(ALL_STORES, 'readwrite');
    } catch (e) {
      this.fail(e, waiting); // the database was closed, or is being deleted
      return;
    }
    this.open.add(tx);
    this.issuing = true;
    /** The works this transaction takes: all of `waiting` unless the slice runs out first. */
    const group: Pending[] = [];
    const works = (async () => {
      const issued: Promise<void>[] = [];
      try {
        for (const p of waiting) {
          if (group.length > 0 && this.spent >= this.sliceMs) break; // the rest: next slice
          group.push(p);
          if (p.reads) {
            await Promise.all(issued); // it may read what the writes before it wrote
            issued.length = 0;
            await this.timed(p, tx);
          } else {
            const done = this.timed(p, tx);
            done.catch(() => {}); // reported through Promise.all below; not an unhandled rejection
            issued.push(done);
          }
        }
      } finally {
        // What it did not take goes first in line: nothing later has started meanwhile.
        if (group.length < waiting.length) this.waiting.unshift(...waiting.slice(group.length));
        this.issuing = false;
        if (this.failure === undefined) this.pump();
      }
      await Promise.all(issued);
    })();
    Promise.all([works, tx.done]).then(
      () => {
        this.open.delete(tx);
        this.spent = 0; // this runs in a task of its own: the event loop has turned
        for (const p of group) p.resolve();
        this.after();
      },
      (e: unknown) => {
        this.open.delete(tx);
        try {
          tx.abort(); // a work threw: make sure nothing of this group commits
        } catch {
          // already finished or aborted
        }
        tx.done.catch(() => {});
        this.spent = 0;
        this.fail(tx.error ?? e, group);
      },
    );
  }

  private fail(e: unknown, group: Pending[]): void {
    if (this.failure === undefined) this.failure = e;
    for (const p of group) p.reject(e);
    for (const later of this.open) {
      try {
        later.abort();
      } catch {
        // it committed already: it was created earlier, so it precedes the hole
      }
    }
    for (const p of this.waiting.splice(0)) p.reject(e);
    this.after();
  }

  private after(): void {
    this.pump();
    if (this.idle) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
