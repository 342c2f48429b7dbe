/**
 * The JobManager node (kind 'jobmanager', id `flink:jobmanager`): the resource manager's slot table
 * (TaskManagers register their slots), heartbeats to TaskManagers, scheduling the job's subtasks
 * into slots, the checkpoint coordinator (TriggerCheckpoint every execution.checkpointing.interval,
 * one at a time; complete when every task acknowledged; NotifyCheckpointComplete) and failover: a
 * lost TaskManager fails the job, which is cancelled everywhere and, after the restart delay,
 * redeployed from the last completed checkpoint.
 */
import type { NodeBehaviour, NodeContext, NodeRecord } from '../kernel/kernel';
import { dispatchRpc, type RpcHandlers, type RpcMessageOf, type ServedBy } from '../protocol/rpc-kinds';
import type { TimerOf } from '../protocol/timer-kinds';
import type { AcknowledgeCheckpointRequest, SubmitTaskRequest } from './flink-protocol';
import type { JobManagerDurable, JobManagerVolatile } from './flink-state';

type JmNode = NodeRecord<JobManagerDurable, JobManagerVolatile> & { volatile: JobManagerVolatile };

export function taskIds(self: JmNode): string[] {
  const job = self.durable.job;
  if (!job) return [];
  const ids: string[] = [];
  for (let i = 0; i < job.parallelism; i++) ids.push(`source-${i}`);
  if (job.plan.keyed) for (let i = 0; i < job.parallelism; i++) ids.push(`agg-${i}`);
  return ids;
}

/** Slot k holds subtask k of every vertex (slot sharing); slots are spread over TaskManagers. */
function placeTasks(self: JmNode): Record<string, string> | null {
  const job = self.durable.job!;
  const tms = Object.keys(self.volatile.registered).sort();
  const slots: string[] = [];
  const max = Math.max(0, ...tms.map((t) => self.volatile.registered[t]!.slots));
  for (let s = 0; s < max; s++)
    for (const tm of tms) if (self.volatile.registered[tm]!.slots > s) slots.push(tm);
  if (slots.length < job.parallelism) return null;
  const placement: Record<string, string> = {};
  for (const id of taskIds(self)) placement[id] = slots[Number(id.split('-')[1])]!;
  return placement;
}

export function deploy(ctx: NodeContext, self: JmNode): void {
  const v = self.volatile;
  const d = self.durable;
  const job = d.job;
  if (!job) return;
  const placement = placeTasks(self);
  if (!placement) {
    const available = Object.values(v.registered).reduce((n, t) => n + t.slots, 0);
    // Said once per change, not on every retry.
    if (v.status !== 'RESTARTING' || v.waitingSlots !== available)
      ctx.emit('flink.waitingForSlots', { job: job.job, needed: job.parallelism, available });
    v.waitingSlots = available;
    v.status = 'RESTARTING';
    v.restartTimer = ctx.setTimer('restart', d.config.restartDelayMs);
    return;
  }
  d.attempts++;
  v.attempt = d.attempts;
  v.waitingSlots = -1;
  v.placement = placement;
  v.running = [];
  v.pending = null;
  v.status = 'RUNNING';
  const restored = d.completed;
  const byTm = new Map<string, SubmitTaskRequest['tasks']>();
  for (const [task, tm] of Object.entries(placement)) {
    const list = byTm.get(tm) ?? [];
    list.push({ id: task, restore: restored?.tasks[task] ?? null });
    byTm.set(tm, list);
  }
  for (const [tm, tasks] of byTm) {
    const body: SubmitTaskRequest = {
      attempt: v.attempt,
      job,
      placement,
      tasks,
      nextCheckpointId: d.nextCheckpointId,
      abortFrom: (restored?.id ?? 0) + 1,
    };
    ctx.send(tm, 'SubmitTask', body);
  }
  ctx.emit('flink.jobDeployed', {
    job: job.job,
    attempt: v.attempt,
    fromCheckpoint: restored?.id ?? null,
    placement: Object.entries(placement).map(([task, taskManager]) => ({ task, taskManager })),
  });
}

function failJob(ctx: NodeContext, self: JmNode, reason: string): void {
  const v = self.volatile;
  const job = self.durable.job;
  if (!job || v.status === 'RESTARTING') return;
  ctx.emit('flink.jobFailed', { job: job.job, attempt: v.attempt, reason });
  v.status = 'RESTARTING';
  v.pending = null;
  // Cancel every task of this attempt on the TaskManagers still alive: the restart is global.
  self.durable.attempts++;
  for (const tm of Object.keys(v.registered)) ctx.send(tm, 'CancelTask', { attempt: self.durable.attempts });
  if (v.restartTimer === null) v.restartTimer = ctx.setTimer('restart', self.durable.config.restartDelayMs);
}

function lostTaskManager(ctx: NodeContext, self: JmNode, tm: string, reason: string): void {
  const v = self.volatile;
  if (!v.registered[tm]) return;
  delete v.registered[tm];
  ctx.emit('flink.taskManagerLost', { taskManager: tm, reason });
  if (v.status === 'RUNNING' && Object.values(v.placement).includes(tm))
    failJob(ctx, self, `TaskManager ${tm} is lost: its tasks failed.`);
}

function triggerCheckpoint(ctx: NodeContext, self: JmNode): void {
  const v = self.volatile;
  const d = self.durable;
  const job = d.job!;
  if (v.status !== 'RUNNING' || v.pending !== null) return;
  if (v.running.length < taskIds(self).length) return; // not every task runs yet: not triggered
  const id = d.nextCheckpointId++;
  v.pending = { id, acks: {} };
  ctx.emit('flink.checkpointTriggered', { job: job.job, checkpointId: id });
  const tms = new Set(
    Object.entries(v.placement)
      .filter(([t]) => t.startsWith('source-'))
      .map(([, tm]) => tm),
  );
  for (const tm of [...tms].sort())
    ctx.send(tm, 'TriggerCheckpoint', { attempt: v.attempt, checkpointId: id });
}

function onAck(ctx: NodeContext, self: JmNode, body: AcknowledgeCheckpointRequest) {
  const v = self.volatile;
  const d = self.durable;
  if (body.attempt !== v.attempt || v.pending?.id !== body.checkpointId) return;
  v.pending.acks[body.task] = body.state;
  ctx.emit('flink.checkpointAcknowledged', {
    job: d.job!.job,
    task: body.task,
    checkpointId: body.checkpointId,
  });
  if (Object.keys(v.pending.acks).length < taskIds(self).length) return;
  d.completed = { id: body.checkpointId, atMs: ctx.now(), tasks: v.pending.acks };
  v.pending = null;
  const offsets = Object.values(d.completed.tasks)
    .flatMap((s) => Object.entries(s.offsets ?? {}).map(([p, o]) => ({ partition: Number(p), offset: o })))
    .sort((a, b) => a.partition - b.partition);
  ctx.emit('flink.checkpointCompleted', { job: d.job!.job, checkpointId: body.checkpointId, offsets });
  for (const tm of new Set(Object.values(v.placement)))
    ctx.send(tm, 'NotifyCheckpointComplete', { attempt: v.attempt, checkpointId: body.checkpointId });
}

export function scheduleCheckpoints(ctx: NodeContext, self: JmNode): void {
  const interval = self.durable.job?.checkpointIntervalMs;
  if (interval != null && self.volatile.checkpointTimer === null)
    self.volatile.checkpointTimer = ctx.setTimer('checkpoint', interval);
}

function onRegister(ctx: NodeContext, self: JmNode, msg: RpcMessageOf<'RegisterTaskExecutor'>): void {
  const v = self.volatile;
  const slots = msg.body.slots;
  const known = v.registered[msg.from] !== undefined;
  v.registered[msg.from] = { slots, lastSeenMs: ctx.now() };
  ctx.send(msg.from, 'RegisterTaskExecutorResponse', { ok: true }, msg.id);
  ctx.emit('flink.taskManagerRegistered', { taskManager: msg.from, slots });
  // A TaskManager registering again restarted: the tasks it ran are gone, so the job fails.
  if (known && v.status === 'RUNNING' && Object.values(v.placement).includes(msg.from))
    failJob(ctx, self, `TaskManager ${msg.from} restarted: its tasks are gone.`);
}

/**
 * What the JobManager does with each message: every request it serves (RPC_SERVERS) must be here,
 * or this fails to compile; it also acts on the answers to its heartbeats and deployments.
 */
export const JOBMANAGER_HANDLERS: RpcHandlers<
  ServedBy<'jobmanager'> | 'HeartbeatFromJobManagerResponse' | 'SubmitTaskResponse',
  NodeContext,
  JmNode
> = {
  RegisterTaskExecutor: onRegister,
  HeartbeatFromJobManagerResponse: (ctx, self, msg) => {
    const tm = self.volatile.registered[msg.from];
    if (tm) tm.lastSeenMs = ctx.now();
  },
  SubmitTaskResponse: (_ctx, self, msg) => {
    const v = self.volatile;
    if (msg.body.attempt === v.attempt) v.running = [...new Set([...v.running, ...msg.body.tasks])].sort();
  },
  AcknowledgeCheckpoint: (ctx, self, msg) => onAck(ctx, self, msg.body),
};

export const jobManagerBehaviour: NodeBehaviour<
  JobManagerDurable,
  JobManagerVolatile,
  TimerOf<'jobmanager'>
> = {
  start(ctx, self) {
    const v: JobManagerVolatile = {
      registered: {},
      status: 'CREATED',
      attempt: 0,
      placement: {},
      running: [],
      pending: null,
      checkpointTimer: null,
      restartTimer: null,
      waitingSlots: -1,
    };
    self.volatile = v;
    ctx.setTimer('heartbeat', self.durable.config.heartbeatIntervalMs);
    // A restarted JobManager (HA) recovers its job: deployed again once TaskManagers offer slots.
    if (self.durable.job) {
      v.status = 'RESTARTING';
      v.restartTimer = ctx.setTimer('restart', self.durable.config.restartDelayMs);
      scheduleCheckpoints(ctx, self as JmNode);
    }
    return v;
  },
  onMessage(ctx, self, msg) {
    dispatchRpc(JOBMANAGER_HANDLERS, ctx, self, msg);
  },
  onUndeliverable(ctx, self, msg) {
    // The connection to a TaskManager broke: it is gone (Flink learns this before any heartbeat times out).
    if (msg.to.startsWith('flink:tm-')) lostTaskManager(ctx, self, msg.to, 'the connection to it closed');
  },
  onTimer(ctx, self, timer) {
    const v = self.volatile;
    if (timer.name === 'heartbeat') {
      ctx.setTimer('heartbeat', self.durable.config.heartbeatIntervalMs);
      const now = ctx.now();
      for (const [tm, info] of Object.entries(v.registered)) {
        if (now - info.lastSeenMs >= self.durable.config.heartbeatTimeoutMs) {
          lostTaskManager(ctx, self, tm, `heartbeat of TaskManager ${tm} timed out`);
          continue;
        }
        ctx.send(tm, 'HeartbeatFromJobManager', {});
      }
    } else if (timer.name === 'checkpoint') {
      v.checkpointTimer = null;
      scheduleCheckpoints(ctx, self);
      triggerCheckpoint(ctx, self);
    } else if (timer.name === 'restart') {
      v.restartTimer = null;
      if (v.status !== 'RUNNING') deploy(ctx, self);
    }
  },
};
