/**
 * The TaskManager node (kind 'taskmanager', id `flink:tm-<n>`): registers its slots with the
 * JobManager, answers its heartbeats, runs the tasks it is given (SubmitTask), exchanges records,
 * watermarks and barriers with the other TaskManagers over the network (Buffer), snapshots on
 * barriers and acknowledges checkpoints once its sink has flushed, and commits on
 * NotifyCheckpointComplete. A crash loses every task and client it ran.
 */
import { assign, seekTo } from '../client/consumer-api';
import { resolveConsumerConfig } from '../client/consumer-config';
import type { ConsumerNode } from '../client/consumer-state';
import type { NodeBehaviour, NodeContext, NodeRecord } from '../kernel/kernel';
import { dispatchRpc, type RpcHandlers, type ServedBy } from '../protocol/rpc-kinds';
import type { TimerOf } from '../protocol/timer-kinds';
import type { EventMap } from '../types';
import { newAlignment } from './barriers';
import { ClientRun } from './tm-clients';
import { advanceSink, committableOf, newSink, segmentFlushed, sinkCommit } from './sink';
import {
  JOBMANAGER,
  type SourceTask,
  type TaskManagerDurable,
  type TaskManagerVolatile,
  type WindowTask,
} from './flink-state';
import { sourceBarrier, sourceRecords, windowInput, type TaskEnv } from './tasks';
import { NO_WATERMARK } from './watermarks';
import type { BufferRequest, SubmitTaskRequest } from './flink-protocol';

type TmNode = NodeRecord<TaskManagerDurable, TaskManagerVolatile> & { volatile: TaskManagerVolatile };

const REGISTER_RETRY_MS = 1000;

function register(ctx: NodeContext, self: TmNode): void {
  ctx.send(JOBMANAGER, 'RegisterTaskExecutor', { slots: self.durable.config.slots });
  self.volatile.registerTimer = ctx.setTimer('register', REGISTER_RETRY_MS);
}

function env(run: ClientRun, self: TmNode): TaskEnv | null {
  const v = self.volatile;
  const job = v.job;
  if (!job) return null;
  return {
    run,
    v,
    job,
    bootstrap: self.durable.bootstrap,
    sendChannel(from, to, elements) {
      const target = v.placement[`agg-${to}`];
      if (!target) return;
      const body: BufferRequest = { attempt: v.attempt, from, to, elements };
      run.ctx.send(target, 'Buffer', body);
    },
    ack(task, checkpointId, state, flush) {
      v.acks.push({ task, checkpointId, state, flush });
    },
  };
}

/** Cancel every task (and its clients) of an older attempt. */
function cancelAll(self: TmNode): void {
  const v = self.volatile;
  v.tasks = {};
  v.clients = {};
  v.owner = {};
  v.ts = {};
  v.acks = [];
  v.job = null;
  v.placement = {};
}

function submit(run: ClientRun, self: TmNode, body: SubmitTaskRequest, msgId: number): void {
  const v = self.volatile;
  if (body.attempt < v.attempt) return;
  if (body.attempt > v.attempt) cancelAll(self);
  v.attempt = body.attempt;
  v.job = body.job;
  v.placement = body.placement;
  const job = body.job;
  const keyed = job.plan.keyed !== null;
  for (const t of body.tasks) {
    const [vertex, n] = t.id.split('-') as ['source' | 'agg', string];
    const subtask = Number(n);
    const chainedSink = vertex === 'agg' || !keyed;
    const sink = chainedSink
      ? newSink(
          run,
          t.id,
          self.durable.bootstrap,
          job,
          subtask,
          body.nextCheckpointId,
          t.restore?.committables ?? null,
          body.abortFrom,
        )
      : null;
    const base = { id: t.id, subtask, state: 'RUNNING' as const, watermarkMs: NO_WATERMARK, sink };
    if (vertex === 'source') {
      const partitions: number[] = [];
      for (let p = subtask; p < job.sourcePartitions; p += job.parallelism) partitions.push(p);
      const client = `source-${subtask}-reader`;
      const task: SourceTask = {
        ...base,
        kind: 'source',
        vertex: job.vertices[0]!,
        partitions,
        client,
        offsets: { ...(t.restore?.offsets ?? {}) },
        maxTs: {},
        out: {},
      };
      v.tasks[t.id] = task;
      run.add(client, {
        kind: 'consumer',
        durable: {
          name: client,
          groupId: null,
          config: resolveConsumerConfig({ 'auto.offset.reset': 'earliest' }, null),
          bootstrap: self.durable.bootstrap,
          subscription: null,
          manual: null,
          closed: false,
        },
      });
      const tps = partitions.map((p) => ({ topic: job.plan.sourceTopic, partition: p }));
      run.as(client, (ctx, c) => {
        assign(ctx, c as ConsumerNode, tps);
        for (const tp of tps) seekTo(ctx, c as ConsumerNode, tp, task.offsets[tp.partition] ?? 'beginning');
      });
    } else {
      const task: WindowTask = {
        ...base,
        kind: 'keyed',
        vertex: job.vertices[1]!,
        channels: job.parallelism,
        inputWm: Array.from({ length: job.parallelism }, () => NO_WATERMARK),
        align: newAlignment(),
        lastAligned: -1,
        waiting: {},
        windows: { ...(t.restore?.windows ?? {}) },
        rolling: { ...(t.restore?.rolling ?? {}) },
      };
      v.tasks[t.id] = task;
    }
  }
  run.ctx.send(
    JOBMANAGER,
    'SubmitTaskResponse',
    { attempt: body.attempt, tasks: body.tasks.map((t) => t.id) },
    msgId,
  );
}

function onClientEvents(run: ClientRun, self: TmNode): void {
  const v = self.volatile;
  for (let guard = 0; guard < 64 && run.events.length > 0; guard++) {
    const events = run.events.splice(0);
    for (const e of events) {
      if (e.type === 'consumer.received') {
        const task = Object.values(v.tasks).find((t) => t.kind === 'source' && t.client === e.client) as
          SourceTask | undefined;
        const e2 = env(run, self);
        if (!task || !e2) continue;
        const recs = (e.fields as EventMap['consumer.received']).records.map((r) => ({
          partition: r.partition,
          offset: r.offset,
          key: r.key,
          value: r.value,
          ts: run.takeTimestamp(r.topic, r.partition, r.offset),
        }));
        sourceRecords(e2, task, recs);
      } else if (e.type === 'producer.transactionCommitted' || e.type === 'producer.transactionAborted') {
        if (e.client.startsWith('recover-') || e.client.includes('-txn-')) {
          const sinkOwner = Object.values(v.tasks).find((t) => t.sink?.writer === e.client);
          if (!sinkOwner) run.remove(e.client);
        }
      } else if (e.type === 'producer.transactionsInitialized' && e.client.startsWith('recover-abort-')) {
        run.remove(e.client);
      }
    }
  }
  sendReadyAcks(run, self);
}

/** Acknowledge the checkpoints whose sink flush is done (pre-commit complete). */
function sendReadyAcks(run: ClientRun, self: TmNode): void {
  const v = self.volatile;
  for (const t of Object.values(v.tasks)) if (t.sink) advanceSink(run, v, t.sink);
  const still = [];
  for (const a of v.acks) {
    const task = v.tasks[a.task];
    if (a.flush !== null && task?.sink && !segmentFlushed(task.sink, a.flush.segment)) {
      still.push(a);
      continue;
    }
    const state = { ...a.state };
    if (task?.sink) {
      if (a.flush !== null && task.sink.guarantee === 'exactly-once') {
        const pc = task.sink.preCommitted.find((p) => p.checkpointId === a.checkpointId);
        if (pc) pc.committable = committableOf(v, pc.client);
        run.ctx.emit('flink.sinkPreCommitted', {
          job: v.job!.job,
          task: a.task,
          checkpointId: a.checkpointId,
          transactionalId: pc?.committable?.transactionalId ?? null,
        });
      }
      state.committables = task.sink.preCommitted.flatMap((p) => (p.committable ? [p.committable] : []));
    }
    run.ctx.send(JOBMANAGER, 'AcknowledgeCheckpoint', {
      attempt: v.attempt,
      checkpointId: a.checkpointId,
      task: a.task,
      state,
    });
  }
  v.acks = still;
}

/**
 * What a TaskManager does with each message: every request it serves (RPC_SERVERS) must be here, or
 * this fails to compile; it also acts on the answer to its registration. Answers to its clients'
 * requests go to those clients first (ClientRun.onMessage).
 */
export const TASKMANAGER_HANDLERS: RpcHandlers<
  ServedBy<'taskmanager'> | 'RegisterTaskExecutorResponse',
  ClientRun,
  TmNode
> = {
  RegisterTaskExecutorResponse: (run, self) => {
    const v = self.volatile;
    v.registered = true;
    if (v.registerTimer !== null) run.ctx.cancelTimer(v.registerTimer);
    v.registerTimer = null;
  },
  HeartbeatFromJobManager: (run, self, msg) => {
    run.ctx.send(msg.from, 'HeartbeatFromJobManagerResponse', { attempt: self.volatile.attempt }, msg.id);
  },
  SubmitTask: (run, self, msg) => submit(run, self, msg.body, msg.id),
  CancelTask: (_run, self, msg) => {
    const v = self.volatile;
    if (msg.body.attempt >= v.attempt) {
      cancelAll(self);
      v.attempt = msg.body.attempt;
    }
  },
  TriggerCheckpoint: (run, self, msg) => {
    const v = self.volatile;
    const e = env(run, self);
    if (msg.body.attempt !== v.attempt || !e) return;
    for (const t of Object.values(v.tasks))
      if (t.kind === 'source') sourceBarrier(e, t, msg.body.checkpointId);
  },
  NotifyCheckpointComplete: (run, self, msg) => {
    const v = self.volatile;
    if (msg.body.attempt !== v.attempt) return;
    for (const t of Object.values(v.tasks)) if (t.sink) sinkCommit(run, t.sink, msg.body.checkpointId);
  },
  Buffer: (run, self, msg) => {
    const v = self.volatile;
    const b = msg.body;
    const e = env(run, self);
    const task = v.tasks[`agg-${b.to}`];
    if (b.attempt !== v.attempt || !e || task?.kind !== 'keyed') return;
    windowInput(e, task, b.from, b.elements);
  },
};

export const taskManagerBehaviour: NodeBehaviour<
  TaskManagerDurable,
  TaskManagerVolatile,
  TimerOf<'taskmanager'>
> = {
  start(ctx, self) {
    const v: TaskManagerVolatile = {
      clients: {},
      owner: {},
      ts: {},
      registered: false,
      attempt: -1,
      job: null,
      placement: {},
      tasks: {},
      acks: [],
      registerTimer: null,
    };
    self.volatile = v;
    register(ctx, self as TmNode);
    return v;
  },
  onMessage(ctx, self, msg) {
    const run = new ClientRun(ctx, self, self.volatile);
    if (!run.onMessage(msg)) dispatchRpc(TASKMANAGER_HANDLERS, run, self, msg);
    onClientEvents(run, self);
  },
  onUndeliverable(ctx, self, msg) {
    const run = new ClientRun(ctx, self, self.volatile);
    run.onUndeliverable(msg);
    onClientEvents(run, self);
  },
  onTimer(ctx, self, timer) {
    const run = new ClientRun(ctx, self, self.volatile);
    if (!run.onTimer(timer) && timer.name === 'register') {
      self.volatile.registerTimer = null;
      if (!self.volatile.registered) register(ctx, self);
    }
    onClientEvents(run, self);
  },
};
