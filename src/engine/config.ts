/**
 * Configuration keys, Kafka's defaults and validation. The engine reads every tunable through
 * Kafka's own key names (`replica.lag.time.max.ms`, ...). Defaults are Kafka's (reference §3.1,
 * §4.1, §5, §8.1); a lesson or the sandbox scales them for teaching through the same keys.
 */
import { EngineError } from './errors';
import type { ConfigValue } from './types';

type Kind = 'int' | 'bool' | 'string';

interface KeySpec {
  kind: Kind;
  default: ConfigValue;
  min?: number;
  values?: readonly string[];
  /** A topic-level key (may be set per topic at creation). */
  topic?: boolean;
}

const LONG_MAX = Number.MAX_SAFE_INTEGER;

export const CONFIG_KEYS = {
  // KRaft quorum (reference §5.1)
  'controller.quorum.election.timeout.ms': { kind: 'int', default: 1000, min: 1 },
  'controller.quorum.fetch.timeout.ms': { kind: 'int', default: 2000, min: 1 },
  'controller.quorum.election.backoff.max.ms': { kind: 'int', default: 1000, min: 1 },
  'controller.quorum.request.timeout.ms': { kind: 'int', default: 2000, min: 1 },
  // Broker lifecycle (reference §5.2)
  'broker.heartbeat.interval.ms': { kind: 'int', default: 2000, min: 1 },
  'broker.session.timeout.ms': { kind: 'int', default: 9000, min: 1 },
  // Leader balance (reference §4.1, §4.5)
  'auto.leader.rebalance.enable': { kind: 'bool', default: true },
  'leader.imbalance.check.interval.seconds': { kind: 'int', default: 300, min: 1 },
  // Replication (reference §4.1)
  'replica.lag.time.max.ms': { kind: 'int', default: 30000, min: 1 },
  'replica.fetch.wait.max.ms': { kind: 'int', default: 500, min: 0 },
  'replica.fetch.min.bytes': { kind: 'int', default: 1, min: 1 },
  'replica.fetch.max.bytes': { kind: 'int', default: 1048576, min: 1 },
  // Incremental fetch sessions (KIP-227): how many sessions each broker keeps (cluster/fetch-session.ts).
  'max.incremental.fetch.session.cache.slots': { kind: 'int', default: 1000, min: 0 },
  // Inter-broker requests (WriteTxnMarkers): how long a leader holds a marker for replication, and
  // how long the coordinator waits for the answer before it resends (KafkaConfig.requestTimeoutMs).
  'request.timeout.ms': { kind: 'int', default: 30000, min: 1 },
  'num.partitions': { kind: 'int', default: 1, min: 1 },
  'default.replication.factor': { kind: 'int', default: 1, min: 1 },
  'offsets.topic.num.partitions': { kind: 'int', default: 50, min: 1 },
  'offsets.topic.replication.factor': { kind: 'int', default: 3, min: 1 },
  // Topic-level keys; the broker-wide value is the default for new topics (reference §8.1).
  'min.insync.replicas': { kind: 'int', default: 1, min: 1, topic: true },
  'unclean.leader.election.enable': { kind: 'bool', default: false, topic: true },
  'retention.ms': { kind: 'int', default: 604800000, min: -1, topic: true },
  'retention.bytes': { kind: 'int', default: -1, min: -1, topic: true },
  'segment.bytes': { kind: 'int', default: 1073741824, min: 14, topic: true },
  'segment.ms': { kind: 'int', default: 604800000, min: 1, topic: true },
  'cleanup.policy': {
    kind: 'string',
    default: 'delete',
    values: ['delete', 'compact', 'compact,delete', 'delete,compact'],
    topic: true,
  },
  'delete.retention.ms': { kind: 'int', default: 86400000, min: 0, topic: true },
  'min.compaction.lag.ms': { kind: 'int', default: 0, min: 0, topic: true },
  'max.compaction.lag.ms': { kind: 'int', default: LONG_MAX, min: 1, topic: true },
  'min.cleanable.dirty.ratio': { kind: 'string', default: '0.5', topic: true },
  'max.message.bytes': { kind: 'int', default: 1048588, min: 0, topic: true },
  'message.timestamp.type': {
    kind: 'string',
    default: 'CreateTime',
    values: ['CreateTime', 'LogAppendTime'],
    topic: true,
  },
  'log.retention.check.interval.ms': { kind: 'int', default: 300000, min: 1 },
  // Compaction (reference §8.4): how often each broker's log cleaner looks for dirty logs.
  'log.cleaner.enable': { kind: 'bool', default: true },
  'log.cleaner.backoff.ms': { kind: 'int', default: 15000, min: 1 },
  // Transactions (reference §7.1)
  'transaction.state.log.num.partitions': { kind: 'int', default: 50, min: 1 },
  'transaction.state.log.replication.factor': { kind: 'int', default: 3, min: 1 },
  'transaction.state.log.min.isr': { kind: 'int', default: 2, min: 1 },
  'transaction.max.timeout.ms': { kind: 'int', default: 900000, min: 1 },
  'transaction.abort.timed.out.transaction.cleaner.interval.ms': { kind: 'int', default: 10000, min: 1 },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type TopicConfigKey = {
  [K in ConfigKey]: (typeof CONFIG_KEYS)[K] extends { topic: true } ? K : never;
}[ConfigKey];

function spec(key: string): KeySpec | undefined {
  return Object.hasOwn(CONFIG_KEYS, key) ? (CONFIG_KEYS as Record<string, KeySpec>)[key] : undefined;
}

/** Kafka's ConfigException wording, as INVALID_CONFIG. Shared by broker, topic and client configs. */
export function invalidConfig(key: string, value: ConfigValue, why: string): never {
  throw new EngineError(
    'INVALID_CONFIG',
    `Invalid value ${JSON.stringify(value)} for configuration ${key}: ${why}`,
  );
}

/** An integer config value (a number, or a string of digits) within [min, max]. */
export function parseIntConfig(key: string, value: ConfigValue, min: number, max?: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    return invalidConfig(key, value, 'Expected an integer.');
  if (n < min) return invalidConfig(key, value, `Value must be at least ${min}`);
  if (max !== undefined && n > max) return invalidConfig(key, value, `Value must be no more than ${max}`);
  return n;
}

/** Check one value against its key; returns the normalised value or throws INVALID_CONFIG. */
export function checkConfigValue(key: string, value: ConfigValue, where: string): ConfigValue {
  const s = spec(key);
  if (!s) throw new EngineError('INVALID_CONFIG', `Unknown ${where} config name: ${key}`);
  const bad = (why: string): never => {
    throw new EngineError(
      'INVALID_CONFIG',
      `Invalid value ${JSON.stringify(value)} for configuration ${key}: ${why}`,
    );
  };
  switch (s.kind) {
    case 'int': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return bad('Expected an integer.');
      if (s.min !== undefined && n < s.min) return bad(`Value must be at least ${s.min}.`);
      return n;
    }
    case 'bool': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad('Expected value to be either true or false.');
    }
    case 'string': {
      const v = String(value);
      if (s.values && !s.values.includes(v)) return bad(`String must be one of: ${s.values.join(', ')}.`);
      return v;
    }
  }
}

/** Validate broker-wide config given to createSimulation. */
export function validateBrokerConfig(config: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(config)) out[k] = checkConfigValue(k, v, 'broker');
  return out;
}

/** Validate a topic's config overrides; only topic-level keys are allowed. */
export function validateTopicConfig(config: Record<string, ConfigValue>): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!spec(k)?.topic) throw new EngineError('INVALID_CONFIG', `Unknown topic config name: ${k}`);
    out[k] = checkConfigValue(k, v, 'topic');
  }
  return out;
}

/** The type of a setting's value: that of its default (configs are validated against it on input). */
export type SettingValue<K extends ConfigKey> = (typeof CONFIG_KEYS)[K]['default'] extends boolean
  ? boolean
  : (typeof CONFIG_KEYS)[K]['default'] extends number
    ? number
    : string;

/** A broker-wide setting: the configured value or Kafka's default. */
export function brokerSetting<K extends ConfigKey>(
  config: Readonly<Record<string, unknown>>,
  key: K,
): SettingValue<K> {
  const v = config[key] ?? CONFIG_KEYS[key].default;
  // Validated when the cluster or topic was configured; its type follows the default's.
  return v as SettingValue<K>;
}

/** A topic's effective setting: its override, else the broker-wide value, else Kafka's default. */
export function topicSetting<K extends TopicConfigKey>(
  brokerConfig: Readonly<Record<string, unknown>>,
  topicConfig: Readonly<Record<string, ConfigValue>>,
  key: K,
): SettingValue<K> {
  const v = topicConfig[key] ?? brokerConfig[key] ?? CONFIG_KEYS[key].default;
  // Validated when the cluster or topic was configured; its type follows the default's.
  return v as SettingValue<K>;
}
