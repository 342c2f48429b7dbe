import { describe, expect, it } from 'vitest';
import { crashOrRestart, linkCommand, splitCommand } from './fault-commands';

describe('fault commands', () => {
  it('crashes brokers by number and other nodes by id', () => {
    expect(crashOrRestart({ id: 'broker-2', kind: 'broker', alive: true, incarnation: 1 })).toEqual({
      type: 'broker.crash',
      broker: 2,
    });
    expect(crashOrRestart({ id: 'broker-2', kind: 'broker', alive: false, incarnation: 1 })).toEqual({
      type: 'broker.restart',
      broker: 2,
    });
    expect(crashOrRestart({ id: 'controller-1', kind: 'controller', alive: true, incarnation: 1 })).toEqual({
      type: 'node.crash',
      node: 'controller-1',
    });
  });

  it('splits into the moved nodes and the rest', () => {
    const nodes = ['controller-1', 'broker-1', 'broker-2'];
    expect(splitCommand(nodes, new Set(['broker-2']))).toEqual({
      type: 'network.partition',
      sides: [['controller-1', 'broker-1'], ['broker-2']],
    });
    expect(splitCommand(nodes, new Set())).toBeUndefined();
  });

  it('turns a loss percentage into a rate and leaves blank fields out', () => {
    expect(linkCommand('broker-1', 'broker-2', '300', '')).toEqual({
      type: 'link.configure',
      from: 'broker-1',
      to: 'broker-2',
      latencyMs: 300,
    });
    expect(linkCommand('broker-1', 'broker-2', '', '25')).toMatchObject({ lossRate: 0.25 });
  });
});
