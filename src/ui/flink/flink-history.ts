/**
 * What the Flink view needs from the trace, folded from the flink.* events as they arrive: every
 * checkpoint (the barrier each source injected with its Kafka offsets, alignments at the window
 * subtasks, acknowledgements, completion, the sink's transaction pre-committed for it and what a
 * restore did with it) and every restore after a failure (which checkpoint, where tasks went,
 * which transactions were committed again or aborted). Pure: the feed (flink-feed.svelte.ts) keeps
 * one of these and calls `foldFlink` per batch.
 */
import { NO_WATERMARK, type EngineEvent } from '../../engine/index';

type Offsets = { partition: number; offset: number }[];

/** Pre-committed at the barrier; committed once the checkpoint completed (or by the restore); aborted by a restore. */
export type TxnFate = 'pre-committed' | 'committed' | 'committed on restore' | 'aborted on restore';

export interface CheckpointRow {
  id: number;
  attempt: number;
  triggeredAtMs: number;
  /** Per source subtask: the offsets its barrier carries (the position after the last record before it). */
  injected: { task: string; offsets: Offsets }[];
  /** Per window subtask: barrier n in from every input; records held back while aligning. */
  aligned: { task: string; bufferedRecords: number }[];
  acknowledged: number;
  completedAtMs: number | null;
  offsets: Offsets | null;
  /** The 2PC sink's transaction per sink subtask, closed by this checkpoint. */
  transactions: { task: string; transactionalId: string | null; fate: TxnFate }[];
  /** The job failed before this checkpoint completed: it is abandoned. */
  abandoned: boolean;
}

export interface RestoreRow {
  failedAtMs: number;
  reason: string;
  attempt: number;
  deployedAtMs: number | null;
  fromCheckpoint: number | null;
  placement: { task: string; taskManager: string }[];
  recovered: { task: string; commit: string | null; abort: string[] }[];
}

export interface FlinkHistory {
  checkpoints: CheckpointRow[];
  restores: RestoreRow[];
  attempt: number;
  /** Records the sources read: event time against the clock when read (for the watermark plot). */
  records: { task: string; atMs: number; eventMs: number }[];
  /** Every watermark rise, per subtask; NO_WATERMARK where a failure cancelled the task. */
  watermarks: { task: string; atMs: number; watermarkMs: number }[];
}

export const emptyHistory = (): FlinkHistory => ({
  checkpoints: [],
  restores: [],
  attempt: 1,
  records: [],
  watermarks: [],
});

/** How many plot points the view keeps (the newest). */
const KEEP_POINTS = 1000;

/** How many checkpoints the view keeps (the newest). */
const KEEP = 12;

export function foldFlink(h: FlinkHistory, events: readonly EngineEvent[]): FlinkHistory {
  const byId = (id: number) => h.checkpoints.find((c) => c.id === id);
  for (const e of events) {
    switch (e.type) {
      case 'flink.processed':
        if (e.task.startsWith('source-'))
          for (const ts of e.timestamps) h.records.push({ task: e.task, atMs: e.atMs, eventMs: ts });
        if (h.records.length > KEEP_POINTS) h.records.splice(0, h.records.length - KEEP_POINTS);
        break;
      case 'flink.watermarkAdvanced':
        h.watermarks.push({ task: e.task, atMs: e.atMs, watermarkMs: e.watermarkMs });
        if (h.watermarks.length > KEEP_POINTS) h.watermarks.splice(0, h.watermarks.length - KEEP_POINTS);
        break;
      case 'flink.checkpointTriggered':
        h.checkpoints.push({
          id: e.checkpointId,
          attempt: h.attempt,
          triggeredAtMs: e.atMs,
          injected: [],
          aligned: [],
          acknowledged: 0,
          completedAtMs: null,
          offsets: null,
          transactions: [],
          abandoned: false,
        });
        if (h.checkpoints.length > KEEP) h.checkpoints.shift();
        break;
      case 'flink.barrierInjected':
        byId(e.checkpointId)?.injected.push({ task: e.task, offsets: e.offsets });
        break;
      case 'flink.barrierAligned':
        byId(e.checkpointId)?.aligned.push({ task: e.task, bufferedRecords: e.bufferedRecords });
        break;
      case 'flink.checkpointAcknowledged': {
        const c = byId(e.checkpointId);
        if (c) c.acknowledged++;
        break;
      }
      case 'flink.sinkPreCommitted':
        byId(e.checkpointId)?.transactions.push({
          task: e.task,
          transactionalId: e.transactionalId,
          fate: 'pre-committed',
        });
        break;
      case 'flink.checkpointCompleted': {
        const c = byId(e.checkpointId);
        if (c) {
          c.completedAtMs = e.atMs;
          c.offsets = e.offsets;
        }
        break;
      }
      case 'flink.jobFailed':
        // Every task is cancelled; the redeployed ones start again from "No Watermark" (Flink does not checkpoint watermarks).
        for (const task of new Set(h.watermarks.map((w) => w.task)))
          h.watermarks.push({ task, atMs: e.atMs, watermarkMs: NO_WATERMARK });
        for (const c of h.checkpoints) if (c.completedAtMs === null) c.abandoned = true;
        h.restores.push({
          failedAtMs: e.atMs,
          reason: e.reason,
          attempt: e.attempt,
          deployedAtMs: null,
          fromCheckpoint: null,
          placement: [],
          recovered: [],
        });
        if (h.restores.length > KEEP) h.restores.shift();
        break;
      case 'flink.jobDeployed': {
        h.attempt = e.attempt;
        const r = h.restores.at(-1);
        if (r && r.deployedAtMs === null) {
          r.deployedAtMs = e.atMs;
          r.fromCheckpoint = e.fromCheckpoint;
          r.placement = e.placement;
        }
        break;
      }
      case 'producer.transactionCommitted':
        for (const c of h.checkpoints)
          for (const t of c.transactions)
            if (t.transactionalId === e.transactionalId && t.fate === 'pre-committed') t.fate = 'committed';
        break;
      case 'flink.sinkRecovered': {
        h.restores.at(-1)?.recovered.push({ task: e.task, commit: e.commit, abort: e.abort });
        for (const c of h.checkpoints)
          for (const t of c.transactions) {
            if (t.transactionalId === null) continue;
            if (t.transactionalId === e.commit) {
              if (t.fate !== 'committed') t.fate = 'committed on restore';
            } else if (e.abort.includes(t.transactionalId)) t.fate = 'aborted on restore';
          }
        break;
      }
    }
  }
  return h;
}
