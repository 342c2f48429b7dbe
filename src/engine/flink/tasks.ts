/**
 * The work of a TaskManager's tasks: the Kafka source subtasks (offsets and per-partition
 * watermarks), the keyed Window subtasks (input channels, watermark = minimum over channels,
 * aligned barriers, event-time windows) and the sink chained at the end of the job.
 */
import { timeWindowsFor } from '../streams/windows';
import { windowedKey } from '../streams/task-processors';
import { elementWaits, onBarrier } from './barriers';
import type { ClientRun } from './tm-clients';
import { aggregatorOf, groupKeyFn, statelessChain, valueOf, valueText, type FlinkRecord } from './job-plan';
import { subtaskForKey } from './key-groups';
import { sinkPreCommit, sinkWrite } from './sink';
import type {
  ChannelElement,
  JobDef,
  SourceTask,
  TaskManagerVolatile,
  TaskRuntime,
  TaskSnapshotState,
  WindowTask,
} from './flink-state';
import { combinedWatermark, NO_WATERMARK, sourceWatermark, windowFires, windowLate } from './watermarks';

export interface TaskEnv {
  run: ClientRun;
  v: TaskManagerVolatile;
  job: JobDef;
  bootstrap: string[];
  /** Send the elements to Window subtask `to` (wherever it runs). */
  sendChannel(from: number, to: number, elements: ChannelElement[]): void;
  /** A task snapshotted checkpoint n; `flush`: the sink segment whose flush the ack waits for. */
  ack(
    task: string,
    checkpointId: number,
    state: TaskSnapshotState,
    flush: { client: string; segment: number } | null,
  ): void;
}

const keyed = (job: JobDef) => job.plan.keyed !== null;

// ----- output of the chain end (records after the aggregation, or the whole chain without one) -----

function emitToSink(env: TaskEnv, task: TaskRuntime, r: FlinkRecord): void {
  if (!task.sink) return;
  const post = keyed(env.job) ? statelessChain(env.job.plan.post) : (x: FlinkRecord) => [x];
  for (const o of post(r)) sinkWrite(env.run, task.sink, o.key, valueText(o.value), o.timestampMs);
}

// ----- source subtasks -----

export function sourceRecords(
  env: TaskEnv,
  task: SourceTask,
  records: { partition: number; offset: number; key: string | null; value: string | null; ts: number }[],
): void {
  const pre = statelessChain(env.job.plan.pre);
  const groupKey = env.job.plan.keyed ? groupKeyFn(env.job.plan.keyed.groupKey) : null;
  for (const rec of records) {
    task.offsets[rec.partition] = rec.offset + 1;
    task.maxTs[rec.partition] = Math.max(task.maxTs[rec.partition] ?? NO_WATERMARK, rec.ts);
    for (const r of pre({ key: rec.key, value: valueOf(rec.value), timestampMs: rec.ts })) {
      if (!groupKey) {
        emitToSink(env, task, r);
        continue;
      }
      const k = groupKey(r);
      const to = subtaskForKey(k, env.job.parallelism);
      (task.out[to] ??= []).push({ t: 'r', key: k, value: valueText(r.value), ts: r.timestampMs });
    }
  }
  env.run.ctx.emit('flink.processed', {
    job: env.job.job,
    task: task.id,
    records: records.length,
    timestamps: records.slice(0, 200).map((r) => r.ts),
  });
  // The source's watermark: the minimum over its partitions of (max timestamp − d − 1).
  const wm = sourceWatermark(
    task.partitions.map((p) => task.maxTs[p] ?? NO_WATERMARK),
    env.job.outOfOrdernessMs,
  );
  if (wm > task.watermarkMs) {
    task.watermarkMs = wm;
    env.run.ctx.emit('flink.watermarkAdvanced', { job: env.job.job, task: task.id, watermarkMs: wm });
    if (keyed(env.job))
      for (let j = 0; j < env.job.parallelism; j++) (task.out[j] ??= []).push({ t: 'w', wm });
  }
  flushChannels(env, task);
}

export function flushChannels(env: TaskEnv, task: SourceTask): void {
  for (const [to, elements] of Object.entries(task.out)) {
    if (elements.length > 0) env.sendChannel(task.subtask, Number(to), elements);
  }
  task.out = {};
}

/** TriggerCheckpoint at a source: snapshot the offsets, put the barrier into every output channel. */
export function sourceBarrier(env: TaskEnv, task: SourceTask, checkpointId: number): void {
  const state: TaskSnapshotState = { offsets: { ...task.offsets } };
  env.run.ctx.emit('flink.barrierInjected', {
    job: env.job.job,
    task: task.id,
    checkpointId,
    offsets: task.partitions.map((p) => ({ partition: p, offset: task.offsets[p] ?? 0 })),
  });
  if (keyed(env.job)) {
    for (let j = 0; j < env.job.parallelism; j++) (task.out[j] ??= []).push({ t: 'b', id: checkpointId });
    flushChannels(env, task);
    env.ack(task.id, checkpointId, state, null);
    return;
  }
  const flush = sinkPreCommit(env.run, env.bootstrap, env.job, task.subtask, task.sink!, checkpointId);
  env.ack(task.id, checkpointId, state, flush);
}

// ----- Window subtasks -----

/** Elements from source subtask `from`, in channel order; a blocked channel's elements wait. */
export function windowInput(env: TaskEnv, task: WindowTask, from: number, elements: ChannelElement[]): void {
  for (const e of elements) {
    if (elementWaits(task.align, from)) {
      (task.waiting[from] ??= []).push(e);
      continue;
    }
    windowElement(env, task, from, e);
  }
}

function windowElement(env: TaskEnv, task: WindowTask, from: number, e: ChannelElement): void {
  if (e.t === 'r') return windowRecord(env, task, { key: e.key, value: valueOf(e.value), timestampMs: e.ts });
  if (e.t === 'w') {
    task.inputWm[from] = Math.max(task.inputWm[from] ?? NO_WATERMARK, e.wm);
    const wm = combinedWatermark(task.inputWm);
    if (wm > task.watermarkMs) {
      task.watermarkMs = wm;
      env.run.ctx.emit('flink.watermarkAdvanced', { job: env.job.job, task: task.id, watermarkMs: wm });
      fireWindows(env, task);
    }
    return;
  }
  const outcome = onBarrier(task.align, from, e.id, task.channels, task.lastAligned);
  if (outcome.kind === 'superseded') releaseWaiting(env, task, from);
  if (outcome.kind !== 'aligned') return;
  task.lastAligned = outcome.checkpointId;
  const buffered = Object.values(task.waiting).reduce((n, l) => n + l.filter((x) => x.t === 'r').length, 0);
  env.run.ctx.emit('flink.barrierAligned', {
    job: env.job.job,
    task: task.id,
    checkpointId: outcome.checkpointId,
    bufferedRecords: buffered,
  });
  const state: TaskSnapshotState = {
    windows: structuredCopy(task.windows),
    rolling: structuredCopy(task.rolling),
  };
  const flush = sinkPreCommit(
    env.run,
    env.bootstrap,
    env.job,
    task.subtask,
    task.sink!,
    outcome.checkpointId,
  );
  env.ack(task.id, outcome.checkpointId, state, flush);
  releaseWaiting(env, task, -1);
}

/** Process what waited behind barriers (all channels but `keepBlocked`'s, which stays blocked). */
function releaseWaiting(env: TaskEnv, task: WindowTask, keepBlocked: number): void {
  const waiting = task.waiting;
  task.waiting = {};
  for (const [ch, list] of Object.entries(waiting)) {
    const from = Number(ch);
    if (from === keepBlocked) {
      // Elements after the old barrier and before the new one on this channel go now.
      for (const e of list) windowElement(env, task, from, e);
      continue;
    }
    windowInput(env, task, from, list);
  }
}

function structuredCopy<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

const rowId = (key: string, startMs: number) => `${startMs}|${key}`;

function windowRecord(env: TaskEnv, task: WindowTask, r: FlinkRecord): void {
  const k = env.job.plan.keyed!;
  if (r.key === null) return; // keyBy on a null key is refused by Flink; the record is skipped here
  const agg = aggregatorOf(k.aggregate);
  const view = { key: r.key, value: r.value, timestamp: r.timestampMs };
  if (k.timeWindow === null) {
    // A rolling aggregate emits every update.
    const value = agg.add(task.rolling[r.key] ?? null, view);
    task.rolling[r.key] = value;
    emitToSink(env, task, { key: r.key, value, timestampMs: r.timestampMs });
    return;
  }
  let dropped = true;
  for (const w of timeWindowsFor(r.timestampMs, k.timeWindow.sizeMs, k.timeWindow.advanceMs)) {
    if (windowLate(w.endMs, env.job.allowedLatenessMs, task.watermarkMs)) continue;
    dropped = false;
    const id = rowId(r.key, w.startMs);
    const row = (task.windows[id] ??= {
      key: r.key,
      startMs: w.startMs,
      endMs: w.endMs,
      agg: null,
      fired: false,
    });
    row.agg = agg.add(row.agg, view);
    // EventTimeTrigger.onElement: a Window the watermark has already passed fires again at once.
    if (windowFires(w.endMs, task.watermarkMs)) fire(env, task, id);
  }
  if (dropped)
    env.run.ctx.emit('flink.lateRecordDropped', {
      job: env.job.job,
      task: task.id,
      key: r.key,
      timestampMs: r.timestampMs,
      watermarkMs: task.watermarkMs,
    });
}

function fire(env: TaskEnv, task: WindowTask, id: string): void {
  const row = task.windows[id]!;
  row.fired = true;
  const value = valueText(row.agg);
  env.run.ctx.emit('flink.windowFired', {
    job: env.job.job,
    task: task.id,
    key: row.key,
    startMs: row.startMs,
    endMs: row.endMs,
    value,
    watermarkMs: task.watermarkMs,
  });
  emitToSink(env, task, {
    key: windowedKey(row.key, { startMs: row.startMs, endMs: row.endMs }),
    value: row.agg,
    timestampMs: row.endMs - 1,
  });
}

/** The watermark rose: fire windows it passed (in end order), purge those past allowed lateness. */
function fireWindows(env: TaskEnv, task: WindowTask): void {
  const due = Object.entries(task.windows)
    .filter(([, row]) => !row.fired && windowFires(row.endMs, task.watermarkMs))
    .sort(([a, x], [b, y]) => x.endMs - y.endMs || (a < b ? -1 : 1));
  for (const [id] of due) fire(env, task, id);
  for (const [id, row] of Object.entries(task.windows))
    if (windowLate(row.endMs, env.job.allowedLatenessMs, task.watermarkMs)) delete task.windows[id];
}
