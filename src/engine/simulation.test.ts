import { describe, expect, it } from 'vitest';
import { createSimulation, EngineError, replaySimulation, type Command } from './index';

function expectError(fn: () => unknown, code: string, message?: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe(code);
    if (message) expect((e as EngineError).message).toMatch(message);
    return;
  }
  throw new Error(`expected EngineError ${code}`);
}

describe('dispatch rejects bad input with a code and carries on unharmed', () => {
  const bad: [string, unknown, string, RegExp][] = [
    ['not an object', 'broker.crash', 'INVALID_COMMAND', /object/],
    ['no type', { broker: 1 }, 'INVALID_COMMAND', /type/],
    ['unknown type', { type: 'broker.explode', broker: 1 }, 'UNKNOWN_COMMAND', /broker\.explode/],
    ['missing field', { type: 'broker.crash' }, 'INVALID_COMMAND', /missing field "broker"/],
    ['wrong type', { type: 'broker.crash', broker: '1' }, 'INVALID_COMMAND', /"broker" must be an integer/],
    ['unknown field', { type: 'network.heal', now: true }, 'INVALID_COMMAND', /unknown field "now"/],
    ['unknown broker', { type: 'broker.crash', broker: 9 }, 'UNKNOWN_NODE', /broker-9/],
    ['unknown node', { type: 'node.crash', node: 'consumer:ghost' }, 'UNKNOWN_NODE', /consumer:ghost/],
    [
      'restart a running broker',
      { type: 'broker.restart', broker: 1 },
      'INVALID_NODE_STATE',
      /already running/,
    ],
    [
      'bad loss rate',
      { type: 'link.configure', from: 'broker-1', to: 'broker-2', lossRate: 2 },
      'INVALID_COMMAND',
      /0 to 1/,
    ],
    [
      'node in two sides',
      { type: 'network.partition', sides: [['broker-1'], ['broker-1']] },
      'INVALID_COMMAND',
      /more than one side/,
    ],
    ['empty sides', { type: 'network.partition', sides: [] }, 'INVALID_COMMAND', /at least 1/],
    [
      'cut to self',
      { type: 'network.cut', from: 'broker-1', to: 'broker-1' },
      'INVALID_COMMAND',
      /same node/,
    ],
    [
      'prototype pollution',
      JSON.parse('{"type":"network.heal","__proto__":{"x":1}}'),
      'INVALID_COMMAND',
      /__proto__/,
    ],
  ];

  it.each(bad)('%s', (_name, command, code, message) => {
    const sim = createSimulation({ seed: 1, brokers: 3 });
    sim.runFor(100);
    const before = { trace: sim.events().length, snap: sim.snapshot(), log: sim.commandLog() };
    expectError(() => sim.dispatch(command as Command), code, message);
    expect(sim.events().length).toBe(before.trace);
    expect(sim.snapshot()).toEqual(before.snap);
    expect(sim.commandLog()).toEqual(before.log);
    // ...and a normal run afterwards works.
    sim.dispatch({ type: 'broker.crash', broker: 2 });
    sim.runFor(100);
    expect(sim.snapshot().nodes.find((n) => n.id === 'broker-2')?.alive).toBe(false);
  });

  it('rejects bad options', () => {
    expectError(() => createSimulation({ seed: 1.5, brokers: 3 }), 'INVALID_OPTIONS', /seed/);
    expectError(() => createSimulation({ seed: 1, brokers: 0 }), 'INVALID_OPTIONS', /brokers/);
    expectError(
      () => createSimulation({ seed: 1, brokers: 3, network: { lossRate: -1 } }),
      'INVALID_OPTIONS',
    );
  });
});

describe('the facade', () => {
  it('crashes and restarts brokers, with events named after the commands', () => {
    const sim = createSimulation({ seed: 1, brokers: 3 });
    const id = sim.dispatch({ type: 'broker.crash', broker: 3 });
    expect(sim.events().slice(-2)).toMatchObject([
      { type: 'command.accepted', commandId: id, command: { type: 'broker.crash', broker: 3 } },
      { type: 'broker.crashed', node: 'broker-3' },
    ]);
    sim.runFor(50);
    const since = sim.events().length;
    sim.dispatch({ type: 'broker.restart', broker: 3 });
    expect(sim.events(since).slice(0, 2)).toMatchObject([
      { type: 'command.accepted' },
      { type: 'broker.restarted', node: 'broker-3', atMs: 50 },
    ]);
    expect(sim.snapshot().nodes.find((n) => n.id === 'broker-3')).toMatchObject({
      alive: true,
      incarnation: 2,
    });
  });

  it('records network faults in the snapshot and clears them on heal', () => {
    const sim = createSimulation({ seed: 1, brokers: 3 });
    sim.dispatch({ type: 'network.partition', sides: [['broker-1'], ['broker-2', 'broker-3']] });
    sim.dispatch({ type: 'network.cut', from: 'controller-1', to: 'broker-2', oneWay: true });
    sim.dispatch({ type: 'link.configure', from: 'broker-1', to: 'broker-2', latencyMs: 300 });
    let net = sim.snapshot().network;
    expect(net.partitionSides).toEqual([['broker-1'], ['broker-2', 'broker-3']]);
    expect(net.cuts).toEqual([{ from: 'controller-1', to: 'broker-2' }]);
    expect(net.links).toEqual([{ from: 'broker-1', to: 'broker-2', latencyMs: 300 }]);
    sim.dispatch({ type: 'network.heal' });
    net = sim.snapshot().network;
    expect(net.partitionSides).toEqual([]);
    expect(net.cuts).toEqual([]);
    expect(net.links).toHaveLength(1);
  });

  it('link.configure with null puts a link setting back to the normal network', () => {
    const sim = createSimulation({ seed: 1, brokers: 3 });
    const link = { type: 'link.configure', from: 'broker-1', to: 'broker-2' } as const;
    sim.dispatch({ ...link, latencyMs: 300, lossRate: 0.5 });
    sim.dispatch({ ...link, latencyMs: null });
    expect(sim.snapshot().network.links).toEqual([{ from: 'broker-1', to: 'broker-2', lossRate: 0.5 }]);
    sim.dispatch({ ...link, lossRate: null });
    expect(sim.snapshot().network.links).toEqual([]);
    expect(() => sim.dispatch({ ...link, latencyMs: -1 })).toThrow(/latencyMs.*an integer ≥ 0 or null/);
  });

  it('runUntil stops when the condition holds or the time is up', () => {
    const sim = createSimulation({ seed: 1, brokers: 1 });
    expect(sim.runUntil((s) => s.now() >= 250, 1000)).toBe(true);
    expect(sim.now()).toBeLessThanOrEqual(1000);
    expect(sim.runUntil(() => false, 500)).toBe(false);
  });

  it('a command log replays into an identical session', () => {
    const sim = createSimulation({ seed: 9, brokers: 3 });
    sim.runFor(100);
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    sim.runFor(250);
    sim.dispatch({ type: 'network.cut', from: 'broker-2', to: 'broker-3' });
    sim.step();
    sim.dispatch({ type: 'broker.restart', broker: 1 });
    sim.runFor(400);
    const copy = replaySimulation({ seed: 9, brokers: 3 }, sim.commandLog());
    copy.runFor(sim.now() - copy.now());
    expect(copy.events()).toEqual(sim.events());
    expect(copy.snapshot()).toEqual(sim.snapshot());
  });
});
