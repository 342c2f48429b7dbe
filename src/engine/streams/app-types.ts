/**
 * Public data types of Kafka Streams applications on the simulated cluster (issue 17, layer 2):
 * the streams.* commands, the events they leave in the trace and their part of the snapshot. Plain
 * serialisable data, merged into the engine's CommandMap, EventMap and ClusterSnapshot (types.ts).
 */
import type { NodeId } from '../ids';
import type { StoreView } from './store-view';
import type { NodeStats } from './task';
import type { TopologySpec } from './topology-spec';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

export interface StreamsCommandMap {
  /**
   * Define an application: its topology and StreamsConfig keys (`processing.guarantee`,
   * `commit.interval.ms`, `statestore.cache.max.bytes`, `replication.factor`). Creates its
   * repartition and changelog topics, as Kafka Streams' InternalTopicManager does before the first
   * rebalance. Its source topics must exist (else MissingSourceTopicException).
   */
  'streams.create': { app: string; topology: TopologySpec; config?: Record<string, string | number> };
  /** Start one instance (node `streams:<instance>`): one StreamThread with its three clients. */
  'streams.start': { app: string; instance: string };
  /** The instance's process dies: its tasks move to the others after session.timeout.ms. */
  'streams.crash': { instance: string };
  /** The same process comes back (same process id, so the same transactional.id). */
  'streams.restart': { instance: string };
}

export interface StreamsEventMap {
  /**
   * The application exists: its application.id (`app`) and its `processing.guarantee` (the guarantee
   * checker classifies its output's anomalies by it), its internal topics and tasks.
   */
  'streams.created': {
    app: string;
    guarantee: ProcessingGuarantee;
    internalTopics: string[];
    tasks: string[];
  };
  'streams.crashed': { node: NodeId };
  'streams.restarted': { node: NodeId };
  /** The group gave this instance its active tasks (a rebalance finished). */
  'streams.tasksAssigned': {
    app: string;
    instance: string;
    generation: number;
    active: string[];
    /** Standby tasks kept here (num.standby.replicas): warm copies following their changelogs. */
    standby: string[];
  };
  /** A task's changelogs are read before it processes anything (StoreChangelogReader). */
  'streams.taskRestoring': {
    app: string;
    instance: string;
    task: string;
    changelogs: { topic: string; partition: number }[];
    /** The task was a standby here: restoration goes on from the standby's position, not the start. */
    fromStandby: boolean;
  };
  /** One restore step: changelog records written back into the task's store. */
  'streams.restored': {
    app: string;
    instance: string;
    task: string;
    store: string;
    topic: string;
    partition: number;
    fromOffset: number;
    toOffset: number;
    records: number;
  };
  /** A standby task applied changelog records to its warm copy of the store. */
  'streams.standbyUpdated': {
    app: string;
    instance: string;
    task: string;
    store: string;
    topic: string;
    partition: number;
    toOffset: number;
    records: number;
  };
  /** Restoration done (or nothing to restore): the task processes from its committed offsets. */
  'streams.taskRunning': { app: string; instance: string; task: string; restoredRecords: number };
  /** Records a task processed in one go (one poll's worth). */
  'streams.processed': {
    app: string;
    instance: string;
    task: string;
    records: number;
    streamTimeMs: number;
    /** The records' timestamps (event time), the first 200, for the event-time plots. */
    timestamps: number[];
    /**
     * Records that passed each edge of the topology graph (`from>to` by node name; `>SOURCE` from
     * its topic, `SINK>` to its topic), for the records moving along the graph's edges.
     */
    edges: Record<string, number>;
  };
  /** A commit flushed the task's record caches: what they held back went on along these edges. */
  'streams.flushed': { app: string; instance: string; task: string; edges: Record<string, number> };
  /** A record a processor dropped, with Kafka's log message (too late for its time range, null key, ...). */
  'streams.dropped': {
    app: string;
    instance: string;
    task: string;
    node: string;
    message: string;
    timestampMs: number;
  };
  /** A commit: caches flushed, output sent, input offsets committed (in the transaction under EOS). */
  'streams.committed': {
    app: string;
    instance: string;
    guarantee: ProcessingGuarantee;
    offsets: { topic: string; partition: number; offset: number }[];
  };
  /** Under exactly_once_v2 an aborted transaction leaves the tasks' state dirty: they restore again. */
  'streams.tasksCorrupted': { app: string; instance: string; tasks: string[]; reason: string };
}

export interface StreamsTaskSnapshot {
  id: string;
  subtopology: number;
  partition: number;
  /** standby: a warm copy of the task's stores (num.standby.replicas); it processes nothing. */
  state: 'restoring' | 'running' | 'suspended' | 'standby';
  /** The task's stream time (-1: nothing processed yet). */
  streamTimeMs: number;
  stats: Record<string, NodeStats>;
  /** What the task's state stores hold now (key → value, windowed keys with their time range). */
  stores: StoreView[];
}

export interface StreamsInstanceSnapshot {
  instance: string;
  node: NodeId;
  alive: boolean;
  /** The group generation whose assignment the tasks follow (-1: none yet). */
  generation: number;
  tasks: StreamsTaskSnapshot[];
  /** processing | committing (flush or transaction in progress). */
  committing: boolean;
}

export interface StreamsAppSnapshot {
  app: string;
  /** The application's topology, as given (the views build Kafka's graph from it). */
  topology: TopologySpec;
  guarantee: ProcessingGuarantee;
  commitIntervalMs: number;
  cacheMaxBytes: number;
  /** num.standby.replicas (0: no standby tasks). */
  standbyReplicas: number;
  internalTopics: { name: string; kind: 'repartition' | 'changelog'; partitions: number }[];
  instances: StreamsInstanceSnapshot[];
}
