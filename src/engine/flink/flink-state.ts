/**
 * Flink mode's state as plain data in the node records. The JobManager's durable part is what a
 * Flink HA setup keeps outside the process (the job graph, the completed-checkpoint store and the
 * checkpoint id counter), so a restarted JobManager recovers the job from its last checkpoint.
 * TaskManagers keep nothing durable: their tasks and clients die with them.
 */
import type { AlignmentState } from './barriers';
import type { ChannelElement, Committable, JobDef, TaskSnapshotState, WindowRow } from './flink-protocol';
import type { ClientsState } from './tm-clients';
import type { DeliveryGuarantee } from './flink-types';
import type { StreamValue } from '../streams/expr';

// The data that travels between Flink nodes lives with the wire's bodies (flink-protocol.ts).
export type { ChannelElement, Committable, JobDef, TaskSnapshotState, WindowRow };

export const JOBMANAGER = 'flink:jobmanager';
export const taskManagerId = (n: number): string => `flink:tm-${n}`;

export interface FlinkClusterConfig {
  slots: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  restartDelayMs: number;
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
