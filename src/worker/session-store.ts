/**
 * Session storage: a session's options, its timed command log (the truth: replaying it rebuilds the
 * session exactly), where the learner was on its timeline, and — through `logStore` — the replica
 * logs mirrored as chunked segments (segment-store.ts). IndexedDB through `idb`; an in-memory
 * store with the same interface stands in when IndexedDB is missing or broken (private mode,
 * quota, a blocked open), so the app keeps running either way.
 *
 * Every write goes through one WriteQueue: pipelined, in order, and all-or-nothing per
 * transaction, so a write torn by closing the tab leaves a consistent prefix of the session.
 */
import type { SimulationOptions, TimedCommand } from '../engine';
import type { LogStore } from '../engine';
import { openStreamLabDb, sessionRange, type CommandRecord, type Db, type SessionRecord } from './db';
import type { StoredPosition } from '../bridge/session-reports';
import { nearestKeyframe, putKeyframe } from './keyframe-store';
import type { StoredKeyframe } from './keyframes';
import { IdbLogStore } from './segment-store';
import { WriteQueue, type WritePacing } from './write-queue';

export interface StoredSession {
  id: string;
  options: SimulationOptions;
  commandLog: TimedCommand[];
  /** Undefined: at the end of the command log (sessions saved before positions existed). */
  position?: StoredPosition;
  endMs: number;
  updatedAt: number;
  /** v3: the stored keyframe nearest at or before `position`, to resume from (none: replay). */
  keyframe?: StoredKeyframe;
}

export interface SessionSummary {
  id: string;
  updatedAt: number;
  commandCount: number;
}

export interface SessionStore {
  /** False for the in-memory stand-in: nothing survives a reload. */
  readonly persistent: boolean;
  /** Create or replace a session: its options and whole command log; its old logs are dropped. */
  saveSession(session: StoredSession): Promise<void>;
  /** Replace the log from `fromIndex` on by `entries` (a fork rewrites the future). */
  writeCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void>;
  savePosition(id: string, position: StoredPosition, endMs: number): Promise<void>;
  /** Keep a keyframe of this session (the newest few are kept). */
  saveKeyframe(id: string, keyframe: StoredKeyframe): Promise<void>;
  /** Forget the session's keyframes (its timeline forked: they may describe another future). */
  deleteKeyframes(id: string): Promise<void>;
  loadSession(id: string): Promise<StoredSession | undefined>;
  /** Most recently written first. */
  listSessions(): Promise<SessionSummary[]>;
  deleteSession(id: string): Promise<void>;
  /** The replica logs of one session, or undefined when logs are not kept (memory). */
  openLogStore(id: string): Promise<LogStore | undefined>;
  /** Resolves when every write issued so far has committed (or failed). */
  settled(): Promise<void>;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// IndexedDB store

/** Keys of one session's commands from `fromIndex` on. */
function commandsFrom(id: string, fromIndex: number): IDBKeyRange {
  return IDBKeyRange.bound([id, fromIndex], [id, Number.MAX_SAFE_INTEGER]);
}

class IdbSessionStore implements SessionStore {
  readonly persistent = true;
  private readonly queue: WriteQueue;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
    pacing: WritePacing = {},
  ) {
    this.queue = new WriteQueue(db, undefined, undefined, pacing);
  }

  saveSession(session: StoredSession): Promise<void> {
    const { id, options, commandLog, position, endMs } = session;
    return this.queue.run(async (tx) => {
      const commands = tx.objectStore('commands');
      await Promise.all([
        commands.delete(sessionRange(id)),
        tx.objectStore('segments').delete(sessionRange(id)),
        tx.objectStore('logs').delete(sessionRange(id)),
        tx.objectStore('keyframes').delete(sessionRange(id)),
        tx.objectStore('sessions').put({
          id,
          options,
          commandCount: commandLog.length,
          ...(position ? { position } : {}),
          endMs,
          updatedAt: this.clock(),
        }),
        ...commandLog.map((entry, index) => commands.put({ sessionId: id, index, entry })),
      ]);
    });
  }

  writeCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void> {
    const copies = structuredClone(entries);
    return this.queue.run(async (tx) => {
      const sessions = tx.objectStore('sessions');
      const record = await sessions.get(id);
      if (!record) throw new Error(`no stored session "${id}"`);
      if (fromIndex > record.commandCount) {
        throw new Error(`session "${id}" has ${record.commandCount} commands; cannot write at ${fromIndex}`);
      }
      const commands = tx.objectStore('commands');
      const commandCount = fromIndex + copies.length;
      await Promise.all([
        commands.delete(commandsFrom(id, fromIndex)),
        ...copies.map((entry, i) => commands.put({ sessionId: id, index: fromIndex + i, entry })),
        sessions.put({ ...record, commandCount, updatedAt: this.clock() }),
      ]);
    });
  }

  savePosition(id: string, position: StoredPosition, endMs: number): Promise<void> {
    return this.queue.run(async (tx) => {
      const sessions = tx.objectStore('sessions');
      const record = await sessions.get(id);
      if (!record) throw new Error(`no stored session "${id}"`);
      // Never point past the commands stored: a position needs every command before it.
      const clamped = position.commands <= record.commandCount ? position : undefined;
      await sessions.put({
        ...record,
        ...(clamped ? { position: clamped } : {}),
        endMs,
        updatedAt: this.clock(),
      });
    });
  }

  saveKeyframe(id: string, keyframe: StoredKeyframe): Promise<void> {
    return this.queue.run((tx) => putKeyframe(tx, id, keyframe));
  }

  deleteKeyframes(id: string): Promise<void> {
    return this.queue.run((tx) => tx.objectStore('keyframes').delete(sessionRange(id)), { reads: false });
  }

  async loadSession(id: string): Promise<StoredSession | undefined> {
    await this.queue.settled();
    const tx = this.db.transaction(['sessions', 'commands', 'keyframes'], 'readonly');
    const [record, rows] = await Promise.all([
      tx.objectStore('sessions').get(id),
      tx.objectStore('commands').getAll(sessionRange(id)),
    ]);
    if (!record) return undefined;
    const session = fromRecords(record, rows);
    const keyframe = await nearestKeyframe(tx, id, session.position, session.commandLog.length);
    await tx.done;
    return keyframe ? { ...session, keyframe } : session;
  }

  async listSessions(): Promise<SessionSummary[]> {
    await this.queue.settled();
    const records = await this.db.getAll('sessions');
    return records
      .map((r) => ({ id: r.id, updatedAt: r.updatedAt ?? 0, commandCount: r.commandCount }))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  deleteSession(id: string): Promise<void> {
    return this.queue.run(async (tx) => {
      await Promise.all(
        (['sessions', 'commands', 'segments', 'logs', 'keyframes'] as const).map((s) =>
          tx.objectStore(s).delete(s === 'sessions' ? id : sessionRange(id)),
        ),
      );
    });
  }

  async openLogStore(id: string): Promise<LogStore> {
    await this.queue.settled();
    return IdbLogStore.open(this.db, this.queue, id);
  }

  settled(): Promise<void> {
    return this.queue.settled();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * A session from its records, keeping only what a torn write cannot have broken: the commands
 * 0..n-1 without a gap (n ≤ the count the session record claims) and a position that needs no
 * command beyond them.
 */
function fromRecords(record: SessionRecord, rows: CommandRecord[]): StoredSession {
  const commandLog: TimedCommand[] = [];
  for (const row of rows) {
    if (row.index !== commandLog.length || row.index >= record.commandCount) break;
    commandLog.push(row.entry);
  }
  const position =
    record.position && record.position.commands <= commandLog.length ? record.position : undefined;
  return {
    id: record.id,
    options: record.options,
    commandLog,
    ...(position ? { position } : {}),
    endMs: record.endMs ?? commandLog.at(-1)?.atMs ?? 0,
    updatedAt: record.updatedAt ?? 0,
  };
}

/**
 * Opens the IndexedDB store; rejects when IndexedDB is missing or refuses to open. `pacing`: how
 * its write queue slices big saves (write-queue.ts; tests time them with a clock of their own).
 */
export async function openSessionStore(
  name?: string,
  clock: () => number = Date.now,
  pacing: WritePacing = {},
): Promise<SessionStore> {
  return new IdbSessionStore(await openStreamLabDb(name), clock, pacing);
}

// ---------------------------------------------------------------------------------------------
// In-memory stand-in

export class MemorySessionStore implements SessionStore {
  readonly persistent = false;
  private readonly sessions = new Map<string, StoredSession>();

  async saveSession(session: StoredSession): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }

  async writeCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no stored session "${id}"`);
    if (fromIndex > session.commandLog.length) {
      throw new Error(
        `session "${id}" has ${session.commandLog.length} commands; cannot write at ${fromIndex}`,
      );
    }
    session.commandLog.splice(fromIndex, Infinity, ...structuredClone(entries));
  }

  async savePosition(id: string, position: StoredPosition, endMs: number): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no stored session "${id}"`);
    session.position = { ...position };
    session.endMs = endMs;
  }

  /** Memory keeps no keyframes: nothing in it outlives the page, so there is no reload to speed up. */
  async saveKeyframe(): Promise<void> {}

  async deleteKeyframes(): Promise<void> {}

  async loadSession(id: string): Promise<StoredSession | undefined> {
    const session = this.sessions.get(id);
    return session && structuredClone(session);
  }

  async listSessions(): Promise<SessionSummary[]> {
    return [...this.sessions.values()]
      .map((s) => ({ id: s.id, updatedAt: s.updatedAt, commandCount: s.commandLog.length }))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  /** Memory keeps no second copy of the logs: the simulation already holds them. */
  async openLogStore(): Promise<undefined> {
    return undefined;
  }

  async settled(): Promise<void> {}

  close(): void {}
}

// ---------------------------------------------------------------------------------------------
// Choosing one

export type OpenedStore =
  { store: SessionStore; persistent: true } | { store: SessionStore; persistent: false; reason: string };

/**
 * IndexedDB if it opens within `timeoutMs`, otherwise memory, with the reason. A blocked or
 * hanging open (seen in some private modes) must not hold the app hostage, hence the timeout.
 */
export async function openStoreOrMemory(
  open: () => Promise<SessionStore> = () => openSessionStore(),
  timeoutMs = 3000,
): Promise<OpenedStore> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const opening = open();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('IndexedDB did not open in time')), timeoutMs);
  });
  try {
    const store = await Promise.race([opening, timeout]);
    return { store, persistent: true };
  } catch (e) {
    // A late success would leave a connection open that nobody uses: close it when it arrives.
    opening.then((s) => s.close()).catch(() => {});
    return { store: new MemorySessionStore(), persistent: false, reason: errorText(e) };
  } finally {
    clearTimeout(timer);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof DOMException && e.name === 'QuotaExceededError') {
    return 'the browser’s storage quota is used up';
  }
  return e instanceof Error ? e.message : String(e);
}
