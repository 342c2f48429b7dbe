/**
 * The Flink view's rows, as pure functions of the snapshot: one card per TaskManager with its
 * subtasks, each subtask's watermark in words (Flink's web UI says "No Watermark" until the first),
 * which input holds a window subtask's watermark back, and the checkpoint coordinator's progress.
 */
import { formatWatermark, type FlinkSnapshot, type FlinkSubtaskSnapshot } from '../../engine/index';
import type { FlinkHistory } from './flink-history';

export interface SubtaskRow {
  task: string;
  vertex: string;
  watermark: string;
  /** Sources: `clicks-0 @3 (max 13000)`; window subtasks: each input's watermark, the lowest marked. */
  inputs: { label: string; value: string; lowest: boolean }[];
  aligning: string | null;
  windows: string[];
  transactions: string[];
}

export interface TaskManagerCard {
  node: string;
  alive: boolean;
  registered: boolean;
  slots: number;
  subtasks: SubtaskRow[];
}

/** A watermark or timestamp in ms, as a learner reads it ("No Watermark" before the first). */
const ms = (v: number) => {
  const text = formatWatermark(v);
  return text === 'No Watermark' ? text : `${text} ms`;
};

export function subtaskRow(t: FlinkSubtaskSnapshot, sourceTopic: string): SubtaskRow {
  const min = Math.min(...t.inputWatermarksMs);
  const inputs =
    t.partitions.length > 0
      ? t.partitions.map((p) => ({
          label: `${sourceTopic}-${p.partition}`,
          value: `next offset ${p.offset} · max timestamp ${p.maxTimestampMs === Number.MIN_SAFE_INTEGER ? 'none' : `${p.maxTimestampMs} ms`}`,
          lowest: false,
        }))
      : t.inputWatermarksMs.map((w, i) => ({
          label: `from source-${i}`,
          value: ms(w),
          // Only an input below another one holds the minimum back.
          lowest: w === min && t.inputWatermarksMs.some((x) => x > min),
        }));
  return {
    task: t.task,
    vertex: t.vertex,
    watermark: ms(t.watermarkMs),
    inputs,
    aligning: t.aligning
      ? `aligning checkpoint ${t.aligning.checkpointId}: barrier in from ${t.aligning.blocked
          .map((c) => `source-${c}`)
          .join(', ')} (blocked)`
      : null,
    windows: t.windows.map((w) => `${w.key} [${w.startMs}, ${w.endMs}) = ${w.value ?? 'null'}`),
    transactions: t.transactions.map((x) => `${x.transactionalId} (${x.state})`),
  };
}

export function taskManagerCards(f: FlinkSnapshot): TaskManagerCard[] {
  const topic = f.job?.sourceTopic ?? '';
  return f.taskManagers.map((tm) => ({
    node: tm.node,
    alive: tm.alive,
    registered: tm.registered,
    slots: tm.slots,
    subtasks: (f.job?.subtasks ?? [])
      .filter((s) => s.taskManager === tm.node)
      .map((s) => subtaskRow(s, topic)),
  }));
}

/** "checkpoint 7 in progress: 2 of 4 tasks acknowledged · last completed: 6 at 5.3 s". */
export function checkpointLine(f: FlinkSnapshot): string {
  const job = f.job;
  if (!job) return 'No job submitted.';
  if (job.checkpointIntervalMs === null) return 'Checkpointing is off (no execution.checkpointing.interval).';
  const pending = job.pending
    ? `checkpoint ${job.pending.id} in progress: ${job.pending.acknowledged} of ${job.pending.total} tasks acknowledged`
    : 'no checkpoint in progress';
  const last = job.lastCompleted
    ? `last completed: ${job.lastCompleted.id} at ${(job.lastCompleted.atMs / 1000).toFixed(1)} s (offsets ${job.lastCompleted.offsets
        .map((o) => `${job.sourceTopic}-${o.partition}@${o.offset}`)
        .join(', ')})`
    : 'none completed yet';
  return `${pending} · ${last}`;
}

export interface CheckpointLine {
  id: number;
  status: 'completed' | 'in progress' | 'abandoned';
  /** `source-0 → clicks-0@3`: the offsets each source's barrier carries. */
  barriers: string;
  aligned: string;
  acks: string;
  /** The Kafka offsets stored in the completed checkpoint. */
  offsets: string;
  /** `clicks-job-agg-0-4 committed`: the 2PC sink's transaction per sink subtask. */
  transactions: string;
}

const offsetList = (topic: string, offsets: { partition: number; offset: number }[]) =>
  offsets.map((o) => `${topic}-${o.partition}@${o.offset}`).join(', ');

/** The newest checkpoints first, each as the view prints it. */
export function checkpointLines(h: FlinkHistory, topic: string, tasks: number): CheckpointLine[] {
  return [...h.checkpoints].reverse().map((c) => ({
    id: c.id,
    status: c.completedAtMs !== null ? 'completed' : c.abandoned ? 'abandoned' : 'in progress',
    barriers:
      [...c.injected]
        .sort((a, b) => a.task.localeCompare(b.task))
        .map((i) => `${i.task} → ${offsetList(topic, i.offsets) || '—'}`)
        .join('; ') || '—',
    aligned:
      [...c.aligned]
        .sort((a, b) => a.task.localeCompare(b.task))
        .map((a) => `${a.task}${a.bufferedRecords > 0 ? ` (held ${a.bufferedRecords})` : ''}`)
        .join(', ') || '—',
    acks: `${c.acknowledged} of ${tasks}`,
    offsets: c.offsets ? offsetList(topic, c.offsets) || '—' : '—',
    transactions:
      c.transactions
        .filter((t) => t.transactionalId !== null)
        .map((t) => `${t.transactionalId} ${t.fate}`)
        .join('; ') || (c.transactions.length > 0 ? 'none: nothing written' : '—'),
  }));
}

/** "Attempt 1 failed at 21.4 s (…). Attempt 2 restored checkpoint 12: source-0 on tm-2, …". */
export function restoreLines(h: FlinkHistory): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [...h.restores].reverse().map((r) => {
    const failed = `Attempt ${r.attempt} failed at ${s(r.failedAtMs)}: ${r.reason}`;
    if (r.deployedAtMs === null) return `${failed} Restarting…`;
    const from =
      r.fromCheckpoint === null
        ? 'from scratch (no completed checkpoint)'
        : `from checkpoint ${r.fromCheckpoint}`;
    const placed = r.placement.map((p) => `${p.task} on ${p.taskManager.replace('flink:', '')}`).join(', ');
    const sink = r.recovered
      .map((x) =>
        [x.commit ? `committed ${x.commit}` : '', x.abort.length > 0 ? `aborted ${x.abort.join(', ')}` : '']
          .filter(Boolean)
          .join(', '),
      )
      .filter(Boolean)
      .join('; ');
    return `${failed} Redeployed at ${s(r.deployedAtMs)} ${from}: ${placed}.${sink ? ` Sink: ${sink}.` : ''}`;
  });
}
