/**
 * Consumer configuration: Kafka's key names and defaults (`ConsumerConfig.java`,
 * `CommonClientConfigs.java`; reference §3.1, §9) and Kafka's validation, with its messages where
 * Kafka has one. Validation runs in the `consumer.create` handler, so a bad config is rejected
 * before the consumer exists.
 */
import { invalidConfig, parseIntConfig } from '../config';
import { EngineError } from '../errors';
import { ASSIGNMENT_STRATEGIES, type AssignmentStrategy } from '../group/assignors';
import type { ConfigValue } from '../types';

export type AutoOffsetReset = 'latest' | 'earliest' | 'none';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

/** The resolved configuration a consumer runs with (durable: it is the program). */
export interface ConsumerConfig {
  autoOffsetReset: AutoOffsetReset;
  /** Effective value: off without a group id unless asked for (which is then an error). */
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /**
   * Sent as the JoinGroup rebalance timeout (reference §3.1), and the client's own deadline: an
   * application that does not call poll() again within it leaves the group.
   */
  maxPollIntervalMs: number;
  /**
   * StreamLab's simulated application, not a Kafka setting: virtual ms it spends on each record
   * poll() returns before it polls again (0: it keeps up with anything).
   */
  processingMsPerRecord: number;
  maxPollRecords: number;
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  /** Sent per partition with every Fetch; the broker returns about this much (at least one batch). */
  maxPartitionFetchBytes: number;
  /** Sent with Fetch and ListOffsets; read_committed matters once transactions exist. */
  isolationLevel: IsolationLevel;
  /** In preference order; the group picks the first one every member supports. */
  assignmentStrategies: AssignmentStrategy[];
  /** Static membership (KIP-345). */
  groupInstanceId: string | null;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** metadata.max.age.ms: an active consumer refreshes its metadata this often (new partitions). */
  metadataMaxAgeMs: number;
}

interface IntSpec {
  default: number;
  min: number;
}

const INT_MAX = 2147483647;

export const INT_KEYS = {
  'auto.commit.interval.ms': { default: 5000, min: 0 },
  'session.timeout.ms': { default: 45000, min: 1 },
  'heartbeat.interval.ms': { default: 3000, min: 1 },
  'max.poll.interval.ms': { default: 300000, min: 1 },
  'max.poll.records': { default: 500, min: 1 },
  'fetch.min.bytes': { default: 1, min: 0 },
  'fetch.max.wait.ms': { default: 500, min: 0 },
  'max.partition.fetch.bytes': { default: 1048576, min: 0 },
  'request.timeout.ms': { default: 30000, min: 0 },
  'retry.backoff.ms': { default: 100, min: 0 },
  'metadata.max.age.ms': { default: 300000, min: 0 },
  'processing.ms.per.record': { default: 0, min: 0 },
} as const satisfies Record<string, IntSpec>;

type IntKey = keyof typeof INT_KEYS;

const AUTO_OFFSET_RESET: readonly AutoOffsetReset[] = ['latest', 'earliest', 'none'];
const ISOLATION_LEVELS: readonly IsolationLevel[] = ['read_committed', 'read_uncommitted'];

/** Kafka 3.x: `[RangeAssignor, CooperativeStickyAssignor]` (reference §2). */
export const DEFAULT_ASSIGNMENT_STRATEGIES: readonly AssignmentStrategy[] = ['range', 'cooperative-sticky'];

/** Kafka's class names for the assignors, accepted as well as the protocol names. */
const ASSIGNOR_CLASSES: Record<string, AssignmentStrategy> = {
  RangeAssignor: 'range',
  RoundRobinAssignor: 'roundrobin',
  StickyAssignor: 'sticky',
  CooperativeStickyAssignor: 'cooperative-sticky',
};

/** Every key a consumer accepts, for the UI and for error messages. */
export const CONSUMER_CONFIG_KEYS: readonly string[] = [
  'auto.offset.reset',
  'enable.auto.commit',
  'isolation.level',
  'partition.assignment.strategy',
  'group.instance.id',
  ...Object.keys(INT_KEYS),
];

function parseInt32(key: IntKey, value: ConfigValue): number {
  const spec: IntSpec = INT_KEYS[key];
  return parseIntConfig(key, value, spec.min, INT_MAX);
}

function parseBool(key: string, value: ConfigValue): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return invalidConfig(key, value, 'Expected value to be either true or false');
}

function parseChoice<T extends string>(key: string, value: ConfigValue, choices: readonly T[]): T {
  const s = String(value).trim().toLowerCase();
  if ((choices as readonly string[]).includes(s)) return s as T;
  return invalidConfig(key, value, `String must be one of: ${choices.join(', ')}`);
}

/** A LIST config: a comma-separated string, as Kafka parses one. Names or class names. */
function parseStrategies(value: ConfigValue): AssignmentStrategy[] {
  const key = 'partition.assignment.strategy';
  const items = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return invalidConfig(key, value, 'At least one assignor must be given.');
  const out: AssignmentStrategy[] = [];
  for (const item of items) {
    const simple = item.slice(item.lastIndexOf('.') + 1);
    const name = (ASSIGNMENT_STRATEGIES as readonly string[]).includes(item)
      ? (item as AssignmentStrategy)
      : ASSIGNOR_CLASSES[simple];
    if (!name) {
      return invalidConfig(
        key,
        value,
        `Class ${item} cannot be found. Expected one of: ${ASSIGNMENT_STRATEGIES.join(', ')}`,
      );
    }
    if (out.includes(name)) {
      throw new EngineError(
        'INVALID_CONFIG',
        `The assignor name '${name}' is used in more than one assignor.`,
      );
    }
    out.push(name);
  }
  return out;
}

/** JoinGroupRequest.validateGroupInstanceId: the rules of a topic name. */
function parseInstanceId(value: ConfigValue): string {
  const id = String(value);
  if (id === '') throw new EngineError('INVALID_CONFIG', 'Group instance id must be non-empty string');
  if (id === '.' || id === '..') {
    throw new EngineError('INVALID_CONFIG', `Group instance id cannot be "." or ".."`);
  }
  if (id.length > 249) {
    throw new EngineError(
      'INVALID_CONFIG',
      `Group instance id can't be longer than 249 characters: ${id.slice(0, 20)}...`,
    );
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(id)) {
    throw new EngineError(
      'INVALID_CONFIG',
      `Group instance id "${id}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
  return id;
}

/**
 * Validate a consumer's config and fill in Kafka's defaults. `groupId` matters: without one there
 * is nothing to commit to, so auto-commit is off (and asking for it is an error, as in Kafka 3.x).
 */
export function resolveConsumerConfig(
  given: Readonly<Record<string, ConfigValue>> = {},
  groupId: string | null = null,
): ConsumerConfig {
  const ints = {} as Record<IntKey, number>;
  for (const key of Object.keys(INT_KEYS) as IntKey[]) ints[key] = INT_KEYS[key].default;
  let autoOffsetReset: AutoOffsetReset = 'latest';
  let enableAutoCommit = true;
  let isolationLevel: IsolationLevel = 'read_uncommitted';
  let assignmentStrategies = [...DEFAULT_ASSIGNMENT_STRATEGIES];
  let groupInstanceId: string | null = null;

  for (const [key, value] of Object.entries(given)) {
    if (key === 'auto.offset.reset') autoOffsetReset = parseChoice(key, value, AUTO_OFFSET_RESET);
    else if (key === 'enable.auto.commit') enableAutoCommit = parseBool(key, value);
    else if (key === 'isolation.level') isolationLevel = parseChoice(key, value, ISOLATION_LEVELS);
    else if (key === 'partition.assignment.strategy') assignmentStrategies = parseStrategies(value);
    else if (key === 'group.instance.id') groupInstanceId = parseInstanceId(value);
    else if (Object.hasOwn(INT_KEYS, key)) ints[key as IntKey] = parseInt32(key as IntKey, value);
    else throw new EngineError('INVALID_CONFIG', `Unknown consumer config name: ${key}`);
  }

  // Heartbeat's constructor (AbstractCoordinator): the member must heartbeat within its session.
  if (ints['heartbeat.interval.ms'] >= ints['session.timeout.ms']) {
    throw new EngineError('INVALID_CONFIG', 'Heartbeat must be set lower than the session timeout');
  }
  if (groupId === null) {
    // KafkaConsumer: the default group id (null) turns auto-commit off; asking for it is an error.
    if (enableAutoCommit && Object.hasOwn(given, 'enable.auto.commit')) {
      throw new EngineError(
        'INVALID_CONFIG',
        'enable.auto.commit cannot be set to true when default group id (null) is used.',
      );
    }
    enableAutoCommit = false;
    if (groupInstanceId !== null) {
      throw new EngineError(
        'INVALID_CONFIG',
        'group.instance.id is set, but static membership needs a group id (consumer.create groupId).',
      );
    }
  }

  return {
    autoOffsetReset,
    enableAutoCommit,
    autoCommitIntervalMs: ints['auto.commit.interval.ms'],
    sessionTimeoutMs: ints['session.timeout.ms'],
    heartbeatIntervalMs: ints['heartbeat.interval.ms'],
    maxPollIntervalMs: ints['max.poll.interval.ms'],
    processingMsPerRecord: ints['processing.ms.per.record'],
    maxPollRecords: ints['max.poll.records'],
    fetchMinBytes: ints['fetch.min.bytes'],
    fetchMaxWaitMs: ints['fetch.max.wait.ms'],
    maxPartitionFetchBytes: ints['max.partition.fetch.bytes'],
    isolationLevel,
    assignmentStrategies,
    groupInstanceId,
    requestTimeoutMs: ints['request.timeout.ms'],
    retryBackoffMs: ints['retry.backoff.ms'],
    metadataMaxAgeMs: ints['metadata.max.age.ms'],
  };
}

/**
 * Kafka's RebalanceProtocol (ConsumerCoordinator's constructor): COOPERATIVE only when every
 * configured assignor supports it; so the default `range, cooperative-sticky` rebalances eagerly
 * (the upgrade path of KIP-429).
 */
export function isCooperative(config: ConsumerConfig): boolean {
  return config.assignmentStrategies.every((s) => s === 'cooperative-sticky');
}
