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
 */
import { ALL_STORES, type Db, type WriteTx } from './db';

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

  constructor(
    private readonly db: Db,
    private readonly maxInFlight = 3,
    /** Bound on writes per transaction, so one transaction never holds the database for long. */
    private readonly maxGroup = 64,
  ) {}

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
    while (this.open.size < this.maxInFlight && this.waiting.length > 0 && this.failure === undefined) {
      this.start(this.waiting.splice(0, this.maxGroup));
    }
  }

  private start(group: Pending[]): void {
    let tx: WriteTx;
    try {
      tx = this.db.transaction(ALL_STORES, 'readwrite');
    } catch (e) {
      this.fail(e, group); // the database was closed, or is being deleted
      return;
    }
    this.open.add(tx);
    const works = (async () => {
      const issued: Promise<void>[] = [];
      for (const p of group) {
        if (p.reads) {
          await Promise.all(issued); // it may read what the writes before it wrote
          issued.length = 0;
          await p.work(tx);
        } else {
          const done = Promise.resolve(p.work(tx));
          done.catch(() => {}); // reported through Promise.all below; not an unhandled rejection
          issued.push(done);
        }
      }
      await Promise.all(issued);
    })();
    Promise.all([works, tx.done]).then(
      () => {
        this.open.delete(tx);
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
