/**
 * Flink mode's state as plain data in the node records. The JobManager's durable part is what a
 * Flink HA setup keeps outside the process (the job graph, the completed-checkpoint store and the
 * checkpoint id counter), so a restarted JobManager recovers the job from its last checkpoint.
 * TaskManagers keep nothing durable: their tasks and clients die with them.
 */
import type { AlignmentState } from './barriers';
import type { ClientsState } from './tm-clients';
import type { DeliveryGuarantee } from './flink-types';
import type { JobPlan } from './job-plan';
import type { StreamValue } from '../streams/expr';
import type { TopologySpec } from '../streams/topology-spec';

export const JOBMANAGER = 'flink:jobmanager';
export const taskManagerId = (n: number): string => `flink:tm-${n}`;

export interface FlinkClusterConfig {
  slots: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  restartDelayMs: number;
}

export interface JobDef {
  job: string;
  spec: TopologySpec;
  plan: JobPlan;
  parallelism: number;
  sourcePartitions: number;
  checkpointIntervalMs: number | null;
  guarantee: DeliveryGuarantee;
  outOfOrdernessMs: number;
  allowedLatenessMs: number;
  txnPrefix: string;
  vertices: string[];
}

/** A pre-committed Kafka transaction a restore can still commit (Flink's KafkaCommittable). */
export interface Committable {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
}

export interface WindowRow {
  key: string;
  startMs: number;
  endMs: number;
  agg: StreamValue;
  fired: boolean;
}

/** What one task puts into a checkpoint. Watermarks are not part of it (Flink does not store them). */
export interface TaskSnapshotState {
  /** Source: partition → next offset to read. */
  offsets?: Record<number, number>;
  /** Keyed Window state: rowId → Window row; rolling aggregates: key → value. */
  windows?: Record<string, WindowRow>;
  rolling?: Record<string, StreamValue>;
  /** Sink: transactions pre-committed and not yet known committed. */
  committables?: Committable[];
}

export interface CompletedCheckpoint {
  id: number;
  atMs: number;
  tasks: Record<string, TaskSnapshotState>;
}

export interface JobManagerDurable {
  config: FlinkClusterConfig;
  taskManagers: string[];
  job: JobDef | null;
  nextCheckpointId: number;
  completed: CompletedCheckpoint | null;
  attempts: number;
}

export interface JobManagerVolatile {
  /** Registered TaskManagers: their slots and when they last answered a heartbeat. */
  registered: Record<string, { slots: number; lastSeenMs: number }>;
  status: 'CREATED' | 'RUNNING' | 'RESTARTING';
  attempt: number;
  placement: Record<string, string>;
  /** Tasks whose deployment was confirmed. */
  running: string[];
  pending: null | { id: number; acks: Record<string, TaskSnapshotState> };
  checkpointTimer: number | null;
  restartTimer: number | null;
  /** Free slots when the restart last waited for more (-1: not waiting). */
  waitingSlots: number;
}

export interface TaskManagerDurable {
  config: FlinkClusterConfig;
  bootstrap: string[];
}

/** Elements on a channel between tasks, in order: records, watermarks and checkpoint barriers. */
export type ChannelElement =
  | { t: 'r'; key: string | null; value: string | null; ts: number }
  | { t: 'w'; wm: number }
  | { t: 'b'; id: number };

export interface SinkRuntime {
  guarantee: DeliveryGuarantee;
  topic: string;
  /** The client the next records go to (a producer). */
  writer: string;
  writerTxnId: string | null;
  /** Pre-committed transactions waiting for their checkpoint's completion (exactly-once). */
  preCommitted: { checkpointId: number; client: string; committable: Committable | null }[];
  /** Restore clients: committing or aborting transactions of the previous attempt. */
  recovering: string[];
  /**
   * Flink's pre-commit flush blocks the task until the producer has every record acknowledged, so
   * nothing written after barrier n reaches Kafka before what was written before it. Here the task
   * goes on and what it writes meanwhile is held: records are numbered by segment (the stretch
   * between two barriers), and a segment's records go out once every earlier segment is flushed.
   */
  segment: number;
  flushQueue: { client: string; segment: number }[];
  held: { segment: number; key: string | null; value: string | null; ts: number }[];
}

export interface PendingAck {
  task: string;
  checkpointId: number;
  state: TaskSnapshotState;
  /** The producer and segment whose flush the ack waits for (null: nothing to wait for). */
  flush: { client: string; segment: number } | null;
}

interface TaskBase {
  id: string;
  vertex: string;
  subtask: number;
  state: 'DEPLOYING' | 'RUNNING';
  watermarkMs: number;
  sink: SinkRuntime | null;
}

export interface SourceTask extends TaskBase {
  kind: 'source';
  partitions: number[];
  client: string;
  offsets: Record<number, number>;
  maxTs: Record<number, number>;
  /** Output per downstream channel, sent at the end of the step (keyed jobs). */
  out: Record<number, ChannelElement[]>;
}

export interface WindowTask extends TaskBase {
  kind: 'keyed';
  channels: number;
  inputWm: number[];
  align: AlignmentState;
  lastAligned: number;
  /** Elements behind a barrier on a blocked channel, per channel. */
  waiting: Record<number, ChannelElement[]>;
  windows: Record<string, WindowRow>;
  rolling: Record<string, StreamValue>;
}

export type TaskRuntime = SourceTask | WindowTask;

export interface TaskManagerVolatile extends ClientsState {
  registered: boolean;
  attempt: number;
  job: JobDef | null;
  placement: Record<string, string>;
  tasks: Record<string, TaskRuntime>;
  acks: PendingAck[];
  registerTimer: number | null;
}
