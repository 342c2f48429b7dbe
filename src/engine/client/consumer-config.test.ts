import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { ConfigValue } from '../types';
import { isCooperative, resolveConsumerConfig } from './consumer-config';

function rejects(config: Record<string, ConfigValue>, message: RegExp, groupId: string | null = 'g') {
  try {
    resolveConsumerConfig(config, groupId);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe('INVALID_CONFIG');
    expect((e as EngineError).message).toMatch(message);
    return;
  }
  throw new Error(`expected INVALID_CONFIG for ${JSON.stringify(config)}`);
}

describe('consumer config: Kafka defaults (reference §3.1, §9)', () => {
  it('fills in every default', () => {
    expect(resolveConsumerConfig({}, 'g')).toEqual({
      autoOffsetReset: 'latest',
      enableAutoCommit: true,
      autoCommitIntervalMs: 5000,
      sessionTimeoutMs: 45000,
      heartbeatIntervalMs: 3000,
      maxPollIntervalMs: 300000,
      processingMsPerRecord: 0,
      maxPollRecords: 500,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 500,
      maxPartitionFetchBytes: 1048576,
      isolationLevel: 'read_uncommitted',
      assignmentStrategies: ['range', 'cooperative-sticky'],
      groupInstanceId: null,
      requestTimeoutMs: 30000,
      retryBackoffMs: 100,
      metadataMaxAgeMs: 300000,
    });
  });

  it('the default strategies rebalance eagerly; cooperative needs cooperative-sticky alone', () => {
    expect(isCooperative(resolveConsumerConfig({}, 'g'))).toBe(false);
    const coop = resolveConsumerConfig({ 'partition.assignment.strategy': 'cooperative-sticky' }, 'g');
    expect(isCooperative(coop)).toBe(true);
  });

  it('takes every key, with integers and booleans written as strings as Kafka does', () => {
    const c = resolveConsumerConfig(
      {
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': 'false',
        'auto.commit.interval.ms': '1000',
        'session.timeout.ms': 10000,
        'heartbeat.interval.ms': 500,
        'max.poll.interval.ms': 60000,
        'max.poll.records': 10,
        'fetch.min.bytes': 100,
        'fetch.max.wait.ms': 250,
        'max.partition.fetch.bytes': 4096,
        'isolation.level': 'read_committed',
        'group.instance.id': 'instance-1',
        'request.timeout.ms': 5000,
        'retry.backoff.ms': 50,
      },
      'g',
    );
    expect(c).toMatchObject({
      autoOffsetReset: 'earliest',
      enableAutoCommit: false,
      autoCommitIntervalMs: 1000,
      sessionTimeoutMs: 10000,
      heartbeatIntervalMs: 500,
      maxPollIntervalMs: 60000,
      maxPollRecords: 10,
      fetchMinBytes: 100,
      fetchMaxWaitMs: 250,
      maxPartitionFetchBytes: 4096,
      isolationLevel: 'read_committed',
      groupInstanceId: 'instance-1',
      requestTimeoutMs: 5000,
      retryBackoffMs: 50,
    });
  });

  it.each([
    ['range', ['range']],
    ['cooperative-sticky, range', ['cooperative-sticky', 'range']],
    ['roundrobin,sticky', ['roundrobin', 'sticky']],
    ['org.apache.kafka.clients.consumer.RoundRobinAssignor', ['roundrobin']],
    ['StickyAssignor,CooperativeStickyAssignor', ['sticky', 'cooperative-sticky']],
  ])('partition.assignment.strategy=%j is the list %j', (given, list) => {
    expect(
      resolveConsumerConfig({ 'partition.assignment.strategy': given }, 'g').assignmentStrategies,
    ).toEqual(list);
  });

  it('without a group id, auto-commit is off by default', () => {
    expect(resolveConsumerConfig({}, null).enableAutoCommit).toBe(false);
    expect(resolveConsumerConfig({ 'enable.auto.commit': false }, null).enableAutoCommit).toBe(false);
  });
});

describe('consumer config: rejected values', () => {
  it('names an unknown key', () =>
    rejects({ 'bootstrap.servers': 'broker-1' }, /^Unknown consumer config name: bootstrap\.servers$/));
  it('auto.offset.reset must be latest, earliest or none', () =>
    rejects(
      { 'auto.offset.reset': 'smallest' },
      /auto\.offset\.reset: String must be one of: latest, earliest, none/,
    ));
  it('enable.auto.commit must be a boolean', () =>
    rejects(
      { 'enable.auto.commit': 'yes' },
      /enable\.auto\.commit: Expected value to be either true or false/,
    ));
  it('isolation.level must be read_committed or read_uncommitted', () =>
    rejects(
      { 'isolation.level': 'serializable' },
      /String must be one of: read_committed, read_uncommitted/,
    ));
  it.each([
    ['auto.commit.interval.ms', -1, /at least 0/],
    ['session.timeout.ms', 0, /at least 1/],
    ['heartbeat.interval.ms', 0, /at least 1/],
    ['max.poll.interval.ms', 0, /at least 1/],
    ['max.poll.records', 0, /at least 1/],
    ['fetch.min.bytes', -1, /at least 0/],
    ['fetch.max.wait.ms', -5, /at least 0/],
    ['max.partition.fetch.bytes', -1, /at least 0/],
    ['request.timeout.ms', -1, /at least 0/],
    ['retry.backoff.ms', -1, /at least 0/],
    ['max.poll.records', 'many', /Expected an integer/],
    ['max.poll.records', 2147483648, /no more than 2147483647/],
  ])('%s=%j is rejected', (key, value, message) => rejects({ [key]: value }, message));
  it('heartbeat.interval.ms must be below session.timeout.ms', () =>
    rejects(
      { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 6000 },
      /^Heartbeat must be set lower than the session timeout$/,
    ));
  it('an unknown assignor', () =>
    rejects({ 'partition.assignment.strategy': 'range,fair' }, /Class fair cannot be found/));
  it('the same assignor twice', () =>
    rejects(
      { 'partition.assignment.strategy': 'range,RangeAssignor' },
      /The assignor name 'range' is used in more than one assignor/,
    ));
  it('an empty assignor list', () =>
    rejects({ 'partition.assignment.strategy': ' , ' }, /At least one assignor must be given/));
  it.each([
    ['', /must be non-empty string/],
    ['..', /cannot be "\." or "\.\."/],
    ['a b', /is illegal, it contains a character other than ASCII alphanumerics/],
    ['x'.repeat(250), /can't be longer than 249 characters/],
  ])('group.instance.id %j', (id, message) => rejects({ 'group.instance.id': id }, message));
  it('enable.auto.commit=true without a group id', () =>
    rejects(
      { 'enable.auto.commit': true },
      /^enable\.auto\.commit cannot be set to true when default group id \(null\) is used\.$/,
      null,
    ));
  it('group.instance.id without a group id', () =>
    rejects({ 'group.instance.id': 'i1' }, /static membership needs a group id/, null));
});
