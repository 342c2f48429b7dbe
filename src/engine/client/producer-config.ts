/**
 * Producer configuration: Kafka's key names, Kafka's defaults (`ProducerConfig.java`, reference §4.1,
 * §1.4) and Kafka's cross-key validation (`ProducerConfig.postProcessAndValidateIdempotenceConfigs`,
 * reference §6; `KafkaProducer.configureDeliveryTimeout`). Validation runs in the `producer.create`
 * handler, so a bad config is rejected before the producer exists.
 */
import { invalidConfig, parseIntConfig } from '../config';
import { EngineError } from '../errors';
import type { ConfigValue } from '../types';

const INT_MAX = 2147483647;

export type ProducerAcks = 0 | 1 | 'all';

/** The resolved configuration a producer runs with (durable: it is the program). */
export interface ProducerConfig {
  acks: ProducerAcks;
  /** Effective value: may be off even though the default is on (see resolveProducerConfig). */
  idempotent: boolean;
  lingerMs: number;
  batchSize: number;
  maxInFlight: number;
  retries: number;
  retryBackoffMs: number;
  /** The longest a retry waits: each retry of a batch doubles the wait up to this (KIP-580). */
  retryBackoffMaxMs: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  /** How long a record may wait for its topic's metadata before it fails (Kafka blocks send()). */
  maxBlockMs: number;
  /** Makes the producer transactional (reference §7); requires idempotence. */
  transactionalId: string | null;
  /** transaction.timeout.ms: the coordinator aborts a transaction open longer than this. */
  transactionTimeoutMs: number;
  /** metadata.max.age.ms: an active producer refreshes its metadata this often (new partitions). */
  metadataMaxAgeMs: number;
  /** max.request.size, when set (absent: Kafka's default, 1048576); read by limits.ts. */
  maxRequestSize?: number;
}

interface IntSpec {
  kind: 'int';
  default: number;
  min: number;
  max?: number;
}

const INT_KEYS = {
  'linger.ms': { kind: 'int', default: 0, min: 0 },
  'batch.size': { kind: 'int', default: 16384, min: 0 },
  'max.in.flight.requests.per.connection': { kind: 'int', default: 5, min: 1 },
  retries: { kind: 'int', default: INT_MAX, min: 0, max: INT_MAX },
  'retry.backoff.ms': { kind: 'int', default: 100, min: 0 },
  'retry.backoff.max.ms': { kind: 'int', default: 1000, min: 0 },
  'request.timeout.ms': { kind: 'int', default: 30000, min: 0 },
  'delivery.timeout.ms': { kind: 'int', default: 120000, min: 0 },
  'max.block.ms': { kind: 'int', default: 60000, min: 0 },
  'metadata.max.age.ms': { kind: 'int', default: 300000, min: 0 },
  'transaction.timeout.ms': { kind: 'int', default: 60000, min: 1 },
  // The largest request (and so record) the producer sends; checked in limits.ts before a send.
  'max.request.size': { kind: 'int', default: 1048576, min: 0 },
} as const satisfies Record<string, IntSpec>;

type IntKey = keyof typeof INT_KEYS;

/** Every key a producer accepts, for the UI and for error messages. */
export const PRODUCER_CONFIG_KEYS: readonly string[] = [
  'acks',
  'enable.idempotence',
  'transactional.id',
  ...Object.keys(INT_KEYS),
];

/** The most requests in flight per connection that still keeps idempotent ordering (reference §6). */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

function parseInt32(key: IntKey, value: ConfigValue): number {
  const spec: IntSpec = INT_KEYS[key];
  return parseIntConfig(key, value, spec.min, spec.max);
}

/** Kafka accepts "all", "-1", "0", "1" (as strings or numbers); -1 means all. */
function parseAcks(value: ConfigValue): ProducerAcks {
  const s = String(value).trim().toLowerCase();
  if (s === 'all' || s === '-1') return 'all';
  if (s === '0') return 0;
  if (s === '1') return 1;
  return invalidConfig('acks', value, 'String must be one of: all, -1, 0, 1');
}

function parseBool(key: string, value: ConfigValue): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return invalidConfig(key, value, 'Expected value to be either true or false');
}

/**
 * Validate a producer's config and fill in Kafka's defaults. Throws EngineError INVALID_CONFIG with
 * Kafka's own messages where Kafka has one.
 */
export function resolveProducerConfig(given: Readonly<Record<string, ConfigValue>> = {}): ProducerConfig {
  const ints = {} as Record<IntKey, number>;
  for (const key of Object.keys(INT_KEYS) as IntKey[]) ints[key] = INT_KEYS[key].default;
  let acks: ProducerAcks = 'all';
  let idempotence = true;
  let transactionalId: string | null = null;

  for (const [key, value] of Object.entries(given)) {
    if (key === 'acks') acks = parseAcks(value);
    else if (key === 'enable.idempotence') idempotence = parseBool(key, value);
    else if (key === 'transactional.id') {
      if (typeof value !== 'string' || value.trim() === '') {
        invalidConfig(key, value, 'String must be non-empty');
      }
      transactionalId = value;
    } else if (Object.hasOwn(INT_KEYS, key)) ints[key as IntKey] = parseInt32(key as IntKey, value);
    else throw new EngineError('INVALID_CONFIG', `Unknown producer config name: ${key}`);
  }

  // Reference §6: idempotence needs acks=all, retries > 0 and at most 5 requests in flight. If the
  // user asked for idempotence explicitly, a conflict is an error; if it is only the default, Kafka
  // quietly turns idempotence off instead.
  const explicitIdempotence = Object.hasOwn(given, 'enable.idempotence');
  if (idempotence) {
    const conflicts: string[] = [];
    if (ints.retries === 0)
      conflicts.push('Must set retries to non-zero when using the idempotent producer.');
    if (acks !== 'all') {
      conflicts.push(
        'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
      );
    }
    if (ints['max.in.flight.requests.per.connection'] > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      conflicts.push(
        `Must set max.in.flight.requests.per.connection to at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} to use the idempotent producer.`,
      );
    }
    if (conflicts.length > 0) {
      if (explicitIdempotence) throw new EngineError('INVALID_CONFIG', conflicts[0]!);
      idempotence = false;
    }
  }
  // Checked after idempotence may have been turned off, as Kafka does.
  if (transactionalId !== null && !idempotence) {
    throw new EngineError(
      'INVALID_CONFIG',
      'Cannot set a transactional.id without also enabling idempotence.',
    );
  }

  // KafkaProducer.configureDeliveryTimeout: an explicit delivery.timeout.ms below linger.ms +
  // request.timeout.ms is an error; the default is raised to that sum instead.
  const floor = ints['linger.ms'] + ints['request.timeout.ms'];
  if (ints['delivery.timeout.ms'] < floor) {
    if (Object.hasOwn(given, 'delivery.timeout.ms')) {
      throw new EngineError(
        'INVALID_CONFIG',
        `delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms (${floor}).`,
      );
    }
    ints['delivery.timeout.ms'] = floor;
  }

  return {
    acks,
    idempotent: idempotence,
    lingerMs: ints['linger.ms'],
    batchSize: ints['batch.size'],
    maxInFlight: ints['max.in.flight.requests.per.connection'],
    retries: ints.retries,
    retryBackoffMs: ints['retry.backoff.ms'],
    // Kafka: a retry.backoff.ms above the maximum is used as a fixed backoff instead.
    retryBackoffMaxMs: Math.max(ints['retry.backoff.max.ms'], ints['retry.backoff.ms']),
    requestTimeoutMs: ints['request.timeout.ms'],
    deliveryTimeoutMs: ints['delivery.timeout.ms'],
    maxBlockMs: ints['max.block.ms'],
    metadataMaxAgeMs: ints['metadata.max.age.ms'],
    transactionalId,
    transactionTimeoutMs: ints['transaction.timeout.ms'],
    ...(Object.hasOwn(given, 'max.request.size') ? { maxRequestSize: ints['max.request.size'] } : {}),
  };
}

/** acks as the Produce request carries it. */
export function wireAcks(acks: ProducerAcks): 0 | 1 | -1 {
  return acks === 'all' ? -1 : acks;
}
