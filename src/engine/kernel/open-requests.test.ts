import { describe, expect, it } from 'vitest';
import { Kernel, type NodeBehaviour } from './kernel';

/**
 * `test:client` asks `test:server`, which holds the request (as a long poll would) and never
 * answers; the client records every request whose connection was reset.
 */
const behaviour: NodeBehaviour<{ resets: number[] }, Record<string, never>> = {
  start: (ctx, self) => {
    if (self.id === 'test:client') ctx.send('test:server', 'Ping', { n: 0 });
    return {};
  },
  onMessage: () => {},
  onTimer: () => {},
  onUndeliverable: (_ctx, self, msg) => {
    self.durable.resets.push(msg.id);
  },
};

describe('open requests', () => {
  it('a node that crashes while holding a request resets its sender at once', () => {
    const k = new Kernel({ seed: 1, behaviours: { test: behaviour } });
    k.addNode('test:server', 'test', { resets: [] });
    k.addNode('test:client', 'test', { resets: [] });
    k.runFor(100);
    const resets = (k.node('test:client')!.durable as { resets: number[] }).resets;
    expect(resets).toEqual([]);
    k.crash('test:server');
    expect(resets).toEqual([1]);
  });
});
