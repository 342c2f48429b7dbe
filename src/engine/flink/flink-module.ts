/**
 * The Flink module: the `jobmanager` and `taskmanager` node kinds, the flink.* commands and the
 * Flink cluster's part of the snapshot. `flink.start` adds the nodes; `flink.submit` hands the job
 * graph to the JobManager (a client's JobSubmit, done here as a command) and the JobManager
 * schedules it into the slots its TaskManagers registered.
 */
import { clusterView } from '../cluster/narration';
import { EngineError } from '../errors';
import type { Kernel, NodeRecord } from '../kernel/kernel';
import type { CommandHandler, EngineModule } from '../module';
import { deploy, jobManagerBehaviour, scheduleCheckpoints } from './jobmanager';
import { planJob } from './job-plan';
import { taskManagerBehaviour } from './taskmanager';
import {
  JOBMANAGER,
  taskManagerId,
  type FlinkClusterConfig,
  type JobDef,
  type JobManagerDurable,
  type JobManagerVolatile,
  type TaskManagerDurable,
  type TaskManagerVolatile,
} from './flink-state';
import type { FlinkSnapshot, FlinkSubtaskSnapshot } from './flink-types';
import { valueText } from './job-plan';

type JmRecord = NodeRecord<JobManagerDurable, JobManagerVolatile>;
type TmRecord = NodeRecord<TaskManagerDurable, TaskManagerVolatile>;

const CLUSTER_KEYS = new Set([
  'taskmanager.numberOfTaskSlots',
  'heartbeat.interval',
  'heartbeat.timeout',
  'restart-strategy.fixed-delay.delay',
]);
const JOB_KEYS = new Set([
  'parallelism.default',
  'execution.checkpointing.interval',
  'sink.delivery-guarantee',
  'sink.transactional-id-prefix',
]);

function int(
  given: Record<string, string | number>,
  key: string,
  dflt: number,
  min: number,
  max = 1e9,
): number {
  const v = given[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw new EngineError(
      'INVALID_CONFIG',
      `Invalid value ${String(v)} for configuration ${key}: must be a whole number from ${min} to ${max}.`,
    );
  return v;
}

function checkKeys(given: Record<string, string | number>, keys: Set<string>): void {
  for (const k of Object.keys(given))
    if (!keys.has(k))
      throw new EngineError('INVALID_CONFIG', `Unknown or unsupported Flink configuration key ${k}.`);
}

export function resolveClusterConfig(given: Record<string, string | number> = {}): FlinkClusterConfig {
  checkKeys(given, CLUSTER_KEYS);
  const cfg = {
    slots: int(given, 'taskmanager.numberOfTaskSlots', 1, 1, 8),
    heartbeatIntervalMs: int(given, 'heartbeat.interval', 10000, 10),
    heartbeatTimeoutMs: int(given, 'heartbeat.timeout', 50000, 10),
    restartDelayMs: int(given, 'restart-strategy.fixed-delay.delay', 1000, 0),
  };
  if (cfg.heartbeatTimeoutMs < cfg.heartbeatIntervalMs)
    throw new EngineError('INVALID_CONFIG', 'heartbeat.timeout must not be smaller than heartbeat.interval.');
  return cfg;
}

function jm(kernel: Kernel): JmRecord | undefined {
  const n = kernel.node(JOBMANAGER);
  return n?.kind === 'jobmanager' ? (n as JmRecord) : undefined;
}

const NAME_RE = /^[A-Za-z0-9._-]{1,60}$/;

export const flinkModule: EngineModule = {
  name: 'flink',
  behaviours: { jobmanager: jobManagerBehaviour, taskmanager: taskManagerBehaviour },
  commands: {
    'flink.start': ((kernel, c) => {
      if (jm(kernel)) throw new EngineError('DUPLICATE_NODE', 'A Flink cluster is already running here.');
      if (!Number.isSafeInteger(c.taskManagers) || c.taskManagers < 1 || c.taskManagers > 6)
        throw new EngineError('INVALID_COMMAND', 'flink.start: taskManagers must be 1 to 6.');
      const config = resolveClusterConfig(c.config ?? {});
      const bootstrap = Object.values(kernel.state.nodes)
        .filter((n) => n.kind === 'broker')
        .map((n) => n.id);
      if (bootstrap.length === 0)
        throw new EngineError('INVALID_NODE_STATE', 'There is no broker to connect to.');
      const tms = Array.from({ length: c.taskManagers }, (_, i) => taskManagerId(i + 1));
      return () => {
        const durable: JobManagerDurable = {
          config,
          taskManagers: tms,
          job: null,
          nextCheckpointId: 1,
          completed: null,
          attempts: 0,
        };
        kernel.addNode(JOBMANAGER, 'jobmanager', durable);
        for (const id of tms) kernel.addNode<TaskManagerDurable>(id, 'taskmanager', { config, bootstrap });
      };
    }) as CommandHandler<'flink.start'>,

    'flink.submit': ((kernel, c) => {
      const node = jm(kernel);
      if (!node) throw new EngineError('UNKNOWN_NODE', 'Start a Flink cluster first (flink.start).');
      if (!node.alive) throw new EngineError('INVALID_NODE_STATE', 'The JobManager is down.');
      if (node.durable.job)
        throw new EngineError('INVALID_COMMAND', 'This Flink cluster already runs a job.');
      if (!NAME_RE.test(c.job))
        throw new EngineError('INVALID_COMMAND', 'job name must be 1–60 letters, digits, ".", "_" or "-".');
      const given = c.config ?? {};
      checkKeys(given, JOB_KEYS);
      const plan = planJob(c.topology);
      const topics = clusterView(kernel.state.shared).image.topics;
      const source = topics[plan.sourceTopic];
      if (!source)
        throw new EngineError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `The source topic ${plan.sourceTopic} does not exist.`,
        );
      if (!topics[plan.sinkTopic])
        throw new EngineError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `The sink topic ${plan.sinkTopic} does not exist.`,
        );
      const parallelism = int(given, 'parallelism.default', 1, 1, 8);
      const interval = given['execution.checkpointing.interval'];
      const checkpointIntervalMs =
        interval === undefined ? null : int(given, 'execution.checkpointing.interval', 0, 10);
      const guarantee = given['sink.delivery-guarantee'] ?? 'at-least-once';
      if (guarantee !== 'at-least-once' && guarantee !== 'exactly-once')
        throw new EngineError(
          'INVALID_CONFIG',
          `Invalid value ${String(guarantee)} for sink.delivery-guarantee: at-least-once or exactly-once.`,
        );
      if (guarantee === 'exactly-once' && checkpointIntervalMs === null)
        throw new EngineError(
          'INVALID_CONFIG',
          'sink.delivery-guarantee exactly-once needs checkpointing: set execution.checkpointing.interval.',
        );
      const prefix = given['sink.transactional-id-prefix'] ?? c.job;
      if (typeof prefix !== 'string' || !NAME_RE.test(prefix))
        throw new EngineError('INVALID_CONFIG', 'sink.transactional-id-prefix is invalid.');
      const grace = plan.keyed?.timeWindow?.graceMs ?? 0;
      const lateness = c.allowedLatenessMs ?? 0;
      const ooo = c.outOfOrdernessMs ?? grace;
      for (const [k, val] of [
        ['outOfOrdernessMs', ooo],
        ['allowedLatenessMs', lateness],
      ] as const)
        if (!Number.isSafeInteger(val) || val < 0)
          throw new EngineError('INVALID_COMMAND', `${k} must be a whole number ≥ 0.`);
      const chain = plan.pre.map((s) => s.op).join(' -> ');
      const vertices = [
        `Source: ${plan.sourceTopic}${chain ? ` -> ${chain}` : ''}${plan.keyed ? '' : ` -> Sink: ${plan.sinkTopic}`}`,
      ];
      if (plan.keyed) {
        const w = plan.keyed.timeWindow;
        const what = w
          ? `TumblingEventTimeWindows(${w.sizeMs})`.replace(
              'Tumbling',
              w.advanceMs === w.sizeMs ? 'Tumbling' : 'Sliding',
            )
          : 'KeyedAggregate';
        vertices.push(`${what} -> ${plan.keyed.aggregate.kind} -> Sink: ${plan.sinkTopic}`);
      }
      const job: JobDef = {
        job: c.job,
        spec: c.topology,
        plan,
        parallelism,
        sourcePartitions: source.partitions.length,
        checkpointIntervalMs,
        guarantee,
        outOfOrdernessMs: ooo,
        allowedLatenessMs: lateness,
        txnPrefix: prefix,
        vertices,
      };
      return () => {
        node.durable.job = job;
        kernel.emit('flink.jobSubmitted', { job: c.job, parallelism, vertices });
        kernel.invoke<JobManagerDurable, JobManagerVolatile>(JOBMANAGER, (ctx, self) => {
          deploy(ctx, self);
          scheduleCheckpoints(ctx, self);
        });
      };
    }) as CommandHandler<'flink.submit'>,
  },
  snapshot(kernel, snap) {
    const node = jm(kernel);
    if (!node) return;
    const tms = Object.values(kernel.state.nodes).filter((n) => n.kind === 'taskmanager') as TmRecord[];
    const v = node.volatile;
    const job = node.durable.job;
    const out: FlinkSnapshot = {
      jobManager: { node: node.id, alive: node.alive },
      taskManagers: tms.map((t) => ({
        node: t.id,
        alive: t.alive,
        slots: t.durable.config.slots,
        registered: t.alive && v !== null && v.registered[t.id] !== undefined,
      })),
      job: null,
    };
    if (job) {
      const subtasks: FlinkSubtaskSnapshot[] = [];
      for (const t of tms) {
        const tv = t.volatile;
        if (!t.alive || !tv) continue;
        for (const task of Object.values(tv.tasks)) {
          const clients = tv.clients;
          subtasks.push({
            task: task.id,
            vertex: task.vertex,
            subtask: task.subtask,
            taskManager: t.id,
            state: task.state,
            watermarkMs: task.watermarkMs,
            partitions:
              task.kind === 'source'
                ? task.partitions.map((p) => ({
                    partition: p,
                    offset: task.offsets[p] ?? 0,
                    maxTimestampMs: task.maxTs[p] ?? Number.MIN_SAFE_INTEGER,
                  }))
                : [],
            inputWatermarksMs: task.kind === 'keyed' ? [...task.inputWm] : [],
            aligning:
              task.kind === 'keyed' && task.align.checkpointId >= 0
                ? { checkpointId: task.align.checkpointId, blocked: [...task.align.blocked] }
                : null,
            windows:
              task.kind === 'keyed'
                ? Object.values(task.windows).map((r) => ({
                    key: r.key,
                    startMs: r.startMs,
                    endMs: r.endMs,
                    value: valueText(r.agg),
                  }))
                : [],
            transactions: task.sink
              ? [
                  ...task.sink.preCommitted.map((p) => ({
                    transactionalId:
                      clients[p.client]?.kind === 'producer'
                        ? ((clients[p.client]!.durable as { config: { transactionalId: string | null } })
                            .config.transactionalId ?? p.client)
                        : p.client,
                    state: 'pre-committed' as const,
                  })),
                  ...(task.sink.writerTxnId
                    ? [{ transactionalId: task.sink.writerTxnId, state: 'open' as const }]
                    : []),
                ]
              : [],
          });
        }
      }
      subtasks.sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
      out.job = {
        job: job.job,
        status: v?.status ?? 'RESTARTING',
        attempt: v?.attempt ?? 0,
        parallelism: job.parallelism,
        guarantee: job.guarantee,
        checkpointIntervalMs: job.checkpointIntervalMs,
        outOfOrdernessMs: job.outOfOrdernessMs,
        allowedLatenessMs: job.allowedLatenessMs,
        vertices: job.vertices,
        sourceTopic: job.plan.sourceTopic,
        sinkTopic: job.plan.sinkTopic,
        lastCompleted: node.durable.completed
          ? {
              id: node.durable.completed.id,
              atMs: node.durable.completed.atMs,
              offsets: Object.values(node.durable.completed.tasks)
                .flatMap((s) =>
                  Object.entries(s.offsets ?? {}).map(([p, o]) => ({ partition: Number(p), offset: o })),
                )
                .sort((a, b) => a.partition - b.partition),
            }
          : null,
        pending: v?.pending
          ? {
              id: v.pending.id,
              acknowledged: Object.keys(v.pending.acks).length,
              total: Object.keys(v.placement).length,
            }
          : null,
        subtasks,
      };
    }
    snap.flink = out;
  },
};
