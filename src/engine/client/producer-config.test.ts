import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { resolveProducerConfig } from './producer-config';

function rejects(config: Record<string, string | number | boolean>, message: RegExp) {
  try {
    resolveProducerConfig(config);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe('INVALID_CONFIG');
    expect((e as EngineError).message).toMatch(message);
    return;
  }
  throw new Error(`expected INVALID_CONFIG for ${JSON.stringify(config)}`);
}

describe('producer config: Kafka defaults', () => {
  it('fills in every default (reference §4.1, §1.4, §6)', () => {
    expect(resolveProducerConfig()).toEqual({
      acks: 'all',
      idempotent: true,
      lingerMs: 0,
      batchSize: 16384,
      maxInFlight: 5,
      retries: 2147483647,
      retryBackoffMs: 100,
      metadataMaxAgeMs: 300000,
      retryBackoffMaxMs: 1000,
      requestTimeoutMs: 30000,
      deliveryTimeoutMs: 120000,
      maxBlockMs: 60000,
      transactionalId: null,
      transactionTimeoutMs: 60000,
    });
  });

  it.each([
    [0, 0],
    [1, 1],
    ['all', 'all'],
    [-1, 'all'],
    ['-1', 'all'],
    ['1', 1],
    ['0', 0],
  ] as const)('acks=%j means %j', (given, acks) => {
    expect(resolveProducerConfig({ acks: given, 'enable.idempotence': false }).acks).toBe(acks);
  });

  it('accepts integers written as strings, as Kafka does', () => {
    expect(resolveProducerConfig({ 'linger.ms': '25' }).lingerMs).toBe(25);
  });
});

describe('producer config: rejected values', () => {
  it('names an unknown key', () =>
    rejects({ 'bootstrap.broker': 'broker-1' }, /^Unknown producer config name: bootstrap\.broker$/));
  it('rejects a bad acks', () => rejects({ acks: 2 }, /acks: String must be one of: all, -1, 0, 1/));
  it('rejects a negative linger.ms', () =>
    rejects({ 'linger.ms': -1 }, /linger\.ms: Value must be at least 0/));
  it('rejects a non-integer', () => rejects({ 'batch.size': 'big' }, /batch\.size: Expected an integer/));
  it('rejects retries above Integer.MAX_VALUE', () => rejects({ retries: 2147483648 }, /retries/));
  it('rejects max.in.flight of 0', () =>
    rejects({ 'max.in.flight.requests.per.connection': 0 }, /at least 1/));
  it('rejects a non-boolean enable.idempotence', () =>
    rejects({ 'enable.idempotence': 'yes' }, /either true or false/));
  it('rejects an empty transactional.id', () => rejects({ 'transactional.id': ' ' }, /non-empty/));
});

describe('producer config: idempotence (reference §6)', () => {
  it.each([[{ acks: 1 }], [{ acks: 0 }], [{ retries: 0 }], [{ 'max.in.flight.requests.per.connection': 6 }]])(
    'a conflicting %j silently turns default idempotence off',
    (config) => {
      expect(resolveProducerConfig(config).idempotent).toBe(false);
    },
  );

  it.each([
    [{ acks: 1 }, /Must set acks to all in order to use the idempotent producer/],
    [{ retries: 0 }, /Must set retries to non-zero when using the idempotent producer/],
    [
      { 'max.in.flight.requests.per.connection': 6 },
      /max\.in\.flight\.requests\.per\.connection to at most 5/,
    ],
  ])('an explicit enable.idempotence=true with %j is an error', (config, message) => {
    rejects({ ...config, 'enable.idempotence': true }, message);
  });

  it('explicitly off needs none of them', () => {
    const c = resolveProducerConfig({ 'enable.idempotence': false, acks: 1, retries: 0 });
    expect(c).toMatchObject({ idempotent: false, acks: 1, retries: 0 });
  });

  it('keeps idempotence on with acks=all and max.in.flight=5 set explicitly', () => {
    const c = resolveProducerConfig({
      'enable.idempotence': true,
      acks: 'all',
      'max.in.flight.requests.per.connection': 5,
    });
    expect(c.idempotent).toBe(true);
  });

  it('stores transactional.id when idempotence is on', () => {
    expect(resolveProducerConfig({ 'transactional.id': 'tx-1' }).transactionalId).toBe('tx-1');
  });

  it.each([[{ 'enable.idempotence': false }], [{ acks: 1 }]])(
    'transactional.id without idempotence (%j) is an error',
    (config) =>
      rejects(
        { ...config, 'transactional.id': 'tx-1' },
        /Cannot set a transactional\.id without also enabling idempotence/,
      ),
  );
});

describe('producer config: delivery.timeout.ms', () => {
  it('an explicit value below linger.ms + request.timeout.ms is an error', () => {
    rejects(
      { 'delivery.timeout.ms': 1000, 'linger.ms': 100, 'request.timeout.ms': 1000 },
      /delivery\.timeout\.ms should be equal to or larger than linger\.ms \+ request\.timeout\.ms \(1100\)/,
    );
  });

  it('an explicit value equal to the sum is fine', () => {
    const c = resolveProducerConfig({
      'delivery.timeout.ms': 1100,
      'linger.ms': 100,
      'request.timeout.ms': 1000,
    });
    expect(c.deliveryTimeoutMs).toBe(1100);
  });

  it('the default is raised to the sum, as KafkaProducer.configureDeliveryTimeout does', () => {
    const c = resolveProducerConfig({ 'linger.ms': 1000, 'request.timeout.ms': 130000 });
    expect(c.deliveryTimeoutMs).toBe(131000);
  });
});
