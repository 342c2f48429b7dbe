import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { replaySimulation, type SimulationOptions } from '../engine';
import { CURRENT_SESSION_ID, EngineHost } from './engine-host';
import type { WorkerMessage } from './protocol';
import { MemorySessionStore, openSessionStore, type SessionStore, type OpenedStore } from './session-store';

const options: SimulationOptions = { seed: 1, brokers: 3 };
let dbCount = 0;

/** A host wired to a message list, with a store of its own. */
function hostWith(open: () => Promise<OpenedStore>) {
  const messages: WorkerMessage[] = [];
  const host = new EngineHost({ post: (m) => messages.push(structuredClone(m)), openStore: open });
  return { host, messages };
}

async function idbHost() {
  const store = await openSessionStore(`streamlab-host-test-${++dbCount}`);
  return { ...hostWith(async () => ({ store, persistent: true })), store };
}

function only<T extends WorkerMessage['type']>(messages: WorkerMessage[], type: T) {
  return messages.filter((m): m is Extract<WorkerMessage, { type: T }> => m.type === type);
}

describe('the engine host', () => {
  it('starts the simulation, runs it to the pinned time and reports ready with one batch', async () => {
    const { host, messages } = await idbHost();
    await host.receive({ type: 'init', options, atMs: 1000 });
    expect(messages).toHaveLength(1);
    const [ready] = only(messages, 'ready');
    expect(ready?.storage).toEqual({ persistent: true });
    expect(ready?.batch.nowMs).toBe(1000);
    expect(ready?.batch.snapshot.seed).toBe(1);
    expect(ready?.batch.snapshot.nodes.filter((n) => n.kind === 'broker')).toHaveLength(3);
  });

  it('answers each advance with exactly one batch, and never sends an event twice', async () => {
    const { host, messages } = await idbHost();
    await host.receive({ type: 'init', options });
    for (const ms of [16, 17, 250, 0, 1000]) await host.receive({ type: 'advance', ms });
    const batches = only(messages, 'batch');
    expect(batches.map((b) => b.batch.nowMs)).toEqual([16, 33, 283, 283, 1283]);
    const seqs = [...only(messages, 'ready'), ...batches].flatMap((m) => m.batch.events.map((e) => e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('reports a rejected command with the engine’s code and keeps running', async () => {
    const { host, messages } = await idbHost();
    await host.receive({ type: 'init', options });
    await host.receive({ type: 'dispatch', requestId: 7, command: { type: 'broker.crash', broker: 42 } });
    await host.receive({ type: 'advance', ms: 10 });
    const [rejected] = only(messages, 'rejected');
    expect(rejected).toMatchObject({ requestId: 7, code: 'UNKNOWN_NODE' });
    expect(rejected?.message).toMatch(/broker-42/);
    expect(only(messages, 'batch')[0]?.batch.nowMs).toBe(10);
    expect(only(messages, 'fault')).toEqual([]);
  });

  it('applies an accepted command at once and saves it, so the session can be replayed', async () => {
    const { host, messages, store } = await idbHost();
    await host.receive({ type: 'init', options, atMs: 200 });
    await host.receive({ type: 'dispatch', requestId: 1, command: { type: 'broker.crash', broker: 2 } });
    await host.receive({ type: 'advance', ms: 300 });
    const [dispatched] = only(messages, 'dispatched');
    expect(dispatched?.requestId).toBe(1);
    expect(dispatched?.batch.events.map((e) => e.type)).toContain('command.accepted');
    expect(dispatched?.batch.snapshot.nodes.find((n) => n.id === 'broker-2')?.alive).toBe(false);

    await host.flushed();
    const saved = await store.loadSession(CURRENT_SESSION_ID);
    expect(saved?.options).toEqual(options);
    expect(saved?.commandLog.map((c) => c.command)).toEqual([{ type: 'broker.crash', broker: 2 }]);

    if (!saved) throw new Error('the session was not saved');
    const replayed = replaySimulation(saved.options, saved.commandLog);
    replayed.runFor(500 - replayed.now());
    expect(replayed.snapshot()).toEqual(only(messages, 'batch').at(-1)?.batch.snapshot);
  });

  it('reports misuse as a fault instead of dying', async () => {
    const { host, messages } = await idbHost();
    await host.receive({ type: 'advance', ms: 10 });
    await host.receive({ hello: 'world' });
    await host.receive({ type: 'init', options: { seed: 1, brokers: 0 } });
    await host.receive({ type: 'init', options });
    await host.receive({ type: 'advance', ms: -5 });
    await host.receive({ type: 'advance', ms: 5 });
    expect(messages.map((m) => m.type)).toEqual(['fault', 'fault', 'fault', 'ready', 'fault', 'batch']);
    expect(only(messages, 'fault')[0]).toMatchObject({ request: 'advance', message: /not been started/ });
    expect(only(messages, 'fault')[2]?.message).toMatch(/brokers/);
  });

  it('runs in memory and says so when IndexedDB cannot open', async () => {
    const { host, messages } = hostWith(async () => ({
      store: new MemorySessionStore(),
      persistent: false,
      reason: 'private mode',
    }));
    await host.receive({ type: 'init', options });
    expect(only(messages, 'ready')[0]?.storage).toEqual({ persistent: false, reason: 'private mode' });
  });

  it('falls back to memory when a write fails later, keeps the log and tells the UI', async () => {
    const failing: SessionStore = {
      persistent: true,
      saveSession: async () => {},
      appendCommands: async () => {
        throw new Error('QuotaExceededError');
      },
      loadSession: async () => undefined,
      deleteSession: async () => {},
      close: () => {},
    };
    const { host, messages } = hostWith(async () => ({ store: failing, persistent: true }));
    await host.receive({ type: 'init', options });
    await host.receive({ type: 'dispatch', requestId: 1, command: { type: 'broker.crash', broker: 1 } });
    await host.receive({ type: 'dispatch', requestId: 2, command: { type: 'broker.crash', broker: 3 } });
    await host.flushed();
    expect(only(messages, 'storage')).toEqual([
      { type: 'storage', storage: { persistent: false, reason: 'QuotaExceededError' } },
    ]);
    expect(only(messages, 'dispatched')).toHaveLength(2);
    expect(only(messages, 'fault')).toEqual([]);
  });
});
