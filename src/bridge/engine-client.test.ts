import { describe, expect, it } from 'vitest';
import { EngineClient, type EnginePort } from './engine-client';
import { EngineHost } from '../worker/engine-host';
import type { BatchMessage, WorkerMessage, WorkerRequest } from './protocol';
import { LocalLockRegistry } from './session-locks';
import { MemorySessionStore } from '../worker/session-store';

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

const batch = (
  cause: BatchMessage['cause'],
  nowMs: number,
  extra: Partial<BatchMessage> = {},
): BatchMessage => ({
  type: 'batch',
  cause,
  batch: {
    events: [],
    reset: false,
    origin: { line: 1, from: 0 },
    traceLength: 0,
    nowMs,
    snapshot: { nowMs, seed: 1, nodes: [] } as never,
    timeline: { endMs: nowMs, inPast: false, canRestoreFuture: false, faults: [] },
  },
  ...extra,
});

describe('the engine client', () => {
  it('keeps one advance in flight and sends the time owed meanwhile as one request', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.advance(16);
    client.advance(17);
    client.advance(16);
    expect(sent).toEqual([{ type: 'advance', ms: 16 }]);
    reply(batch('advance', 16));
    expect(sent.at(-1)).toEqual({ type: 'advance', ms: 33 });
    reply(batch('advance', 49));
    expect(sent).toHaveLength(2);
  });

  it('drops time beyond the cap instead of owing it, so a slow engine cannot spiral', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.advance(16, 100);
    for (let i = 0; i < 20; i++) client.advance(16, 100);
    reply(batch('advance', 16));
    expect(sent.at(-1)).toEqual({ type: 'advance', ms: 100 });
  });

  it('pursues only the newest seek target while one is in flight, and continues an unfinished one', () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    client.seek(100);
    client.seek(200);
    client.seek(300);
    expect(sent).toEqual([{ type: 'seek', atMs: 100 }]);
    reply(batch('seek', 100, { done: true }));
    expect(sent.at(-1)).toEqual({ type: 'seek', atMs: 300 });
    reply(batch('seek', 250, { done: false })); // out of budget on the way
    expect(sent.at(-1)).toEqual({ type: 'seek', atMs: 300 });
    reply(batch('seek', 300, { done: true }));
    expect(sent).toHaveLength(3);
  });

  it('continues a run sliced by the budget with the same deadline, until it is done', async () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    const done = client.run({ kind: 'eventType', eventType: 'partition.changed' }, 60_000);
    expect(sent).toEqual([
      { type: 'run', condition: { kind: 'eventType', eventType: 'partition.changed' }, limitMs: 60_000 },
    ]);
    reply(batch('run', 500, { run: 'budget', untilMs: 60_000 }));
    expect(sent.at(-1)).toMatchObject({ type: 'run', untilMs: 60_000 });
    reply(batch('run', 900, { run: 'matched', untilMs: 60_000 }));
    await expect(done).resolves.toBe('matched');
  });

  it('stops a run that was cancelled at its next slice', async () => {
    const { port, sent, reply } = manualPort();
    const client = new EngineClient(port, () => {});
    const done = client.run({ kind: 'event' }, 1000);
    client.cancelRun();
    reply(batch('run', 5, { run: 'budget', untilMs: 1000 }));
    expect(sent).toHaveLength(1);
    await expect(done).resolves.toBe('cancelled');
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

  it('talks to a real host over a MessageChannel: commands, export and a refused load resolve their promises', async () => {
    const channel = new MessageChannel();
    const host = new EngineHost({
      post: (m) => channel.port2.postMessage(m),
      openStore: async () => ({ store: new MemorySessionStore(), persistent: false, reason: 'test' }),
      locks: new LocalLockRegistry().tab(),
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
    client.init({ kind: 'fresh', session: { options: { seed: 3, brokers: 3 }, atMs: 50 } });
    await ready;
    await expect(client.dispatch({ type: 'broker.crash', broker: 1 })).resolves.toEqual({
      ok: true,
      commandId: 1,
    });
    await expect(client.dispatch({ type: 'broker.crash', broker: 1 })).resolves.toMatchObject({
      ok: false,
      code: 'INVALID_NODE_STATE',
    });
    const scenario = await client.exportScenario();
    expect(scenario).toMatchObject({ format: 'streamlab.scenario', atMs: 50, commands: [{ atMs: 50 }] });
    if ('error' in scenario) throw new Error(scenario.error);
    const refused = await client.load({ ...scenario, options: { seed: 3, brokers: 0 } });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/brokers/) });
    expect(seen.map((m) => m.type)).toEqual(['ready', 'dispatched', 'rejected', 'exported', 'loadFailed']);
    channel.port1.close();
  });
});
