/**
 * Shape checks for commands, done in `dispatch` before anything happens. A malformed command is
 * rejected with INVALID_COMMAND (or UNKNOWN_COMMAND) and a message that names the field; the
 * simulation is untouched. Checks that need the cluster's state (does this topic exist?) are the
 * command handlers' job.
 */
import { EngineError } from './errors';
import { checkCommandLimits } from './limits';
import type { Command, CommandType } from './types';

type Check = (v: unknown) => string | null; // null when valid, else what was expected

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const str: Check = (v) => (typeof v === 'string' && v.length > 0 ? null : 'a non-empty string');
const int: Check = (v) => (Number.isSafeInteger(v) ? null : 'an integer');
const nonNegInt: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : 'an integer ≥ 0');
const posInt: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : 'an integer ≥ 1');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const rate: Check = (v) => (typeof v === 'number' && v >= 0 && v <= 1 ? null : 'a number from 0 to 1');
const anyString: Check = (v) => (typeof v === 'string' ? null : 'a string');
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v) === null ? null : `${check(v)} or null`;
const nullableString: Check = (v) => (v === null || typeof v === 'string' ? null : 'a string or null');
const arrayOf =
  (item: Check, min = 0): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'an array';
    if (v.length < min) return `an array of at least ${min}`;
    for (const x of v) {
      const bad = item(x);
      if (bad) return `an array whose items are each ${bad}`;
    }
    return null;
  };
const recordOf =
  (item: Check): Check =>
  (v) => {
    if (!isPlainObject(v)) return 'an object';
    for (const x of Object.values(v)) {
      const bad = item(x);
      if (bad) return `an object whose values are each ${bad}`;
    }
    return null;
  };
const configValue: Check = (v) =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
    ? null
    : 'a string, number or boolean';
const objectWith =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (!isPlainObject(v)) return 'an object';
    for (const [k, check] of Object.entries(fields)) if (check(v[k])) return `an object with ${k}`;
    for (const k of Object.keys(v)) if (!(k in fields)) return `an object without "${k}"`;
    return null;
  };
const topicPartition = objectWith({ topic: str, partition: nonNegInt });
const groupMetadata: Check = (v) => {
  if (!isPlainObject(v)) return 'an object';
  if (typeof v.generationId !== 'number' || !Number.isInteger(v.generationId) || v.generationId < -1)
    return 'an object with an integer generationId (-1: none)';
  if (typeof v.memberId !== 'string') return 'an object with a memberId string';
  const id = v.groupInstanceId;
  if (id !== undefined && id !== null && typeof id !== 'string')
    return 'an object whose groupInstanceId is a string';
  for (const k of Object.keys(v))
    if (!['generationId', 'memberId', 'groupInstanceId'].includes(k)) return `an object without "${k}"`;
  return null;
};
const seekTarget: Check = (v) =>
  nonNegInt(v) === null ||
  v === 'beginning' ||
  v === 'end' ||
  (isPlainObject(v) && objectWith({ timestampMs: int })(v) === null)
    ? null
    : "an offset, 'beginning', 'end' or { timestampMs }";

interface Spec {
  required: Record<string, Check>;
  optional?: Record<string, Check>;
}

const SPECS: Record<CommandType, Spec> = {
  'topic.create': {
    required: { topic: anyString, partitions: int, replicationFactor: int },
    optional: { config: recordOf(configValue) },
  },
  'topic.delete': { required: { topic: anyString } },
  'producer.create': { required: { producer: str }, optional: { config: recordOf(configValue) } },
  'producer.send': {
    required: { producer: str, topic: str, key: nullableString, value: anyString },
    optional: { partition: nonNegInt, headers: recordOf(anyString), tombstone: bool, timestamp: nonNegInt },
  },
  'producer.sendMany': {
    required: { producer: str, topic: str, key: nullableString, value: anyString, count: posInt },
    optional: { partition: nonNegInt, headers: recordOf(anyString) },
  },
  'producer.beginTransaction': { required: { producer: str } },
  'producer.commitTransaction': { required: { producer: str } },
  'producer.abortTransaction': { required: { producer: str } },
  'producer.sendOffsetsToTransaction': {
    required: {
      producer: str,
      groupId: str,
      offsets: arrayOf(objectWith({ topic: str, partition: nonNegInt, offset: nonNegInt }), 1),
    },
    optional: { groupMetadata: groupMetadata, consumer: str },
  },
  'consumer.create': {
    required: { consumer: str },
    optional: { groupId: str, config: recordOf(configValue) },
  },
  'consumer.subscribe': { required: { consumer: str, topics: arrayOf(str, 1) } },
  'consumer.assign': { required: { consumer: str, partitions: arrayOf(topicPartition) } },
  'consumer.seek': { required: { consumer: str, topic: str, partition: nonNegInt, to: seekTarget } },
  'consumer.commit': {
    required: { consumer: str },
    optional: { offsets: arrayOf(objectWith({ topic: str, partition: nonNegInt, offset: nonNegInt })) },
  },
  'consumer.close': { required: { consumer: str } },
  'consumer.crash': { required: { consumer: str } },
  'broker.crash': { required: { broker: posInt } },
  'broker.restart': { required: { broker: posInt } },
  'node.crash': { required: { node: str } },
  'node.restart': { required: { node: str } },
  'network.partition': { required: { sides: arrayOf(arrayOf(str, 1), 1) } },
  'network.cut': { required: { from: str, to: str }, optional: { oneWay: bool } },
  'network.heal': { required: {} },
  'link.configure': {
    required: { from: str, to: str },
    optional: { latencyMs: nullable(nonNegInt), lossRate: nullable(rate) },
  },
  // The message queue (src/engine/queue).
  'queue.create': { required: { queue: str }, optional: { visibilityTimeoutMs: posInt } },
  'sender.create': {
    required: { sender: str },
    optional: { queue: str, everyMs: posInt, count: nonNegInt, bodyPrefix: anyString },
  },
  'queue.send': { required: { sender: str, queue: str, body: anyString } },
  'worker.create': {
    required: { worker: str, queue: str },
    optional: { processingMs: nonNegInt, maxMessages: posInt, waitTimeMs: nonNegInt },
  },
  'batchJob.create': {
    required: { job: str, everyMs: posInt },
    optional: { queue: str, topic: str, processingMs: nonNegInt, perMessageMs: nonNegInt },
  },
  'accountService.create': {
    required: { service: str, queue: str, topic: str, balances: recordOf(nonNegInt) },
    optional: { processingMs: nonNegInt },
  },
  // Real clients through the wire front end (src/engine/external).
  'client.connect': { required: { client: str }, optional: { software: anyString } },
  'client.request': {
    required: {
      client: str,
      to: str,
      kind: str,
      body: (v) => (isPlainObject(v) ? null : 'an object'),
      requestId: int,
    },
  },
  'client.disconnect': { required: { client: str } },
  // Kafka's Admin operations that change the cluster (src/engine/admin).
  'topic.createPartitions': { required: { topic: str, count: int } },
  'topic.alterConfigs': {
    required: { topic: str },
    optional: { set: recordOf(configValue), delete: arrayOf(str) },
  },
  'partition.electLeaders': {
    required: {
      electionType: (v) => (v === 'PREFERRED' || v === 'UNCLEAN' ? null : "'PREFERRED' or 'UNCLEAN'"),
    },
    optional: { partitions: arrayOf(topicPartition) },
  },
  'group.delete': { required: { groupId: str } },
  'records.delete': { required: { topic: str, partition: nonNegInt, offset: int } },
  // Kafka Streams applications (src/engine/streams): the topology is checked by the handler.
  'streams.create': {
    required: { app: str, topology: (v) => (isPlainObject(v) ? null : 'an object with steps') },
    optional: { config: recordOf(configValue) },
  },
  'streams.start': { required: { app: str, instance: str } },
  'streams.crash': { required: { instance: str } },
  'streams.restart': { required: { instance: str } },
  // Flink mode (src/engine/flink): the topology and keys are checked by the handlers.
  'flink.start': { required: { taskManagers: int }, optional: { config: recordOf(configValue) } },
  'flink.submit': {
    required: { job: str, topology: (v) => (isPlainObject(v) ? null : 'an object with steps') },
    optional: { config: recordOf(configValue), outOfOrdernessMs: int, allowedLatenessMs: int },
  },
};

export const COMMAND_TYPES = Object.keys(SPECS) as CommandType[];

/** Throws EngineError unless `input` is a well-formed command; returns it typed. */
export function validateCommand(input: unknown): Command {
  if (!isPlainObject(input))
    throw new EngineError('INVALID_COMMAND', 'A command must be an object with a type.');
  const type = input.type;
  if (typeof type !== 'string') throw new EngineError('INVALID_COMMAND', 'A command needs a string "type".');
  if (!Object.hasOwn(SPECS, type)) {
    throw new EngineError('UNKNOWN_COMMAND', `Unknown command type "${type}".`);
  }
  const spec = SPECS[type as CommandType];
  for (const [field, check] of Object.entries(spec.required)) {
    if (!Object.hasOwn(input, field)) {
      throw new EngineError('INVALID_COMMAND', `${type}: missing field "${field}".`);
    }
    const bad = check(input[field]);
    if (bad) throw new EngineError('INVALID_COMMAND', `${type}: "${field}" must be ${bad}.`);
  }
  for (const [field, value] of Object.entries(input)) {
    if (field === 'type' || Object.hasOwn(spec.required, field)) continue;
    const check = spec.optional?.[field];
    if (!check) throw new EngineError('INVALID_COMMAND', `${type}: unknown field "${field}".`);
    if (value === undefined) continue;
    const bad = check(value);
    if (bad) throw new EngineError('INVALID_COMMAND', `${type}: "${field}" must be ${bad}.`);
  }
  const command = input as unknown as Command;
  checkCommandLimits(command); // what a browser simulation can keep (limits.ts)
  return command;
}
