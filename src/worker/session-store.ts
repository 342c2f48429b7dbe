/**
 * Session storage: the seed, the options and the timed command log, which together rebuild a
 * session exactly (`replaySimulation`). IndexedDB through `idb`; an in-memory store with the same
 * interface stands in when IndexedDB is missing or broken (private mode, quota, a blocked open),
 * so the app keeps running either way.
 *
 * Commands are stored one record each under [sessionId, index] so that saving after a command is
 * one small append, not a rewrite of the whole log. Each write is one transaction, so a write torn
 * by closing the tab leaves a consistent prefix of the log.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { SimulationOptions, TimedCommand } from '../engine';

export const DB_NAME = 'streamlab';

export interface StoredSession {
  id: string;
  options: SimulationOptions;
  commandLog: TimedCommand[];
}

export interface SessionStore {
  /** False for the in-memory stand-in: nothing survives a reload. */
  readonly persistent: boolean;
  /** Create or replace a session, its whole command log included. */
  saveSession(session: StoredSession): Promise<void>;
  /** Add log entries `fromIndex, fromIndex + 1, ...` to an existing session. */
  appendCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void>;
  loadSession(id: string): Promise<StoredSession | undefined>;
  deleteSession(id: string): Promise<void>;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// Schema and migrations

interface SessionRecord {
  id: string;
  options: SimulationOptions;
  /** How many command records belong to this session; records past it are leftovers. */
  commandCount: number;
}

interface CommandRecord {
  sessionId: string;
  index: number;
  entry: TimedCommand;
}

interface StreamLabDB extends DBSchema {
  sessions: { key: string; value: SessionRecord };
  commands: { key: [string, number]; value: CommandRecord };
}

type Db = IDBPDatabase<StreamLabDB>;
type UpgradeTx = IDBPTransaction<StreamLabDB, StoreNames<StreamLabDB>[], 'versionchange'>;
type Migration = (db: Db, tx: UpgradeTx) => void;

/**
 * MIGRATIONS[v] upgrades a database at version v to version v + 1. To change the schema, append a
 * migration (it may read and rewrite records through `tx`); never edit one that has shipped, since
 * learners' browsers hold databases at every earlier version.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: sessions and their command logs.
  (db) => {
    db.createObjectStore('sessions', { keyPath: 'id' });
    db.createObjectStore('commands', { keyPath: ['sessionId', 'index'] });
  },
];

export const DB_VERSION = MIGRATIONS.length;

function upgrade(db: Db, oldVersion: number, newVersion: number | null, tx: UpgradeTx): void {
  for (let v = oldVersion; v < (newVersion ?? DB_VERSION); v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new Error(`no migration from database version ${v}`);
    migrate(db, tx);
  }
}

// ---------------------------------------------------------------------------------------------
// IndexedDB store

function commandsOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]);
}

/** Roll back a read-write transaction and fail the operation with `message`. */
function abort(
  tx: IDBPTransaction<StreamLabDB, StoreNames<StreamLabDB>[], 'readwrite'>,
  message: string,
): never {
  tx.abort();
  tx.done.catch(() => {}); // the abort is the expected outcome here, not an unhandled rejection
  throw new Error(message);
}

class IdbSessionStore implements SessionStore {
  readonly persistent = true;
  constructor(private readonly db: Db) {}

  async saveSession(session: StoredSession): Promise<void> {
    const { id, options, commandLog } = session;
    const tx = this.db.transaction(['sessions', 'commands'], 'readwrite');
    const commands = tx.objectStore('commands');
    // Requests in one transaction run in order; awaiting them all together (with `tx.done`) makes
    // every failure a handled rejection and the write all-or-nothing.
    await Promise.all([
      commands.delete(commandsOf(id)),
      tx.objectStore('sessions').put({ id, options, commandCount: commandLog.length }),
      ...commandLog.map((entry, index) => commands.put({ sessionId: id, index, entry })),
      tx.done,
    ]);
  }

  async appendCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void> {
    const tx = this.db.transaction(['sessions', 'commands'], 'readwrite');
    const sessions = tx.objectStore('sessions');
    const record = await sessions.get(id);
    if (!record) abort(tx, `no stored session "${id}"`);
    if (fromIndex !== record.commandCount) {
      abort(tx, `session "${id}" has ${record.commandCount} commands; cannot append at ${fromIndex}`);
    }
    const commands = tx.objectStore('commands');
    await Promise.all([
      ...entries.map((entry, i) => commands.put({ sessionId: id, index: fromIndex + i, entry })),
      sessions.put({ ...record, commandCount: fromIndex + entries.length }),
      tx.done,
    ]);
  }

  async loadSession(id: string): Promise<StoredSession | undefined> {
    const tx = this.db.transaction(['sessions', 'commands'], 'readonly');
    const record = await tx.objectStore('sessions').get(id);
    if (!record) return undefined;
    const rows = await tx.objectStore('commands').getAll(commandsOf(id));
    await tx.done;
    const commandLog = rows.filter((r) => r.index < record.commandCount).map((r) => r.entry);
    return { id, options: record.options, commandLog };
  }

  async deleteSession(id: string): Promise<void> {
    const tx = this.db.transaction(['sessions', 'commands'], 'readwrite');
    await Promise.all([
      tx.objectStore('sessions').delete(id),
      tx.objectStore('commands').delete(commandsOf(id)),
      tx.done,
    ]);
  }

  close(): void {
    this.db.close();
  }
}

/** Opens the IndexedDB store; rejects when IndexedDB is missing or refuses to open. */
export async function openSessionStore(name = DB_NAME): Promise<SessionStore> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
  const db = await openDB<StreamLabDB>(name, DB_VERSION, {
    upgrade: (database, oldVersion, newVersion, tx) => upgrade(database, oldVersion, newVersion, tx),
  });
  return new IdbSessionStore(db);
}

// ---------------------------------------------------------------------------------------------
// In-memory stand-in

export class MemorySessionStore implements SessionStore {
  readonly persistent = false;
  private readonly sessions = new Map<string, StoredSession>();

  async saveSession(session: StoredSession): Promise<void> {
    this.sessions.set(session.id, structuredClone(session));
  }

  async appendCommands(id: string, fromIndex: number, entries: readonly TimedCommand[]): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no stored session "${id}"`);
    if (fromIndex !== session.commandLog.length) {
      throw new Error(
        `session "${id}" has ${session.commandLog.length} commands; cannot append at ${fromIndex}`,
      );
    }
    session.commandLog.push(...structuredClone(entries));
  }

  async loadSession(id: string): Promise<StoredSession | undefined> {
    const session = this.sessions.get(id);
    return session && structuredClone(session);
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

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
  return e instanceof Error ? e.message : String(e);
}
