/**
 * What the stream-processing views need from the trace, kept as batches arrive: per application,
 * every processed record's event time and the clock when it was processed (dropped ones marked, from
 * `streams.dropped`), and the stream time after each step. Going back in time starts over.
 */
import type { EngineEvent } from '../../engine/index';
import type { BatchMove } from '../batch-continuity';
import type { MoveBatch } from './record-flow';
import type { PlotPoint } from './window-plot';

export interface FeedBatch {
  events: EngineEvent[];
  nowMs: number;
}

const MAX_POINTS = 2000;
const MAX_MOVES = 200;

export class StreamsFeed {
  version = $state(0);
  /** Per application (plain records: `version` is what the views watch). */
  points: Record<string, PlotPoint[]> = {};
  streamTime: Record<string, { atMs: number; streamTimeMs: number }[]> = {};
  /** Per application: records that passed each graph edge, per processing step or cache flush. */
  moves: Record<string, MoveBatch[]> = {};
  private lastSeq = 0;
  /** Drops seen in this step, matched to the processed record they belong to. */
  private drops: Record<string, number> = {};

  connect(source: { onBatch(listener: (b: FeedBatch, move: BatchMove) => void): () => void }): () => void {
    return source.onBatch((b, move) => this.apply(b, move));
  }

  /** `move`: the session's classification of the batch (none for the trace read when the view opens). */
  apply(batch: FeedBatch, move?: BatchMove): void {
    const first = batch.events[0];
    if (move?.kind === 'jump' && (move.back || move.opened)) {
      this.points = {};
      this.streamTime = {};
      this.moves = {};
      this.lastSeq = first ? first.seq - 1 : 0;
    }
    let changed = false;
    for (const e of batch.events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      if (e.type === 'streams.processed' || e.type === 'streams.flushed') {
        const m = this.moves[e.app] ?? [];
        m.push({ atMs: e.atMs, edges: e.edges });
        this.moves[e.app] = m.slice(-MAX_MOVES);
        changed = true;
      }
      if (e.type === 'streams.dropped') {
        const k = `${e.app}|${e.atMs}|${e.timestampMs}`;
        this.drops[k] = (this.drops[k] ?? 0) + 1;
      } else if (e.type === 'streams.processed') {
        const pts = this.points[e.app] ?? [];
        for (const ts of e.timestamps) {
          const k = `${e.app}|${e.atMs}|${ts}`;
          const d = this.drops[k] ?? 0;
          if (d > 0) this.drops[k] = d - 1;
          pts.push({ eventMs: ts, atMs: e.atMs, dropped: d > 0 });
        }
        this.points[e.app] = pts.slice(-MAX_POINTS);
        const st = this.streamTime[e.app] ?? [];
        const prev = st.at(-1)?.streamTimeMs ?? -1;
        st.push({ atMs: e.atMs, streamTimeMs: Math.max(prev, e.streamTimeMs) });
        this.streamTime[e.app] = st.slice(-MAX_POINTS);
        changed = true;
      }
    }
    if (Object.keys(this.drops).length > 500) this.drops = {};
    if (changed) this.version++;
  }
}
