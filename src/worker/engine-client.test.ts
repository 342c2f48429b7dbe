import { describe, expect, it } from 'vitest';
import { EngineClient, type EnginePort } from './engine-client';
import { EngineHost } from './engine-host';
import type { WorkerMessage, WorkerRequest } from './protocol';
import { MemorySessionStore } from './session-store';

/** A port whose replies the test delivers by hand, to control timing exactly. */
function manualPort() {
  const sent: WorkerRequest[] = [];
  let deliver: (data: unknown) => void = () => {};
  const port: EnginePort = {
    postMessage: (m) => sent.push(structuredClone(m)),
    addEventListener: (_type, listener) => {
      deliver = (data) => listener(new MessageEvent('message', { data }));
    },
  };
  return { port, sent, reply: (m: WorkerMessage) => deliver(m) };
}

const emptyBatch = (nowMs: number) => ({
  type: 'batch' as const,
  batch: { events: [], nowMs, snapshot: { nowMs, seed: 1, nodes: [] } as never },
});

describe('the engine client', () => {
  it('keeps one advance in flight and sends the time owed meanwhile as one request', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.advance(16);
    client.advance(17);
    client.advance(16);
    expect(sent).toEqual([{ type: 'advance', ms: 16 }]);
    reply(emptyBatch(16));
    expect(sent.at(-1)).toEqual({ type: 'advance', ms: 33 });
    reply(emptyBatch(49));
    expect(sent).toHaveLength(2);
  });

  it('drops time beyond the cap instead of owing it, so a slow engine cannot spiral', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.advance(16, 100);
    for (let i = 0; i < 20; i++) client.advance(16, 100);
    reply(emptyBatch(16));
    expect(sent.at(-1)).toEqual({ type: 'advance', ms: 100 });
  });

  it('does not stay stuck when an advance faults', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.advance(10);
    reply({ type: 'fault', message: 'boom', request: 'advance' });
    client.advance(10);
    expect(sent).toHaveLength(2);
  });

  it('ignores messages that are not part of the protocol', () => {
    const { port, reply } = manualPort();
    const seen: WorkerMessage[] = [];
    new EngineClient(port, (m) => seen.push(m));
    reply({ type: 'nonsense' } as never);
    expect(seen).toEqual([]);
  });

  it('talks to a real host over a MessageChannel: accepted and rejected commands resolve their promises', async () => {
    const channel = new MessageChannel();
    const host = new EngineHost({
      post: (m) => channel.port2.postMessage(m),
      openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'test' }),
    });
    channel.port2.onmessage = (event) => void host.receive(event.data);
    const seen: WorkerMessage[] = [];
    let onReady = () => {};
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const client = new EngineClient(channel.port1, (m) => {
      seen.push(m);
      if (m.type === 'ready') onReady();
    });
    channel.port1.start(); // addEventListener, unlike onmessage, does not start a MessagePort
    client.init({ seed: 3, brokers: 3 }, 50);
    await ready;
    await expect(client.dispatch({ type: 'broker.crash', broker: 1 })).resolves.toEqual({
      ok: true,
      commandId: 1,
    });
    await expect(client.dispatch({ type: 'broker.crash', broker: 1 })).resolves.toMatchObject({
      ok: false,
      code: 'INVALID_NODE_STATE',
    });
    expect(seen.map((m) => m.type)).toEqual(['ready', 'dispatched', 'rejected']);
    channel.port1.close();
  });
});
