import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimedCommand } from '../engine';
import {
  DB_VERSION,
  MemorySessionStore,
  MIGRATIONS,
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

const session = (id: string, commandLog: TimedCommand[] = []): StoredSession => ({
  id,
  options: { seed: 7, brokers: 3, network: { latencyMsMin: 2, latencyMsMax: 6 } },
  commandLog,
});

// Every test gets a database of its own, so tests never see each other's sessions.
let dbCount = 0;
const opened: SessionStore[] = [];
async function freshStore(): Promise<SessionStore> {
  const store = await openSessionStore(`streamlab-test-${++dbCount}`);
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

describe('the IndexedDB session store', () => {
  it('stores a session’s seed, options and command log and reads them back', async () => {
    const store = await freshStore();
    const saved = session('current', [crash(1, 120, 4), crash(2, 300, 9)]);
    await store.saveSession(saved);
    expect(await store.loadSession('current')).toEqual(saved);
    expect(store.persistent).toBe(true);
  });

  it('answers undefined for a session it never saw', async () => {
    const store = await freshStore();
    expect(await store.loadSession('nope')).toBeUndefined();
  });

  it('appends commands after the ones it has, in order', async () => {
    const store = await freshStore();
    await store.saveSession(session('current', [crash(1, 10, 1)]));
    await store.appendCommands('current', 1, [crash(2, 20, 2)]);
    await store.appendCommands('current', 2, [crash(3, 30, 3), crash(1, 40, 4)]);
    const loaded = await store.loadSession('current');
    expect(loaded?.commandLog.map((c) => c.atMs)).toEqual([10, 20, 30, 40]);
  });

  it('refuses an append that would leave a gap or overwrite, and changes nothing', async () => {
    const store = await freshStore();
    await store.saveSession(session('current', [crash(1, 10, 1)]));
    await expect(store.appendCommands('current', 3, [crash(2, 20, 2)])).rejects.toThrow(/cannot append at 3/);
    await expect(store.appendCommands('current', 0, [crash(2, 20, 2)])).rejects.toThrow(/cannot append at 0/);
    await expect(store.appendCommands('other', 0, [crash(2, 20, 2)])).rejects.toThrow(/no stored session/);
    expect((await store.loadSession('current'))?.commandLog).toEqual([crash(1, 10, 1)]);
  });

  it('replaces a session wholesale, dropping the old log', async () => {
    const store = await freshStore();
    await store.saveSession(session('current', [crash(1, 10, 1), crash(2, 20, 2), crash(3, 30, 3)]));
    await store.saveSession(session('current', [crash(2, 5, 0)]));
    expect((await store.loadSession('current'))?.commandLog).toEqual([crash(2, 5, 0)]);
  });

  it('keeps sessions apart and deletes one without touching another', async () => {
    const store = await freshStore();
    await store.saveSession(session('a', [crash(1, 10, 1)]));
    await store.saveSession(session('b', [crash(2, 20, 2)]));
    await store.deleteSession('a');
    expect(await store.loadSession('a')).toBeUndefined();
    expect((await store.loadSession('b'))?.commandLog).toEqual([crash(2, 20, 2)]);
  });

  it('survives closing and reopening the database', async () => {
    const name = `streamlab-test-${++dbCount}`;
    const first = await openSessionStore(name);
    await first.saveSession(session('current', [crash(1, 10, 1)]));
    first.close();
    const second = await openSessionStore(name);
    opened.push(second);
    expect((await second.loadSession('current'))?.commandLog).toEqual([crash(1, 10, 1)]);
  });
});

describe('the schema', () => {
  it('is at version 1, one migration per version', () => {
    expect(DB_VERSION).toBe(1);
    expect(MIGRATIONS).toHaveLength(DB_VERSION);
  });

  it('creates the sessions and commands stores on first open', async () => {
    const name = `streamlab-test-${++dbCount}`;
    (await openSessionStore(name)).close();
    const db = await openDB(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['commands', 'sessions']);
    db.close();
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
    await result.store.saveSession(session('current'));
    await result.store.appendCommands('current', 0, [crash(1, 10, 1)]);
    expect((await result.store.loadSession('current'))?.commandLog).toEqual([crash(1, 10, 1)]);
  });

  it('does not wait forever for an open that hangs', async () => {
    const result = await openStoreOrMemory(() => new Promise<never>(() => {}), 20);
    expect(result).toMatchObject({ persistent: false, reason: 'IndexedDB did not open in time' });
  });

  it('gives back copies from memory, so later changes by the caller do not leak in', async () => {
    const store = new MemorySessionStore();
    const saved = session('current', [crash(1, 10, 1)]);
    await store.saveSession(saved);
    saved.commandLog.push(crash(2, 20, 2));
    expect((await store.loadSession('current'))?.commandLog).toHaveLength(1);
    expect(store.persistent).toBe(false);
  });
});
