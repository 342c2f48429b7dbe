/**
 * Command validation of the consumer.* commands: each error code, and a rejected command leaves the
 * simulation exactly as it was (snapshot, trace, command log, node state, schedule).
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { Simulation } from '../simulation';
import type { Command } from '../types';
import { consumeWorld, fakeAppend } from './consumer-fake-cluster';

/** A world with `orders` (3 partitions), group consumer `c1` subscribed, manual consumer `m1`. */
function world(): Simulation {
  const sim = consumeWorld();
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c1',
    groupId: 'g',
    config: { 'heartbeat.interval.ms': 100, 'session.timeout.ms': 6000 },
  });
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] });
  sim.dispatch({ type: 'consumer.create', consumer: 'm1' });
  sim.dispatch({ type: 'consumer.assign', consumer: 'm1', partitions: [{ topic: 'orders', partition: 0 }] });
  sim.dispatch({ type: 'consumer.create', consumer: 'nogroup' });
  sim.runFor(300);
  return sim;
}

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

describe('consumer.create', () => {
  it('adds consumer:<name> with its config; the snapshot lists it', () => {
    const sim = consumeWorld();
    sim.dispatch({ type: 'consumer.create', consumer: 'c1', groupId: 'g' });
    expect(sim.kernel.node('consumer:c1')).toMatchObject({ kind: 'consumer', alive: true });
    expect(sim.snapshot().consumers).toEqual([
      {
        id: 'c1',
        node: 'consumer:c1',
        alive: true,
        groupId: 'g',
        memberId: null,
        generation: -1,
        state: 'unsubscribed',
        error: null,
        processingUntilMs: null,
        assignment: [],
        received: 0,
      },
    ]);
  });

  it('DUPLICATE_NODE for an existing consumer', () =>
    rejects(world(), { type: 'consumer.create', consumer: 'c1' }, 'DUPLICATE_NODE', /"c1" already exists/));

  it('DUPLICATE_NODE for a closed consumer too', () => {
    const sim = world();
    sim.dispatch({ type: 'consumer.close', consumer: 'm1' });
    rejects(
      sim,
      { type: 'consumer.create', consumer: 'm1' },
      'DUPLICATE_NODE',
      /\(closed\): choose another name/,
    );
  });

  it('INVALID_CONFIG for a bad config', () =>
    rejects(
      world(),
      { type: 'consumer.create', consumer: 'c9', groupId: 'g', config: { 'auto.offset.reset': 'smallest' } },
      'INVALID_CONFIG',
      /auto\.offset\.reset/,
    ));

  it('INVALID_CONFIG for auto-commit without a group', () =>
    rejects(
      world(),
      { type: 'consumer.create', consumer: 'c9', config: { 'enable.auto.commit': true } },
      'INVALID_CONFIG',
      /default group id \(null\)/,
    ));
});

describe('consumer.subscribe', () => {
  it('UNKNOWN_NODE', () =>
    rejects(
      world(),
      { type: 'consumer.subscribe', consumer: 'x', topics: ['orders'] },
      'UNKNOWN_NODE',
      /no consumer "x"/,
    ));
  it('INVALID_COMMAND without a group id', () =>
    rejects(
      world(),
      { type: 'consumer.subscribe', consumer: 'nogroup', topics: ['orders'] },
      'INVALID_COMMAND',
      /must provide a valid group\.id/,
    ));
  it('UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist', () =>
    rejects(
      world(),
      { type: 'consumer.subscribe', consumer: 'c1', topics: ['orders', 'nope'] },
      'UNKNOWN_TOPIC_OR_PARTITION',
      /Topic 'nope' does not exist/,
    ));
  it('INVALID_NODE_STATE for a consumer with a manual assignment', () => {
    const sim = world();
    sim.dispatch({ type: 'consumer.create', consumer: 'm2', groupId: 'g2' });
    sim.dispatch({
      type: 'consumer.assign',
      consumer: 'm2',
      partitions: [{ topic: 'orders', partition: 1 }],
    });
    rejects(
      sim,
      { type: 'consumer.subscribe', consumer: 'm2', topics: ['orders'] },
      'INVALID_NODE_STATE',
      /mutually exclusive/,
    );
  });
  it('INVALID_NODE_STATE for a crashed consumer', () => {
    const sim = world();
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    rejects(
      sim,
      { type: 'consumer.subscribe', consumer: 'c1', topics: ['orders'] },
      'INVALID_NODE_STATE',
      /consumer:c1 is down/,
    );
  });
});

describe('consumer.assign', () => {
  it('UNKNOWN_TOPIC_OR_PARTITION for a partition beyond the count', () =>
    rejects(
      world(),
      { type: 'consumer.assign', consumer: 'm1', partitions: [{ topic: 'orders', partition: 3 }] },
      'UNKNOWN_TOPIC_OR_PARTITION',
      /3 partition\(s\): there is no partition 3/,
    ));
  it('UNKNOWN_TOPIC_OR_PARTITION for an unknown topic', () =>
    rejects(
      world(),
      { type: 'consumer.assign', consumer: 'm1', partitions: [{ topic: 'nope', partition: 0 }] },
      'UNKNOWN_TOPIC_OR_PARTITION',
      /Topic 'nope' does not exist/,
    ));
  it('INVALID_NODE_STATE for a subscribed consumer', () =>
    rejects(
      world(),
      { type: 'consumer.assign', consumer: 'c1', partitions: [{ topic: 'orders', partition: 0 }] },
      'INVALID_NODE_STATE',
      /mutually exclusive/,
    ));
  it('UNKNOWN_NODE', () =>
    rejects(
      world(),
      { type: 'consumer.assign', consumer: 'x', partitions: [] },
      'UNKNOWN_NODE',
      /no consumer "x"/,
    ));
});

describe('consumer.seek', () => {
  const seek = (partition: number, to: Extract<Command, { type: 'consumer.seek' }>['to']): Command => ({
    type: 'consumer.seek',
    consumer: 'm1',
    topic: 'orders',
    partition,
    to,
  });
  it('INVALID_NODE_STATE for a partition not assigned to the consumer', () =>
    rejects(world(), seek(1, 0), 'INVALID_NODE_STATE', /^No current assignment for partition orders-1$/));
  it('INVALID_COMMAND for a negative timestamp', () =>
    rejects(world(), seek(0, { timestampMs: -5 }), 'INVALID_COMMAND', /The target time cannot be negative/));
  it('UNKNOWN_NODE', () =>
    rejects(world(), { ...seek(0, 0), consumer: 'x' } as Command, 'UNKNOWN_NODE', /no consumer "x"/));
  it('is accepted for an assigned partition', () => {
    const sim = world();
    fakeAppend(sim, 'orders', 0, ['a', 'b']);
    sim.dispatch(seek(0, 1));
    expect(
      sim.events().some((e) => e.type === 'consumer.positionSet' && e.reason === 'seek' && e.offset === 1),
    ).toBe(true);
  });
});

describe('consumer.commit', () => {
  it('INVALID_COMMAND without a group id', () =>
    rejects(
      world(),
      { type: 'consumer.commit', consumer: 'nogroup' },
      'INVALID_COMMAND',
      /must provide a valid group\.id/,
    ));
  it('UNKNOWN_TOPIC_OR_PARTITION for offsets of an unknown partition', () =>
    rejects(
      world(),
      { type: 'consumer.commit', consumer: 'c1', offsets: [{ topic: 'orders', partition: 7, offset: 1 }] },
      'UNKNOWN_TOPIC_OR_PARTITION',
      /no partition 7/,
    ));
  it('UNKNOWN_NODE', () =>
    rejects(world(), { type: 'consumer.commit', consumer: 'x' }, 'UNKNOWN_NODE', /no consumer "x"/));
});

describe('consumer.close and consumer.crash', () => {
  it('close: INVALID_NODE_STATE once closed; the snapshot says closed', () => {
    const sim = world();
    sim.dispatch({ type: 'consumer.close', consumer: 'm1' });
    expect(sim.snapshot().consumers.find((c) => c.id === 'm1')!.state).toBe('closed');
    rejects(sim, { type: 'consumer.close', consumer: 'm1' }, 'INVALID_NODE_STATE', /"m1" is closed/);
    rejects(sim, { type: 'consumer.crash', consumer: 'm1' }, 'INVALID_NODE_STATE', /"m1" is closed/);
  });
  it('close: INVALID_NODE_STATE while closing (waiting for LeaveGroup)', () => {
    const sim = world();
    sim.runFor(500);
    sim.dispatch({ type: 'consumer.close', consumer: 'c1' });
    rejects(sim, { type: 'consumer.close', consumer: 'c1' }, 'INVALID_NODE_STATE', /"c1" is closing/);
  });
  it('crash: INVALID_NODE_STATE when already down; UNKNOWN_NODE for nobody', () => {
    const sim = world();
    sim.dispatch({ type: 'consumer.crash', consumer: 'c1' });
    expect(sim.snapshot().consumers.find((c) => c.id === 'c1')).toMatchObject({
      alive: false,
      assignment: [],
    });
    rejects(sim, { type: 'consumer.crash', consumer: 'c1' }, 'INVALID_NODE_STATE', /already down/);
    rejects(sim, { type: 'consumer.crash', consumer: 'x' }, 'UNKNOWN_NODE', /no consumer "x"/);
    rejects(sim, { type: 'consumer.close', consumer: 'c1' }, 'INVALID_NODE_STATE', /is down/);
  });
});
