/**
 * The engine facade. Tests, tools, the worker and the lessons drive the engine through these
 * names only (DESIGN §2.1); they are a contract: extend, never rename.
 */
import { coreModule } from './core-module';
import { clusterModule } from './cluster/module';
import { producerModule } from './client/producer-module';
import { consumerModule } from './client/consumer-module';
import { queueModule } from './queue/queue-module';
import { externalClientModule } from './external/external-client';
import { adminModule } from './admin/admin-module';
import { streamsModule } from './streams/app-module';
import { flinkModule } from './flink/flink-module';
import { replayInto, SimulationImpl, type FacadeSimulation as Simulation } from './simulation';
import type { SimulationOptions, TimedCommand } from './types';

export function createSimulation(options: SimulationOptions): Simulation {
  return new SimulationImpl(options, [
    coreModule,
    clusterModule,
    producerModule,
    consumerModule,
    queueModule,
    externalClientModule,
    adminModule,
    streamsModule,
    flinkModule,
  ]);
}

/** A new simulation with `log` replayed into it: the same session, event for event. */
export function replaySimulation(options: SimulationOptions, log: readonly TimedCommand[]): Simulation {
  const sim = createSimulation(options);
  replayInto(sim, log);
  return sim;
}

export type { FacadeSimulation as Simulation, SimulationCheckpoint, SimulationPosition } from './simulation';
export type { ReplicaLog } from './replica-logs';
// The storage port (DESIGN §2): the worker's IndexedDB store implements it and mirrors the replica logs.
export {
  checkAppend,
  logId,
  LogStoreError,
  MemoryLogStore,
  type LogBounds,
  type LogCheckpoint,
  type LogId,
  type LogStore,
} from './storage/log-store';
export { lastOffsetOf, recordOffset, type BatchRecord, type RecordBatch } from './protocol/produce';
export type { PartitionLog } from './cluster/partition-log';
export type * from './types';
export type * from './queue/queue-types';
export { decideTransaction, initiateTransaction } from './queue/account-logic';
export { assertNever, EngineError, isEngineError, type ErrorCode, type KafkaErrorCode } from './errors';
export { formatEvent, formatTrace } from './kernel/trace';
export { COMMAND_TYPES, validateCommand } from './validate';
export { validateTopicName } from './cluster/topic-name';
export { murmur2, partitionForKey, toPositive } from './client/murmur2';
export { coordinatorPartition } from './group/java-hash';
export { assignPartitions, cooperativeStickyRound } from './group/assignors';
export type {
  AssignmentStrategy,
  AssignorMember,
  CooperativeRound,
  GroupAssignment,
  PartitionsPerTopic,
  PartitionTransfer,
} from './group/assignors';

// ---- Guarantee checker (issue 18): Jepsen-style checks over the trace, classified by configuration ----
export { GuaranteeChecker, checkTrace } from './checker/checker';
export { guaranteeGuard, ViolationError } from './checker/guard';
export { FINDING_KINDS, FINDING_TITLES, seconds } from './checker/types';
export type { Finding, FindingKind, FindingStep, Verdict } from './checker/types';
export { MetricsTracker, RATE_WINDOW_MS } from './checker/metrics';
export { gridPartitions, offsetGrid } from './checker/grid';
export type { GridCell, GridMark, GridRow, OffsetGrid } from './checker/grid';
export type { MetricCause, MetricReading } from './checker/metrics';

// Stream processing (issue 17): a Kafka Streams-style DSL as data, Kafka's window arithmetic,
// describe() text, the Java DSL text, and tasks runnable without a cluster (src/engine/streams).
export {
  timeWindowsFor,
  slidingWindowsFor,
  mergeSessions,
  windowsForRecord,
  windowCloseTime,
  timeWindowOpen,
  sessionExpired,
  slidingRecordExpired,
  joinWindowMatches,
  validateWindowSpec,
} from './streams/windows';
export type { Window, WindowSpec, JoinWindowSpec, Session } from './streams/windows';
export { parseExpr, compileExpr, parseRecordValue } from './streams/expr';
export type { Expr, ExprRecord, StreamValue } from './streams/expr';
export { validateTopologySpec } from './streams/topology-spec';
export type { TopologySpec, TopologyStep, BranchSpec } from './streams/topology-spec';
export { buildTopology } from './streams/topology-builder';
export type { TopologyGraph, TopologyNode, StoreInfo, RepartitionTopic } from './streams/topology-builder';
export { describeTopology } from './streams/describe';
export { toJavaDsl } from './streams/java-dsl';
export { AggregateProcessor } from './streams/aggregate';
export type { AggregateKind, AggregateSpec, Change, StoreRow } from './streams/aggregate';
export { SuppressProcessor } from './streams/suppress';
export { CachedStore } from './streams/record-cache';
export { StreamStreamJoin, StreamTableJoin } from './streams/join';
export type { JoinKind, JoinResult } from './streams/join';
export { StreamTask } from './streams/task';
export type { SinkRecord, ChangelogWrite, NodeStats, DropNote, TaskOutput } from './streams/task';
export { TopologyDriver } from './streams/driver';
export type { DriverOptions } from './streams/driver';
export {
  tasksOf,
  internalTopics,
  internalTopicName,
  changelogTopicName,
  nextPartition,
  transactionalId,
} from './streams/app-layout';
export type { TaskId, InternalTopic, PartitionCounts } from './streams/app-layout';
export type { TaskData } from './streams/task';

// Real Kafka clients through the wire front end (src/wire, the gateway, the Code tool).
export { EXTERNAL_REQUEST_KINDS } from './external/external-types';
export type { ExternalRequestKind } from './external/external-types';
export { externalClientNodeId } from './external/external-client';
export type * from './protocol/produce';
export type * from './protocol/consume';
export type * from './protocol/txn';
export { recordSize, BATCH_OVERHEAD_BYTES } from './protocol/produce';
// --- Admin queries (issue 19, the terminal): Kafka's Admin answers that move no consumer ---
import { listOffsets } from './admin/list-offsets';
export type { ListOffsetsRequest, ListOffsetsResult, OffsetSpec } from './admin/list-offsets';
/** `admin.listOffsets(sim, {topic, partition, spec, isolationLevel?})`: ListOffsets, read-only. */
export const admin = { listOffsets } as const;
// ---- Limits a browser simulation can keep, and bursts as one command (issue 21) ----
export { SIMULATION_LIMITS, checkCommandLimits } from './limits';
export { burstSends, expandCommand } from './burst';
// ---- Admin operations that change the cluster (issue 19: kafka-topics --alter, kafka-configs
// --alter, kafka-leader-election, kafka-consumer-groups --delete). Commands: topic.createPartitions,
// topic.alterConfigs, partition.electLeaders, group.delete (docs/engine-api.md) ----
export type { AdminCommandMap, AdminEventMap, ElectionKind, ElectionResult } from './admin/admin-types';
// ---- Same-seed comparisons (issue 18): one script, one seed, two settings, side by side ----
import { runComparisonWith } from './checker/compare';
import type { ComparisonId } from './checker/comparisons';
export { COMPARISONS, comparisonSpec } from './checker/comparisons';
export type {
  ComparisonId,
  ComparisonSide,
  ComparisonSpec,
  ScriptStep,
  Settings,
} from './checker/comparisons';
export {
  describeEvent,
  firstDivergence,
  runComparisonWith,
  runScript,
  verdictLines,
} from './checker/compare';
export type {
  ComparisonResult,
  ComparisonRun,
  Divergence,
  SimulationFactory,
  VerdictLine,
} from './checker/compare';
/** Both runs of a same-seed comparison, checked, with their first divergence and verdict lines. */
export const runComparison = (id: ComparisonId) => runComparisonWith(id, createSimulation);

// ----- Typed wire (#14 item 3): the one list of RPC kinds, each with its narration -----
export {
  RPC_NARRATION,
  RPC_REQUEST_KINDS,
  isMetadataFetchBody,
  fetchRoleOf,
  isRpcKind,
  responseTo,
} from './protocol/rpc-kinds';
export type { RpcKind, RpcRequestKind } from './protocol/rpc-kinds';
// ---- Lessons you can watch (issue 15): Kafka's defaults, for the countdowns a page explains ----
export { CONFIG_KEYS } from './config';
export { INT_KEYS as CONSUMER_INT_KEYS } from './client/consumer-config';
// ---- Stream processing apps on the cluster (issue 17, layer 2): the streams.* commands' node ----
export type * from './streams/app-types';
export { streamsNodeId, resolveStreamsConfig } from './streams/app-state';
export type { StreamsConfig } from './streams/app-state';
// ---- Flink mode (issue 17, item 5): the same topology run as a Flink job (src/engine/flink):
// watermarks (minimum over inputs, bounded out-of-orderness), aligned barriers, key groups ----
export {
  NO_WATERMARK,
  boundedOutOfOrdernessWatermark,
  combinedWatermark,
  sourceWatermark,
  windowMaxTimestamp,
  windowFires,
  windowLate,
  formatWatermark,
} from './flink/watermarks';
export { newAlignment, onBarrier, elementWaits } from './flink/barriers';
export type { AlignmentState, BarrierOutcome } from './flink/barriers';
export { flinkMurmurHash, keyGroupOf, subtaskForKey, DEFAULT_MAX_PARALLELISM } from './flink/key-groups';
export { planJob } from './flink/job-plan';
export type { JobPlan } from './flink/job-plan';
export { JOBMANAGER as FLINK_JOBMANAGER, taskManagerId } from './flink/flink-state';
export type * from './flink/flink-types';
