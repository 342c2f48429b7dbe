/**
 * The Flink view's history, kept as trace batches arrive (like the Streams view's feed): the fold
 * of flink-history.ts over every event seen. Going back in time (a batch from an earlier clock, or
 * a trace that starts over) starts the fold again.
 */
import type { EngineEvent } from '../../engine/index';
import { emptyHistory, foldFlink, type FlinkHistory } from './flink-history';

export interface FeedBatch {
  events: EngineEvent[];
  nowMs: number;
}

export class FlinkFeed {
  version = $state(0);
  /** A plain object: `version` is what the view watches. */
  history: FlinkHistory = emptyHistory();
  private lastSeq = 0;
  private nowMs = 0;

  connect(source: { onBatch(listener: (b: FeedBatch) => void): () => void }): () => void {
    return source.onBatch((b) => this.apply(b));
  }

  apply(batch: FeedBatch): void {
    const first = batch.events[0];
    if (first?.seq === 1 || batch.nowMs < this.nowMs) {
      this.history = emptyHistory();
      this.lastSeq = first ? first.seq - 1 : 0;
    }
    this.nowMs = batch.nowMs;
    const fresh = batch.events.filter((e) => e.seq > this.lastSeq);
    if (fresh.length === 0) return;
    this.lastSeq = fresh.at(-1)!.seq;
    foldFlink(this.history, fresh);
    if (fresh.some((e) => e.type.startsWith('flink.') || e.type === 'producer.transactionCommitted'))
      this.version++;
  }
}
