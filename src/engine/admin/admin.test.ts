/** Kafka's Admin operations that change the cluster (src/engine/admin), end to end in the engine. */
import { describe, expect, test } from 'vitest';
import { createSimulation, isEngineError, replaySimulation, type Simulation } from '..';

function settled(): Simulation {
  const sim = createSimulation({ seed: 11, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
  return sim;
}
const topicOf = (sim: Simulation, name: string) => sim.snapshot().topics.find((t) => t.name === name)!;
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (isEngineError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return null;
};

describe('CreatePartitions', () => {
  test('grows a topic: new partitions get RF replicas, a leader, and replicas on their brokers', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 2, replicationFactor: 2 });
    sim.runFor(500);
    sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 5 });
    sim.runFor(500);
    const t = topicOf(sim, 't');
    expect(t.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    for (const p of t.partitions.slice(2)) {
      expect(p.replicas).toHaveLength(2);
      expect(new Set(p.replicas).size).toBe(2);
      expect(p.leader).toBe(p.replicas[0]);
      expect(p.isr).toEqual(p.replicas);
      expect(p.replicaStates.map((r) => r.broker).sort()).toEqual([...p.replicas].sort());
    }
    const ev = sim.events().find((e) => e.type === 'topic.partitionsCreated');
    expect(ev).toMatchObject({ topic: 't', from: 2, to: 5 });
  });

  test('refuses what Kafka refuses, in its words, and changes nothing', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 });
    sim.runFor(500);
    const before = sim.trace().length;
    expect(errorOf(() => sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 3 }))).toBe(
      'INVALID_PARTITIONS: Topic already has 3 partition(s).',
    );
    expect(errorOf(() => sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 2 }))).toBe(
      'INVALID_PARTITIONS: The topic t currently has 3 partition(s); 2 would not be an increase.',
    );
    expect(errorOf(() => sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 1001 }))).toMatch(
      /^INVALID_PARTITIONS: Number of partitions 1001 is larger than this simulation allows/,
    );
    expect(errorOf(() => sim.dispatch({ type: 'topic.createPartitions', topic: 'nope', count: 4 }))).toMatch(
      /^UNKNOWN_TOPIC_OR_PARTITION/,
    );
    expect(sim.trace().length).toBe(before);
  });

  test('a producer writing with an explicit partition reaches a new one', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    sim.runFor(500);
    sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 2 });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'v', partition: 1 });
    sim.runFor(2000);
    const acked = sim.events().filter((e) => e.type === 'producer.acked');
    expect(acked).toMatchObject([{ topic: 't', partition: 1, offset: 0 }]);
  });
});

test('clients pick new partitions up on their metadata refresh (metadata.max.age.ms)', () => {
  const sim = settled();
  sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 2 });
  sim.runFor(500);
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c',
    groupId: 'g',
    config: { 'metadata.max.age.ms': 5000 },
  });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c', topics: ['t'] });
  sim.dispatch({ type: 'producer.create', producer: 'p', config: { 'metadata.max.age.ms': 5000 } });
  sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: 'first', value: 'v' });
  sim.runFor(6000);
  sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 3 });
  sim.runFor(8000);
  // The group's leader saw 3 partitions where it had assigned 1: it rejoined and assigned all three.
  const member = sim.snapshot().groups.find((g) => g.groupId === 'g')!.members[0]!;
  expect(member.assignment.map((tp) => tp.partition).sort()).toEqual([0, 1, 2]);
  for (let i = 0; i < 30; i++)
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: `k${i}`, value: 'v' });
  sim.runFor(2000);
  const partitions = new Set(sim.events().flatMap((e) => (e.type === 'producer.acked' ? [e.partition] : [])));
  expect(partitions).toEqual(new Set([0, 1, 2]));
});

describe('IncrementalAlterConfigs', () => {
  test('min.insync.replicas set on a topic takes effect on the next produce; delete puts it back', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 });
    sim.runFor(500);
    const follower = sim.snapshot().topics[0]!.partitions[0]!.replicas[2]!;
    sim.dispatch({ type: 'broker.crash', broker: follower });
    sim.runFor(15000);
    sim.dispatch({ type: 'topic.alterConfigs', topic: 't', set: { 'min.insync.replicas': '3' } });
    sim.runFor(500);
    expect(topicOf(sim, 't').config).toEqual({ 'min.insync.replicas': 3 });
    expect(sim.events().find((e) => e.type === 'topic.configChanged')).toMatchObject({
      topic: 't',
      set: { 'min.insync.replicas': 3 },
    });
    sim.dispatch({
      type: 'producer.create',
      producer: 'p',
      config: { acks: 'all', 'delivery.timeout.ms': 3000, 'request.timeout.ms': 1000, 'linger.ms': 0 },
    });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'v' });
    sim.runFor(4000);
    expect(
      sim.events().some((e) => e.type === 'producer.retryScheduled' && e.error === 'NOT_ENOUGH_REPLICAS'),
    ).toBe(true);
    sim.dispatch({ type: 'topic.alterConfigs', topic: 't', delete: ['min.insync.replicas'] });
    sim.runFor(500);
    expect(topicOf(sim, 't').config).toEqual({});
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'w' });
    sim.runFor(2000);
    expect(sim.events().filter((e) => e.type === 'producer.acked')).toHaveLength(1);
  });

  test("invalid names and values get Kafka's INVALID_CONFIG wording", () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    sim.runFor(500);
    const alter = (set: Record<string, string>) => () =>
      sim.dispatch({ type: 'topic.alterConfigs', topic: 't', set });
    expect(errorOf(alter({ 'no.such.key': '1' }))).toBe(
      'INVALID_CONFIG: Unknown topic config name: no.such.key',
    );
    expect(errorOf(alter({ 'retention.ms': 'soon' }))).toBe(
      'INVALID_CONFIG: Invalid value soon for configuration retention.ms: Not a number of type LONG',
    );
    expect(errorOf(alter({ 'min.insync.replicas': '0' }))).toBe(
      'INVALID_CONFIG: Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
    );
    expect(errorOf(alter({ 'cleanup.policy': 'forever' }))).toBe(
      'INVALID_CONFIG: Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete',
    );
  });

  test('max.message.bytes: the leader answers MESSAGE_TOO_LARGE to a bigger batch', () => {
    const sim = settled();
    sim.dispatch({
      type: 'topic.create',
      topic: 't',
      partitions: 1,
      replicationFactor: 1,
      config: { 'max.message.bytes': 100 },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { 'linger.ms': 0 } });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'x'.repeat(20) });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'y'.repeat(200) });
    sim.runFor(2000);
    expect(sim.events().filter((e) => e.type === 'producer.acked')).toHaveLength(1);
    expect(sim.events().find((e) => e.type === 'producer.failed')).toMatchObject({
      error: 'MESSAGE_TOO_LARGE',
      message: 'The request included a message larger than the max message size the server will accept.',
    });
  });
});

describe('ElectLeaders', () => {
  test('PREFERRED moves leadership back to the first replica once it is in the ISR', () => {
    const sim = createSimulation({
      seed: 11,
      brokers: 3,
      brokerConfig: { 'auto.leader.rebalance.enable': false },
    });
    sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 });
    sim.runFor(500);
    const preferred = topicOf(sim, 't').partitions[0]!.replicas[0]!;
    sim.dispatch({ type: 'broker.crash', broker: preferred });
    sim.runFor(15000);
    sim.dispatch({ type: 'broker.restart', broker: preferred });
    sim.runFor(15000);
    const p = topicOf(sim, 't').partitions[0]!;
    expect(p.leader).not.toBe(preferred);
    expect(p.isr).toContain(preferred);
    sim.dispatch({
      type: 'partition.electLeaders',
      electionType: 'PREFERRED',
      partitions: [{ topic: 't', partition: 0 }],
    });
    expect(sim.events().findLast((e) => e.type === 'partition.electionResult')).toMatchObject({
      results: [{ topic: 't', partition: 0, error: null, leader: preferred }],
    });
    sim.runFor(500);
    expect(topicOf(sim, 't').partitions[0]!.leader).toBe(preferred);
    sim.dispatch({
      type: 'partition.electLeaders',
      electionType: 'PREFERRED',
      partitions: [{ topic: 't', partition: 0 }],
    });
    expect(sim.events().findLast((e) => e.type === 'partition.electionResult')).toMatchObject({
      results: [{ error: 'ELECTION_NOT_NEEDED' }],
    });
  });

  test('UNCLEAN elects an out-of-sync replica only when no ISR replica is alive; its missing records are lost', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 2 });
    sim.runFor(500);
    const [a, b] = topicOf(sim, 't').partitions[0]!.replicas as [number, number];
    // b falls out of the ISR, a takes one more record, then a dies: no ISR replica is left.
    sim.dispatch({ type: 'broker.crash', broker: b });
    sim.runFor(15000);
    sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 1, 'linger.ms': 0 } });
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'lost' });
    sim.runFor(2000);
    sim.dispatch({ type: 'broker.crash', broker: a });
    sim.dispatch({ type: 'broker.restart', broker: b });
    sim.runFor(20000);
    expect(topicOf(sim, 't').partitions[0]!.leader).toBe(-1);
    sim.dispatch({
      type: 'partition.electLeaders',
      electionType: 'PREFERRED',
      partitions: [{ topic: 't', partition: 0 }],
    });
    expect(sim.events().findLast((e) => e.type === 'partition.electionResult')).toMatchObject({
      results: [{ error: 'PREFERRED_LEADER_NOT_AVAILABLE' }],
    });
    sim.dispatch({
      type: 'partition.electLeaders',
      electionType: 'UNCLEAN',
      partitions: [{ topic: 't', partition: 0 }],
    });
    expect(sim.events().findLast((e) => e.type === 'partition.electionResult')).toMatchObject({
      results: [{ error: null, leader: b, unclean: true }],
    });
    sim.runFor(1000);
    const p = topicOf(sim, 't').partitions[0]!;
    expect(p.leader).toBe(b);
    expect(p.isr).toEqual([b]);
    expect(sim.readLog(b, 't', 0).map((r) => r.value)).not.toContain('lost');
    sim.dispatch({
      type: 'partition.electLeaders',
      electionType: 'UNCLEAN',
      partitions: [{ topic: 't', partition: 0 }],
    });
    expect(sim.events().findLast((e) => e.type === 'partition.electionResult')).toMatchObject({
      results: [{ error: 'ELECTION_NOT_NEEDED' }],
    });
  });
});

describe('DeleteGroups', () => {
  test('a group with members is refused; once Empty it is deleted with its offsets, for good', () => {
    const sim = settled();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 });
    sim.runFor(500);
    sim.dispatch({ type: 'consumer.create', consumer: 'c', groupId: 'g' });
    sim.dispatch({ type: 'consumer.subscribe', consumer: 'c', topics: ['t'] });
    sim.runFor(8000);
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'c',
      offsets: [{ topic: 't', partition: 0, offset: 0 }],
    });
    sim.runFor(1000);
    expect(errorOf(() => sim.dispatch({ type: 'group.delete', groupId: 'g' }))).toBe(
      'NON_EMPTY_GROUP: The group is not empty.',
    );
    expect(errorOf(() => sim.dispatch({ type: 'group.delete', groupId: 'nope' }))).toBe(
      'GROUP_ID_NOT_FOUND: The group id does not exist.',
    );
    sim.dispatch({ type: 'consumer.close', consumer: 'c' });
    sim.runFor(2000);
    expect(sim.snapshot().groups.find((g) => g.groupId === 'g')?.state).toBe('Empty');
    sim.dispatch({ type: 'group.delete', groupId: 'g' });
    sim.runFor(1000);
    expect(sim.snapshot().groups.find((g) => g.groupId === 'g')).toBeUndefined();
    expect(sim.events().find((e) => e.type === 'group.deleted')).toMatchObject({
      groupId: 'g',
      offsetsRemoved: 1,
    });
    // The coordinator moves (its broker crashes): the new one loads the tombstones, not the group.
    const coordinator = sim.events().find((e) => e.type === 'group.deleted')!;
    sim.dispatch({ type: 'broker.crash', broker: (coordinator as { broker: number }).broker });
    sim.runFor(15000);
    const after = sim.snapshot().groups.find((g) => g.groupId === 'g');
    expect(after?.offsets ?? []).toEqual([]);
  });
});

test('the admin commands are recorded: a replay of the command log gives the same trace', () => {
  const sim = settled();
  sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'topic.createPartitions', topic: 't', count: 3 });
  sim.dispatch({ type: 'topic.alterConfigs', topic: 't', set: { 'retention.ms': 60000 } });
  sim.runFor(500);
  sim.dispatch({ type: 'consumer.create', consumer: 'c', groupId: 'g' });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c', topics: ['t'] });
  sim.runFor(6000);
  sim.dispatch({ type: 'consumer.close', consumer: 'c' });
  sim.runFor(2000);
  sim.dispatch({ type: 'group.delete', groupId: 'g' });
  sim.dispatch({ type: 'partition.electLeaders', electionType: 'PREFERRED' });
  sim.runFor(1000);
  const again = replaySimulation({ seed: 11, brokers: 3 }, sim.commandLog());
  again.runFor(sim.now() - again.now());
  expect(again.events()).toEqual(sim.events());
});
