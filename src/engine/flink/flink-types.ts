/**
 * Public data types of Flink mode (issue 17, item 5): the flink.* commands, the events they leave
 * in the trace and the Flink cluster's part of the snapshot. Plain serialisable data, merged into
 * the engine's CommandMap, EventMap and ClusterSnapshot (types.ts).
 */
import type { NodeId } from '../ids';
import type { TopologySpec } from '../streams/topology-spec';

export type DeliveryGuarantee = 'exactly-once' | 'at-least-once';

export interface FlinkCommandMap {
  /**
   * Start a Flink session cluster beside the Kafka cluster: one JobManager (`flink:jobmanager`) and
   * `taskManagers` TaskManagers (`flink:tm-1`, …). Flink configuration keys:
   * `taskmanager.numberOfTaskSlots` (1), `heartbeat.interval` (10000), `heartbeat.timeout` (50000),
   * `restart-strategy.fixed-delay.delay` (1000).
   */
  'flink.start': { taskManagers: number; config?: Record<string, string | number> };
  /**
   * Submit a job: the same topology spec a Kafka Streams app runs. Keys: `parallelism.default` (1),
   * `execution.checkpointing.interval` (ms; none: checkpointing off), `sink.delivery-guarantee`
   * (`at-least-once` | `exactly-once`, which needs checkpointing), `sink.transactional-id-prefix`
   * (the job name). `outOfOrdernessMs` is WatermarkStrategy.forBoundedOutOfOrderness (default: the
   * Window's grace); `allowedLatenessMs` is the Window's allowedLateness (default 0).
   */
  'flink.submit': {
    job: string;
    topology: TopologySpec;
    config?: Record<string, string | number>;
    outOfOrdernessMs?: number;
    allowedLatenessMs?: number;
  };
}

export interface FlinkEventMap {
  'jobmanager.crashed': { node: NodeId };
  'jobmanager.restarted': { node: NodeId };
  'taskmanager.crashed': { node: NodeId };
  'taskmanager.restarted': { node: NodeId };
  'flink.taskManagerRegistered': { taskManager: NodeId; slots: number };
  /** The JobManager stopped hearing from a TaskManager (heartbeat timeout or a closed connection). */
  'flink.taskManagerLost': { taskManager: NodeId; reason: string };
  'flink.jobSubmitted': { job: string; parallelism: number; vertices: string[] };
  /** Tasks deployed to slots; `fromCheckpoint`: the completed checkpoint they restore (null: fresh). */
  'flink.jobDeployed': {
    job: string;
    attempt: number;
    fromCheckpoint: number | null;
    placement: { task: string; taskManager: NodeId }[];
  };
  /** A task failed (its TaskManager was lost): the job cancels everything and restarts. */
  'flink.jobFailed': { job: string; attempt: number; reason: string };
  /** The restart waits for slots (fewer free slots than the job's parallelism). */
  'flink.waitingForSlots': { job: string; needed: number; available: number };
  'flink.checkpointTriggered': { job: string; checkpointId: number };
  /** A source subtask put the barrier into its output: its offsets are in the checkpoint. */
  'flink.barrierInjected': {
    job: string;
    task: string;
    checkpointId: number;
    offsets: { partition: number; offset: number }[];
  };
  /** Barrier n arrived on every input channel of a task: it snapshots and unblocks. */
  'flink.barrierAligned': { job: string; task: string; checkpointId: number; bufferedRecords: number };
  'flink.checkpointAcknowledged': { job: string; task: string; checkpointId: number };
  'flink.checkpointCompleted': {
    job: string;
    checkpointId: number;
    offsets: { partition: number; offset: number }[];
  };
  /** A task's watermark rose (the minimum over its inputs). */
  'flink.watermarkAdvanced': { job: string; task: string; watermarkMs: number };
  /** The watermark passed a Window's end: its result goes to the sink. */
  'flink.windowFired': {
    job: string;
    task: string;
    key: string;
    startMs: number;
    endMs: number;
    value: string | null;
    watermarkMs: number;
  };
  /** An element for a Window whose end (+ allowed lateness) the watermark had passed: dropped. */
  'flink.lateRecordDropped': {
    job: string;
    task: string;
    key: string | null;
    timestampMs: number;
    watermarkMs: number;
  };
  /** Records a task processed in one go, with their event times (the first 200). */
  'flink.processed': { job: string; task: string; records: number; timestamps: number[] };
  /** Pre-commit: the sink flushed the transaction that closes with this checkpoint. */
  'flink.sinkPreCommitted': {
    job: string;
    task: string;
    checkpointId: number;
    transactionalId: string | null;
  };
  /** After a restore: the checkpoint's transaction committed again, later ones aborted. */
  'flink.sinkRecovered': { job: string; task: string; commit: string | null; abort: string[] };
}

export interface FlinkSubtaskSnapshot {
  /** `Source: purchases (1/2)`-style id: `source-0`, `agg-1`. */
  task: string;
  vertex: string;
  subtask: number;
  taskManager: NodeId;
  state: 'DEPLOYING' | 'RUNNING';
  /** Long.MIN_VALUE (Number.MIN_SAFE_INTEGER here) until the first watermark. */
  watermarkMs: number;
  /** Sources: their partitions' next offsets and largest timestamps. */
  partitions: { partition: number; offset: number; maxTimestampMs: number }[];
  /** Multi-input tasks: the watermark of each input channel. */
  inputWatermarksMs: number[];
  /** Channels blocked by a barrier while aligning (empty: not aligning). */
  aligning: { checkpointId: number; blocked: number[] } | null;
  /** Open windows (key and range), for the views. */
  windows: { key: string; startMs: number; endMs: number; value: string | null }[];
  /** Transactions of the sink: open and pre-committed, by transactional.id. */
  transactions: { transactionalId: string; state: 'open' | 'pre-committed' }[];
}

export interface FlinkSnapshot {
  jobManager: { node: NodeId; alive: boolean };
  taskManagers: { node: NodeId; alive: boolean; slots: number; registered: boolean }[];
  job: null | {
    job: string;
    status: 'CREATED' | 'RUNNING' | 'RESTARTING';
    attempt: number;
    parallelism: number;
    guarantee: DeliveryGuarantee;
    checkpointIntervalMs: number | null;
    outOfOrdernessMs: number;
    allowedLatenessMs: number;
    vertices: string[];
    sourceTopic: string;
    sinkTopic: string;
    lastCompleted: null | { id: number; atMs: number; offsets: { partition: number; offset: number }[] };
    pending: null | { id: number; acknowledged: number; total: number };
    subtasks: FlinkSubtaskSnapshot[];
  };
}
