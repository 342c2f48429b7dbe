/**
 * IncrementalAlterConfigs for topics, as Kafka's controller validates and records it
 * (ConfigurationControlManager with ControllerConfigurationValidator → LogConfig.validate): an
 * unknown name fails with `Unknown topic config name: k`, a bad value with ConfigDef's
 * `Invalid value v for configuration k: …`, both INVALID_CONFIG. A valid change is one
 * TopicConfig record; brokers read topic settings from their metadata image, so the change takes
 * effect on each broker as it applies the record (min.insync.replicas on the next produce,
 * retention.ms at the next retention check, cleanup.policy at the next cleaner pass,
 * max.message.bytes on the next append).
 */
import { CONFIG_KEYS, checkConfigValue } from '../config';
import { EngineError } from '../errors';
import type { ConfigValue } from '../types';
import type { MetadataImage, MetadataRecord } from '../cluster/metadata';

/** ConfigDef's type of each topic key the engine simulates (LogConfig's definitions). */
const KAFKA_TYPES: Record<string, 'INT' | 'LONG' | 'BOOLEAN' | 'DOUBLE' | 'LIST' | 'STRING'> = {
  'min.insync.replicas': 'INT',
  'unclean.leader.election.enable': 'BOOLEAN',
  'retention.ms': 'LONG',
  'retention.bytes': 'LONG',
  'segment.bytes': 'INT',
  'segment.ms': 'LONG',
  'cleanup.policy': 'LIST',
  'delete.retention.ms': 'LONG',
  'min.compaction.lag.ms': 'LONG',
  'max.compaction.lag.ms': 'LONG',
  'min.cleanable.dirty.ratio': 'DOUBLE',
  'max.message.bytes': 'INT',
  'message.timestamp.type': 'STRING',
};

const invalid = (key: string, value: string, why: string): never => {
  throw new EngineError('INVALID_CONFIG', `Invalid value ${value} for configuration ${key}: ${why}`);
};

/** One value checked with ConfigDef's parse and validator messages; returns the engine's value. */
export function checkTopicConfigValue(key: string, raw: ConfigValue): ConfigValue {
  const type = KAFKA_TYPES[key];
  if (!type) throw new EngineError('INVALID_CONFIG', `Unknown topic config name: ${key}`);
  const text = String(raw).trim();
  const spec = (CONFIG_KEYS as Record<string, { min?: number }>)[key]!;
  switch (type) {
    case 'INT':
    case 'LONG': {
      const limit = type === 'INT' ? 2 ** 31 : 2 ** 63;
      if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) >= limit)
        return invalid(key, text, `Not a number of type ${type}`);
      const n = Number(text);
      if (spec.min !== undefined && n < spec.min)
        return invalid(key, text, `Value must be at least ${spec.min}`);
      if (!Number.isSafeInteger(n)) return invalid(key, text, `Not a number of type ${type}`);
      return n;
    }
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(text))
        return invalid(key, text, 'Expected value to be either true or false');
      return text.toLowerCase() === 'true';
    case 'DOUBLE': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return invalid(key, text, 'Not a number of type DOUBLE');
      if (n < 0) return invalid(key, text, 'Value must be at least 0');
      if (n > 1) return invalid(key, text, 'Value must be no more than 1');
      return text;
    }
    case 'LIST': {
      const items = text.split(',').map((s) => s.trim());
      for (const item of items) {
        if (item !== 'compact' && item !== 'delete')
          return invalid(key, item, 'String must be one of: compact, delete');
      }
      return checkConfigValue(key, [...new Set(items)].join(','), 'topic');
    }
    case 'STRING':
      if (text !== 'CreateTime' && text !== 'LogAppendTime')
        return invalid(key, text, 'String must be one of: CreateTime, LogAppendTime');
      return text;
  }
}

/** Validate and build the TopicConfig record (nothing for a change that changes nothing). */
export function alterConfigsRecords(
  image: MetadataImage,
  topic: string,
  set: Readonly<Record<string, ConfigValue>>,
  deleted: readonly string[],
): MetadataRecord[] {
  if (!image.topics[topic]) {
    throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${topic}' does not exist.`);
  }
  const values: Record<string, ConfigValue> = {};
  for (const [k, v] of Object.entries(set)) values[k] = checkTopicConfigValue(k, v);
  for (const k of deleted) {
    if (!KAFKA_TYPES[k]) throw new EngineError('INVALID_CONFIG', `Unknown topic config name: ${k}`);
  }
  return [{ type: 'TopicConfig', topic, set: values, deleted: deleted.filter((k) => !(k in values)) }];
}
