/**
 * Command validation of producer.create and producer.send: each error code, and a rejected command
 * leaves the simulation exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { Simulation } from '../simulation';
import type { Command } from '../types';
import { fakeCluster, fakeTopic } from '../testing/fake-broker';
import { enqueueRecords } from './producer-module';

function world(): Simulation {
  const sim = fakeCluster();
  fakeTopic(sim, 'orders', [1, 2, 3]);
  sim.dispatch({ type: 'producer.create', producer: 'p1' });
  sim.runFor(50);
  return sim;
}

/** Everything a rejected command could have touched. */
function fingerprint(sim: Simulation): string {
  return JSON.stringify({
    snapshot: sim.snapshot(),
    events: sim.events().length,
    log: sim.commandLog().length,
    nodes: sim.kernel.state.nodes,
    next: sim.nextEventAtMs(),
  });
}

function rejects(sim: Simulation, command: Command, code: string, message: RegExp): void {
  const before = fingerprint(sim);
  try {
    sim.dispatch(command);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe(code);
    expect((e as EngineError).message).toMatch(message);
    expect(fingerprint(sim)).toBe(before);
    return;
  }
  throw new Error(`expected EngineError ${code}`);
}

describe('producer.create', () => {
  it('adds the node producer:<name> with its resolved config', () => {
    const sim = world();
    expect(sim.kernel.node('producer:p1')).toMatchObject({ kind: 'producer', alive: true });
    expect(sim.snapshot().producers).toMatchObject([{ id: 'p1', acks: 'all', idempotent: true }]);
    sim.dispatch({ type: 'producer.create', producer: 'p2', config: { acks: 1 } });
    expect(sim.snapshot().producers[1]).toMatchObject({
      id: 'p2',
      acks: 1,
      idempotent: false,
      producerId: null,
    });
  });

  it('DUPLICATE_NODE for an existing producer', () => {
    rejects(world(), { type: 'producer.create', producer: 'p1' }, 'DUPLICATE_NODE', /"p1" already exists/);
  });

  it('INVALID_CONFIG for an unknown key', () => {
    rejects(
      world(),
      { type: 'producer.create', producer: 'p2', config: { 'bootstrap.broker': 'broker-1' } },
      'INVALID_CONFIG',
      /Unknown producer config name: bootstrap\.broker/,
    );
  });

  it('INVALID_CONFIG for explicit idempotence with acks=1', () => {
    rejects(
      world(),
      { type: 'producer.create', producer: 'p2', config: { acks: 1, 'enable.idempotence': true } },
      'INVALID_CONFIG',
      /Must set acks to all/,
    );
  });

  it('INVALID_CONFIG for a delivery.timeout.ms below linger.ms + request.timeout.ms', () => {
    rejects(
      world(),
      { type: 'producer.create', producer: 'p2', config: { 'delivery.timeout.ms': 100 } },
      'INVALID_CONFIG',
      /delivery\.timeout\.ms should be equal to or larger/,
    );
  });
});

describe('producer.send', () => {
  const send = (over: Partial<Extract<Command, { type: 'producer.send' }>> = {}): Command => ({
    type: 'producer.send',
    producer: 'p1',
    topic: 'orders',
    key: 'k',
    value: 'v',
    ...over,
  });

  it('is accepted and queued', () => {
    const sim = world();
    const id = sim.dispatch(send());
    sim.runFor(30);
    expect(sim.events().some((e) => e.type === 'producer.queued' && e.commandId === id)).toBe(true);
  });

  it('UNKNOWN_NODE for an unknown producer', () => {
    rejects(world(), send({ producer: 'ghost' }), 'UNKNOWN_NODE', /no producer "ghost"/);
  });

  it('INVALID_NODE_STATE for a crashed producer', () => {
    const sim = world();
    sim.dispatch({ type: 'node.crash', node: 'producer:p1' });
    rejects(sim, send(), 'INVALID_NODE_STATE', /producer:p1 is down/);
  });

  it('UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist', () => {
    rejects(world(), send({ topic: 'nope' }), 'UNKNOWN_TOPIC_OR_PARTITION', /Topic 'nope' does not exist/);
  });

  it('UNKNOWN_TOPIC_OR_PARTITION for a partition beyond the partition count', () => {
    rejects(
      world(),
      send({ partition: 3 }),
      'UNKNOWN_TOPIC_OR_PARTITION',
      /3 partition\(s\): there is no partition 3/,
    );
  });

  it('the highest existing partition is fine', () => {
    const sim = world();
    sim.dispatch(send({ partition: 2 }));
    sim.runFor(30);
    expect(sim.events().some((e) => e.type === 'producer.acked' && e.partition === 2)).toBe(true);
  });
});

describe('enqueueRecords', () => {
  it('throws like producer.send for an unknown or crashed producer', () => {
    const sim = world();
    expect(() => enqueueRecords(sim, 'ghost', 'orders', [])).toThrow(/no producer "ghost"/);
    sim.dispatch({ type: 'node.crash', node: 'producer:p1' });
    expect(() => enqueueRecords(sim, 'p1', 'orders', [])).toThrow(/is down/);
  });
});
