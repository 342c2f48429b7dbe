/**
 * The engine's public data types: commands in, events and snapshots out. Everything here is plain
 * serialisable data, because it crosses the worker boundary and is stored in IndexedDB.
 */

/** `broker-1`, `controller-1`, `producer:p1`, `consumer:c1`, `test:a` (tests only). */
export type NodeId = string;
export type NodeKind = 'broker' | 'controller' | 'producer' | 'consumer' | 'test';
export type CommandId = number;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export type ConfigValue = string | number | boolean;

/** A record as a replica's log holds it. */
export interface LogRecord {
  offset: number;
  key: string | null;
  value: string | null;
  /** CreateTime, in virtual ms. */
  timestamp: number;
  leaderEpoch: number;
  headers?: Record<string, string>;
  producerId?: number;
  producerEpoch?: number;
  sequence?: number;
  /** Set on transactional records and on control markers. */
  isTransactional?: boolean;
  /** Control markers (transaction COMMIT/ABORT) are records the application never sees. */
  control?: 'COMMIT' | 'ABORT';
}

export interface NetworkOptions {
  /** Smallest one-way latency of a message, in virtual ms (default 2). */
  latencyMsMin?: number;
  /** Largest one-way latency; each message draws uniformly in [min, max] (default 6). */
  latencyMsMax?: number;
  /** Probability that any one message is lost, 0..1 (default 0). */
  lossRate?: number;
}

export interface SimulationOptions {
  seed: number;
  brokers: number;
  /** Controller quorum voters, run as separate nodes `controller-1..N` (default 3). */
  controllers?: number;
  /** Broker and default topic configs, by Kafka's key names (`replica.lag.time.max.ms`, ...). */
  brokerConfig?: Record<string, ConfigValue>;
  network?: NetworkOptions;
}

// ---------------------------------------------------------------------------------------------
// Commands: imperative, dotted. `dispatch` validates every field before anything happens.

export type SeekTarget = number | 'beginning' | 'end' | { timestampMs: number };

export interface CommandMap {
  'topic.create': {
    topic: string;
    partitions: number;
    replicationFactor: number;
    config?: Record<string, ConfigValue>;
  };
  'topic.delete': { topic: string };
  'producer.create': { producer: string; config?: Record<string, ConfigValue> };
  'producer.send': {
    producer: string;
    topic: string;
    key: string | null;
    value: string;
    partition?: number;
    headers?: Record<string, string>;
  };
  'consumer.create': { consumer: string; groupId?: string; config?: Record<string, ConfigValue> };
  'consumer.subscribe': { consumer: string; topics: string[] };
  'consumer.assign': { consumer: string; partitions: TopicPartition[] };
  'consumer.seek': { consumer: string; topic: string; partition: number; to: SeekTarget };
  'consumer.commit': { consumer: string; offsets?: (TopicPartition & { offset: number })[] };
  'consumer.close': { consumer: string };
  'consumer.crash': { consumer: string };
  'broker.crash': { broker: number };
  'broker.restart': { broker: number };
  /** Crash or restart any node by id (controllers, clients): the generic form of the above. */
  'node.crash': { node: NodeId };
  'node.restart': { node: NodeId };
  /** Nodes in different sides cannot talk; a node named in no side can still talk to every node. */
  'network.partition': { sides: NodeId[][] };
  /** Cut the link from `from` to `to`; both directions unless `oneWay`. */
  'network.cut': { from: NodeId; to: NodeId; oneWay?: boolean };
  /** Remove every partition and cut. Link latency and loss settings stay. */
  'network.heal': Record<string, never>;
  /** Slow or lossy link, one direction. `latencyMs` replaces the network's latency range. */
  'link.configure': { from: NodeId; to: NodeId; latencyMs?: number; lossRate?: number };
}

export type CommandType = keyof CommandMap;
export type Command = { [K in CommandType]: { type: K } & CommandMap[K] }[CommandType];
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;

/** One entry of the timed command log: enough to replay a session exactly. */
export interface TimedCommand {
  atMs: number;
  /** How many scheduler entries had been processed when the command was applied. */
  processed: number;
  command: Command;
}

// ---------------------------------------------------------------------------------------------
// Events: past tense, dotted. Every event carries `seq` (1, 2, 3, ...) and `atMs`.

export type DropReason = 'partition' | 'cut' | 'loss' | 'node-down';

export interface EventMap {
  'command.accepted': { commandId: CommandId; command: Command };
  'rpc.sent': {
    id: number;
    from: NodeId;
    to: NodeId;
    kind: string;
    sentAtMs: number;
    deliverAtMs: number;
    /** The request this message answers, for responses. */
    inReplyTo?: number;
    body: unknown;
  };
  'rpc.delivered': { id: number; from: NodeId; to: NodeId; kind: string };
  'rpc.dropped': { id: number; from: NodeId; to: NodeId; kind: string; reason: DropReason };
  'broker.crashed': { node: NodeId };
  'broker.restarted': { node: NodeId };
  'controller.crashed': { node: NodeId };
  'controller.restarted': { node: NodeId };
  'producer.crashed': { node: NodeId };
  'producer.restarted': { node: NodeId };
  'consumer.crashed': { node: NodeId };
  'consumer.restarted': { node: NodeId };
  'test.crashed': { node: NodeId };
  'test.restarted': { node: NodeId };
  'network.partitioned': { sides: NodeId[][] };
  'network.disconnected': { from: NodeId; to: NodeId; oneWay: boolean };
  'network.healed': Record<string, never>;
  'link.configured': { from: NodeId; to: NodeId; latencyMs?: number; lossRate?: number };
  /** Free-form note from a test node; real nodes use their own typed events. */
  'test.note': { node: NodeId; text: string };
}

export type EventType = keyof EventMap;
export type EngineEvent = {
  [K in EventType]: { seq: number; atMs: number; type: K } & EventMap[K];
}[EventType];
export type EventOf<K extends EventType> = Extract<EngineEvent, { type: K }>;

// ---------------------------------------------------------------------------------------------
// Snapshot: plain JSON, a picture of the whole cluster at one virtual instant.

export interface NodeSnapshot {
  id: NodeId;
  kind: NodeKind;
  alive: boolean;
  /** How many times the node has been (re)started; 1 after the first start. */
  incarnation: number;
}

export interface LinkSnapshot {
  from: NodeId;
  to: NodeId;
  latencyMs?: number;
  lossRate?: number;
}

export interface NetworkSnapshot {
  latencyMsMin: number;
  latencyMsMax: number;
  lossRate: number;
  partitionSides: NodeId[][];
  cuts: { from: NodeId; to: NodeId }[];
  links: LinkSnapshot[];
}

export interface ClusterSnapshot {
  nowMs: number;
  seed: number;
  nodes: NodeSnapshot[];
  network: NetworkSnapshot;
}
