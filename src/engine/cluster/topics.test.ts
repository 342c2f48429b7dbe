import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { Command, TopicSnapshot } from '../types';
import { cluster, eventsOf, untilReady } from '../testing/scenario';

function rejects(sim: ReturnType<typeof cluster>, command: Command, code: string, message?: RegExp) {
  const before = sim.events().length;
  let error: unknown;
  try {
    sim.dispatch(command);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
  if (message) expect((error as EngineError).message).toMatch(message);
  expect(sim.events().length).toBe(before);
}

function topic(sim: ReturnType<typeof cluster>, name: string): TopicSnapshot | undefined {
  return sim.snapshot().topics.find((t) => t.name === name);
}

describe('topics through the controller', () => {
  it('creates a topic once the records commit, with every replica in the ISR', () => {
    const sim = untilReady(cluster(1));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    expect(topic(sim, 'orders')).toBeUndefined(); // appended, not yet committed
    sim.runFor(100);
    const t = topic(sim, 'orders')!;
    expect(t.partitions).toHaveLength(3);
    for (const p of t.partitions) {
      expect(p.replicas).toHaveLength(3);
      expect(new Set(p.replicas).size).toBe(3);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leader).toBe(p.replicas[0]);
      expect(p.leaderEpoch).toBe(0);
    }
    expect(eventsOf(sim, 'topic.created')).toMatchObject([
      { topic: 'orders', partitions: 3, replicationFactor: 3 },
    ]);
  });

  it('spreads leaders evenly over the brokers', () => {
    const sim = untilReady(cluster(2));
    sim.dispatch({ type: 'topic.create', topic: 'clicks', partitions: 12, replicationFactor: 2 });
    sim.runFor(100);
    const leaders = topic(sim, 'clicks')!.partitions.map((p) => p.leader);
    for (const b of [1, 2, 3]) expect(leaders.filter((l) => l === b)).toHaveLength(4);
    const replicasPerBroker = [1, 2, 3].map(
      (b) => topic(sim, 'clicks')!.partitions.filter((p) => p.replicas.includes(b)).length,
    );
    expect(replicasPerBroker).toEqual([8, 8, 8]);
  });

  it("rejects every invalid request with Kafka's error and changes nothing", () => {
    const sim = untilReady(cluster(3));
    sim.dispatch({ type: 'topic.create', topic: 'to_pic', partitions: 1, replicationFactor: 1 });
    sim.runFor(100);
    const create = (topic: string, partitions = 1, replicationFactor = 1, config?: Record<string, string>) =>
      ({
        type: 'topic.create',
        topic,
        partitions,
        replicationFactor,
        ...(config ? { config } : {}),
      }) as Command;
    rejects(sim, create(''), 'INVALID_TOPIC_EXCEPTION');
    rejects(sim, create('..'), 'INVALID_TOPIC_EXCEPTION', /'\.\.' is not allowed/);
    rejects(sim, create('foo bar'), 'INVALID_TOPIC_EXCEPTION');
    rejects(sim, create('a'.repeat(250)), 'INVALID_TOPIC_EXCEPTION');
    rejects(sim, create('to.pic'), 'INVALID_TOPIC_EXCEPTION', /collides with existing topic: to_pic/);
    rejects(sim, create('to_pic'), 'TOPIC_ALREADY_EXISTS');
    rejects(sim, create('p', 0), 'INVALID_PARTITIONS', /non-positive/);
    rejects(sim, create('p', -2), 'INVALID_PARTITIONS');
    rejects(sim, create('r', 1, 0), 'INVALID_REPLICATION_FACTOR', /larger than 0/);
    rejects(
      sim,
      create('r', 1, 4),
      'INVALID_REPLICATION_FACTOR',
      /replication factor of 4 cannot be reached because only 3 broker/,
    );
    rejects(
      sim,
      create('c', 1, 1, { 'retention.mss': '1' }),
      'INVALID_CONFIG',
      /Unknown topic config name: retention\.mss/,
    );
    rejects(sim, create('c', 1, 1, { 'min.insync.replicas': 'two' }), 'INVALID_CONFIG');
    rejects(sim, create('c', 1, 1, { 'cleanup.policy': 'shred' }), 'INVALID_CONFIG');
    rejects(sim, { type: 'topic.delete', topic: 'nope' }, 'UNKNOWN_TOPIC_OR_PARTITION');
    // Still healthy afterwards.
    sim.dispatch(create('valid.name-1', 2, 3, { 'min.insync.replicas': '2' }));
    sim.runFor(100);
    expect(topic(sim, 'valid.name-1')!.config).toEqual({ 'min.insync.replicas': 2 });
  });

  it('counts only unfenced brokers for the replication factor', () => {
    const sim = untilReady(cluster(4));
    sim.dispatch({ type: 'broker.crash', broker: 3 });
    sim.runFor(10_000); // session timeout: broker 3 is fenced
    expect(sim.snapshot().brokers.find((b) => b.id === 3)!.state).toBe('crashed');
    rejects(
      sim,
      { type: 'topic.create', topic: 'x', partitions: 1, replicationFactor: 3 },
      'INVALID_REPLICATION_FACTOR',
      /only 2 broker/,
    );
  });

  it('deletes a topic', () => {
    const sim = untilReady(cluster(5));
    sim.dispatch({ type: 'topic.create', topic: 'gone', partitions: 1, replicationFactor: 1 });
    sim.runFor(100);
    sim.dispatch({ type: 'topic.delete', topic: 'gone' });
    sim.runFor(100);
    expect(topic(sim, 'gone')).toBeUndefined();
    expect(eventsOf(sim, 'topic.deleted')).toMatchObject([{ topic: 'gone' }]);
  });

  it('fails clearly when there is no active controller', () => {
    const sim = untilReady(cluster(6));
    for (const c of ['controller-1', 'controller-2', 'controller-3'])
      sim.dispatch({ type: 'node.crash', node: c });
    rejects(sim, { type: 'topic.create', topic: 'x', partitions: 1, replicationFactor: 1 }, 'NOT_CONTROLLER');
  });
});
