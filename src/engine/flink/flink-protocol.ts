/**
 * Flink mode's part of the typed wire (protocol/rpc-bodies.ts): the bodies of the messages between
 * the JobManager and the TaskManagers (Flink's own RPCs: RegisterTaskExecutor, SubmitTask, CancelTask,
 * TriggerCheckpoint, AcknowledgeCheckpoint, NotifyCheckpointComplete) and of the data channel between
 * subtasks (Buffer: records, watermarks and barriers, in order), with the data they carry. Types only,
 * so the protocol can import them without importing Flink's node code.
 */
import type { DeliveryGuarantee } from './flink-types';
import type { JobPlan } from './job-plan';
import type { StreamValue } from '../streams/expr';
import type { TopologySpec } from '../streams/topology-spec';

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

/** Elements on a channel between tasks, in order: records, watermarks and checkpoint barriers. */
export type ChannelElement =
  | { t: 'r'; key: string | null; value: string | null; ts: number }
  | { t: 'w'; wm: number }
  | { t: 'b'; id: number };

export interface RegisterTaskExecutorRequest {
  slots: number;
}
export interface RegisterTaskExecutorResponse {
  ok: true;
}
/** The JobManager's heartbeat asks nothing; the answer says which attempt the TaskManager runs. */
export type HeartbeatFromJobManagerRequest = Record<string, never>;
export interface HeartbeatFromJobManagerResponse {
  attempt: number;
}

export interface SubmitTaskRequest {
  attempt: number;
  job: JobDef;
  placement: Record<string, string>;
  tasks: { id: string; restore: TaskSnapshotState | null }[];
  nextCheckpointId: number;
  /** The first transaction id after the restored checkpoint (ids from here on are aborted). */
  abortFrom: number;
}
export interface SubmitTaskResponse {
  attempt: number;
  tasks: string[];
}

/** Every task of attempts before `attempt` is cancelled. */
export interface CancelTaskRequest {
  attempt: number;
}
/** A checkpoint message of one attempt: trigger (to sources) or complete (to every TaskManager). */
export interface CheckpointRequest {
  attempt: number;
  checkpointId: number;
}
export interface AcknowledgeCheckpointRequest {
  attempt: number;
  checkpointId: number;
  task: string;
  state: TaskSnapshotState;
}
/** A channel's elements from subtask `from` to keyed subtask `to`. */
export interface BufferRequest {
  attempt: number;
  from: number;
  to: number;
  elements: ChannelElement[];
}
/**
 * Flink answers these with an Acknowledge the caller does not wait for; the simulation does not send
 * it (the sender learns of a dead TaskManager from the closed connection or the heartbeat).
 */
export type FlinkAcknowledge = Record<string, never>;
