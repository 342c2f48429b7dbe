/**
 * A streams instance's state as plain data in its node record (decision 0017, point 5). Durable: the
 * program (application.id, topology, StreamsConfig) and the three clients' durable parts. Volatile:
 * the clients' volatile parts, which sub-client sent each request, the tasks (TaskData, plain), the
 * records waiting for a task and the commit in progress. A crash loses all of it but the program.
 */
import { EngineError } from '../errors';
import type { ConsumerDurable, ConsumerVolatile } from '../client/consumer-state';
import type { ProducerDurable, ProducerVolatile } from '../client/producer-state';
import type { NodeRecord } from '../kernel/kernel';
import type { ProcessingGuarantee } from './app-types';
import type { TaskData } from './task';
import type { TopologySpec } from './topology-spec';

export const streamsNodeId = (instance: string): string => `streams:${instance}`;

/** StreamsConfig, resolved. */
export interface StreamsConfig {
  guarantee: ProcessingGuarantee;
  commitIntervalMs: number;
  cacheMaxBytes: number;
  replicationFactor: number;
  /** num.standby.replicas: warm copies of each stateful task on other instances (app-standby.ts). */
  standbyReplicas: number;
}

const KEYS = new Set([
  'processing.guarantee',
  'commit.interval.ms',
  'statestore.cache.max.bytes',
  'replication.factor',
  'num.standby.replicas',
]);

/** Kafka's defaults: at_least_once, commit every 30000 ms (100 under exactly-once), a 10 MB cache. */
export function resolveStreamsConfig(given: Record<string, string | number>, brokers: number): StreamsConfig {
  for (const k of Object.keys(given)) {
    if (!KEYS.has(k))
      throw new EngineError('INVALID_CONFIG', `Unknown or unsupported StreamsConfig key ${k}.`);
  }
  const g = given['processing.guarantee'] ?? 'at_least_once';
  if (g !== 'at_least_once' && g !== 'exactly_once_v2') {
    throw new EngineError(
      'INVALID_CONFIG',
      `Invalid value ${String(g)} for configuration processing.guarantee: String must be one of: at_least_once, exactly_once_v2`,
    );
  }
  const int = (key: string, dflt: number, min: number): number => {
    const v = given[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new EngineError(
        'INVALID_CONFIG',
        `Invalid value ${String(v)} for configuration ${key}: Value must be at least ${min}`,
      );
    }
    return v;
  };
  return {
    guarantee: g,
    // StreamsConfig.postProcessParsedConfig: exactly-once lowers the default commit interval to 100 ms.
    commitIntervalMs: int('commit.interval.ms', g === 'exactly_once_v2' ? 100 : 30000, 0),
    cacheMaxBytes: int('statestore.cache.max.bytes', 10485760, 0),
    replicationFactor: Math.min(int('replication.factor', Math.min(3, brokers), 1), brokers),
    standbyReplicas: int('num.standby.replicas', 0, 0),
  };
}

export interface StreamsDurable {
  app: string;
  instance: string;
  spec: TopologySpec;
  config: StreamsConfig;
  /** The main consumer (group member, group.id = application.id), the restore consumer, the producer. */
  consumer: ConsumerDurable;
  restore: ConsumerDurable;
  producer: ProducerDurable;
}

/** Which of the instance's clients a message or timer belongs to. */
export type SubClient = 'c' | 'r' | 'p';

export interface QueuedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestampMs: number;
}

export interface ChangelogProgress {
  topic: string;
  partition: number;
  store: string;
  /** First offset restored (-1 until a record arrives). */
  fromOffset: number;
  done: boolean;
}

export interface TaskRuntime {
  id: string;
  subtopology: number;
  partition: number;
  /** standby: a warm copy that only follows its changelogs (app-standby.ts), never processes. */
  state: 'restoring' | 'running' | 'suspended' | 'standby';
  data: TaskData;
  changelogs: ChangelogProgress[];
  restored: number;
  /** Records read for the task that it has not processed yet (restoring, or a commit in progress). */
  queue: QueuedRecord[];
  /** Next offset to commit, per source partition (`topic-partition`). */
  consumed: Record<string, number>;
  /** The offsets of the last commit that succeeded (exactly-once rewinds to these after an abort). */
  committed: Record<string, number>;
  /** Processed something since the last commit. */
  dirty: boolean;
}

export interface CommitInProgress {
  phase: 'flush' | 'txn';
  offsets: { topic: string; partition: number; offset: number }[];
}

export interface StreamsVolatile {
  consumer: ConsumerVolatile;
  restore: ConsumerVolatile;
  producer: ProducerVolatile;
  /** Request message id → the client that sent it (answers are routed back by it). */
  owner: Record<number, SubClient>;
  /** Timestamps of fetched records not yet handed to the app, by `topic-partition@offset`. */
  ts: Record<string, Record<number, number>>;
  generation: number;
  tasks: Record<string, TaskRuntime>;
  commit: CommitInProgress | null;
  commitTimer: number | null;
  /** exactly_once_v2: a transaction is open. */
  inTxn: boolean;
}

export type StreamsNode = NodeRecord<StreamsDurable, StreamsVolatile> & { volatile: StreamsVolatile };
