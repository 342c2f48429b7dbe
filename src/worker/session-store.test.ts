import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimedCommand } from '../engine';
import { stampedBatches } from '../engine/testing/log-store-contract';
import { DB_VERSION, MIGRATIONS, openStreamLabDb } from './db';
import type { StoredKeyframe } from './keyframes';
import {
  MemorySessionStore,
  openSessionStore,
  openStoreOrMemory,
  type SessionStore,
  type StoredSession,
} from './session-store';

const crash = (broker: number, atMs: number, processed: number): TimedCommand => ({
  atMs,
  processed,
  command: { type: 'broker.crash', broker },
});

const session = (
  id: string,
  commandLog: TimedCommand[] = [],
  extra: Partial<StoredSession> = {},
): StoredSession => ({
  id,
  options: { seed: 7, brokers: 3, network: { latencyMsMin: 2, latencyMsMax: 6 } },
  commandLog,
  endMs: commandLog.at(-1)?.atMs ?? 0,
  updatedAt: 0,
  ...extra,
});

// Every test gets a database of its own, so tests never see each other's sessions.
let dbCount = 0;
const opened: SessionStore[] = [];
let wallMs = 1000;
async function freshStore(name = `streamlab-test-${++dbCount}`): Promise<SessionStore> {
  const store = await openSessionStore(name, () => wallMs++);
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('the IndexedDB session store', () => {
  it('stores a session’s options, command log and position and reads them back', async () => {
    const store = await freshStore();
    const saved = session('s', [crash(1, 120, 4), crash(2, 300, 9)], {
      position: { actions: 14, nowMs: 310, commands: 2 },
      endMs: 400,
    });
    await store.saveSession(saved);
    expect(await store.loadSession('s')).toEqual({ ...saved, updatedAt: expect.any(Number) });
    expect(store.persistent).toBe(true);
  });

  it('answers undefined for a session it never saw', async () => {
    const store = await freshStore();
    expect(await store.loadSession('nope')).toBeUndefined();
  });

  it('appends commands, and a fork rewrites the log from where it forked', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1)]));
    await store.writeCommands('s', 1, [crash(2, 20, 2), crash(3, 30, 3)]);
    await store.writeCommands('s', 2, [crash(1, 25, 2)]);
    expect((await store.loadSession('s'))?.commandLog.map((c) => c.atMs)).toEqual([10, 20, 25]);
  });

  it('refuses a write that would leave a gap, and changes nothing', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1)]));
    await expect(store.writeCommands('s', 3, [crash(2, 20, 2)])).rejects.toThrow(/cannot write at 3/);
    const again = await freshStore(); // the failed queue refuses everything after: use another store
    await again.saveSession(session('t', [crash(1, 10, 1)]));
    await expect(again.writeCommands('other', 0, [crash(2, 20, 2)])).rejects.toThrow(/no stored session/);
    expect((await store.loadSession('s'))?.commandLog).toEqual([crash(1, 10, 1)]);
  });

  it('lists sessions newest first and deletes one with everything it owns', async () => {
    const store = await freshStore();
    await store.saveSession(session('a', [crash(1, 10, 1)]));
    await store.saveSession(session('b', [crash(2, 20, 2)]));
    const logs = await store.openLogStore('a');
    await logs?.append('broker-1/t-0', stampedBatches(0, 2, 10));
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['b', 'a']);
    await store.deleteSession('a');
    expect(await store.loadSession('a')).toBeUndefined();
    expect((await store.loadSession('b'))?.commandLog).toEqual([crash(2, 20, 2)]);
    expect(await (await store.openLogStore('a'))?.logs()).toEqual([]);
  });

  it('never keeps a position that needs a command it does not have', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1)]));
    await store.savePosition('s', { actions: 40, nowMs: 50, commands: 2 }, 60);
    const loaded = await store.loadSession('s');
    expect(loaded?.position).toBeUndefined();
    expect(loaded?.endMs).toBe(60);
  });
});

describe('a torn write (the tab closed in the middle of writing)', () => {
  it('leaves a consistent prefix: the commands up to the first missing one, and no position past them', async () => {
    const name = `streamlab-test-${++dbCount}`;
    const store = await freshStore(name);
    await store.saveSession(session('s', [crash(1, 10, 1)]));
    await store.writeCommands('s', 1, [crash(2, 20, 2), crash(3, 30, 3), crash(1, 40, 4)]);
    await store.savePosition('s', { actions: 44, nowMs: 45, commands: 4 }, 50);
    // What a tear can look like at the record level: a later command survived, an earlier one not,
    // and the session record claims more than is there.
    const db = await openDB(name);
    await db.delete('commands', ['s', 2]);
    db.close();
    const loaded = await (await freshStore(name)).loadSession('s');
    expect(loaded?.commandLog.map((c) => c.atMs)).toEqual([10, 20]);
    expect(loaded?.position).toBeUndefined(); // it needed 4 commands
  });

  it('never lets a later write land after an earlier one failed', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1)]));
    const writes = [
      store.writeCommands('s', 5, [crash(2, 20, 2)]), // fails: a gap
      store.writeCommands('s', 1, [crash(3, 30, 3)]), // would succeed on its own
    ];
    const results = await Promise.allSettled(writes);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await store.loadSession('s'))?.commandLog).toEqual([crash(1, 10, 1)]);
  });
});

describe('the schema', () => {
  it('is at version 3, one migration per version', () => {
    expect(DB_VERSION).toBe(3);
    expect(MIGRATIONS).toHaveLength(DB_VERSION);
  });

  it('creates every store on first open', async () => {
    const name = `streamlab-test-${++dbCount}`;
    (await openStreamLabDb(name)).close();
    const db = await openDB(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'commands',
      'keyframes',
      'logs',
      'segments',
      'sessions',
    ]);
    db.close();
  });

  it('upgrades a version 1 database and keeps its session, which resumes at the end of its log', async () => {
    const name = `streamlab-test-${++dbCount}`;
    // A database exactly as version 1 of StreamLab left it.
    const v1 = await openStreamLabDb(name, 1);
    await v1.put('sessions', { id: 'current', options: { seed: 3, brokers: 3 }, commandCount: 2 });
    await v1.put('commands', { sessionId: 'current', index: 0, entry: crash(1, 100, 5) });
    await v1.put('commands', { sessionId: 'current', index: 1, entry: crash(2, 700, 40) });
    v1.close();

    const store = await freshStore(name);
    const loaded = await store.loadSession('current');
    expect(loaded).toEqual({
      id: 'current',
      options: { seed: 3, brokers: 3 },
      commandLog: [crash(1, 100, 5), crash(2, 700, 40)],
      endMs: 700,
      updatedAt: 0,
    });
    expect(await store.listSessions()).toEqual([{ id: 'current', updatedAt: 0, commandCount: 2 }]);
    // and the new stores work for it
    const logs = await store.openLogStore('current');
    await logs?.append('broker-1/t-0', stampedBatches(0, 1, 5));
    expect(await logs?.bounds('broker-1/t-0')).toEqual({ startOffset: 0, endOffset: 5 });
  });
});

describe('stored keyframes (v3)', () => {
  /** A stand-in keyframe: the store does not look inside the state. */
  const keyframe = (actions: number, commands: number): StoredKeyframe => ({
    actions,
    nowMs: actions * 10,
    traceLength: actions * 2,
    commands,
    bookkeeping: { traceLength: actions * 2, logLength: commands, nextCommandId: commands + 1 },
    state: { marker: actions } as unknown as StoredKeyframe['state'],
    index: { timeMs: new Float64Array(actions), trace: new Float64Array(actions) },
    recent: [],
  });
  const position = (actions: number, commands: number) => ({ actions, nowMs: actions * 10, commands });

  it('upgrades a version 2 database: its sessions keep everything and replay (no keyframe yet)', async () => {
    const name = `streamlab-test-${++dbCount}`;
    const v2 = await openStreamLabDb(name, 2);
    await v2.put('sessions', {
      id: 'old',
      options: { seed: 3, brokers: 3 },
      commandCount: 1,
      position: position(40, 1),
      endMs: 400,
      updatedAt: 5,
    });
    await v2.put('commands', { sessionId: 'old', index: 0, entry: crash(1, 100, 5) });
    v2.close();

    const store = await freshStore(name);
    const loaded = await store.loadSession('old');
    expect(loaded?.commandLog).toEqual([crash(1, 100, 5)]);
    expect(loaded?.position).toEqual(position(40, 1));
    expect(loaded?.keyframe).toBeUndefined();
    await store.saveKeyframe('old', keyframe(30, 1));
    expect((await store.loadSession('old'))?.keyframe?.actions).toBe(30);
  });

  it('loads the nearest keyframe at or before the position, keeps the newest few, and forgets them on request', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1), crash(2, 20, 5)], { position: position(50, 2) }));
    for (const [actions, commands] of [
      [10, 1],
      [30, 2],
      [45, 2],
      [60, 2],
    ] as const)
      await store.saveKeyframe('s', keyframe(actions, commands));
    const loaded = await store.loadSession('s');
    expect(loaded?.keyframe?.actions).toBe(45);
    expect(loaded?.keyframe?.index.timeMs).toBeInstanceOf(Float64Array);
    expect(loaded?.keyframe).not.toHaveProperty('sessionId');
    // Only the newest three are kept: 10 is gone, so a position before 30 finds none.
    await store.savePosition('s', position(20, 1), 100);
    expect((await store.loadSession('s'))?.keyframe).toBeUndefined();
    await store.savePosition('s', position(70, 2), 100);
    expect((await store.loadSession('s'))?.keyframe?.actions).toBe(60);
    await store.deleteKeyframes('s');
    expect((await store.loadSession('s'))?.keyframe).toBeUndefined();
  });

  it('never pairs a keyframe with a command log that lacks its commands (a torn write)', async () => {
    const store = await freshStore();
    await store.saveSession(session('s', [crash(1, 10, 1)], { position: position(50, 1) }));
    await store.saveKeyframe('s', keyframe(40, 2)); // needs two commands; the log has one
    expect((await store.loadSession('s'))?.keyframe).toBeUndefined();
  });
});

describe('falling back to memory', () => {
  it('uses IndexedDB when it opens', async () => {
    const result = await openStoreOrMemory(() => freshStore());
    expect(result.persistent).toBe(true);
  });

  it('keeps working in memory, with the reason, when IndexedDB throws', async () => {
    const result = await openStoreOrMemory(() => Promise.reject(new Error('QuotaExceededError')));
    expect(result).toMatchObject({ persistent: false, reason: 'QuotaExceededError' });
    await result.store.saveSession(session('s'));
    await result.store.writeCommands('s', 0, [crash(1, 10, 1)]);
    expect((await result.store.loadSession('s'))?.commandLog).toEqual([crash(1, 10, 1)]);
    expect(await result.store.openLogStore('s')).toBeUndefined();
  });

  it('does not wait forever for an open that hangs', async () => {
    const result = await openStoreOrMemory(() => new Promise<never>(() => {}), 20);
    expect(result).toMatchObject({ persistent: false, reason: 'IndexedDB did not open in time' });
  });

  it('gives back copies from memory, so later changes by the caller do not leak in', async () => {
    const store = new MemorySessionStore();
    const saved = session('s', [crash(1, 10, 1)]);
    await store.saveSession(saved);
    saved.commandLog.push(crash(2, 20, 2));
    expect((await store.loadSession('s'))?.commandLog).toHaveLength(1);
    expect(store.persistent).toBe(false);
  });
});
