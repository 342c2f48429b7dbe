/**
 * The IndexedDB schema and its migrations. One database per origin; every store is keyed by
 * session first, so sessions never see each other's records and one range delete removes one.
 *
 * | store      | key                           | value                                              |
 * | ---------- | ----------------------------- | -------------------------------------------------- |
 * | `sessions` | `id`                          | options, command count, position, timeline end     |
 * | `commands` | `[sessionId, index]`          | one timed command (the truth a session replays)    |
 * | `segments` | `[sessionId, log, baseOffset]`| a chunk of one replica log: hundreds+ of records   |
 * | `logs`     | `[sessionId, log]`            | that log's bounds and checkpoint (HW, epoch cache) |
 * | `keyframes`| `[sessionId, actions]`        | v3: a few whole states to resume from (0007)       |
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { SimulationOptions, TimedCommand } from '../engine';
import type { RecordBatch } from '../engine';
import type { LogCheckpoint } from '../engine';
import type { StoredKeyframe } from './keyframes';
import type { StoredPosition } from '../bridge/session-reports';

export const DB_NAME = 'streamlab';

export interface SessionRecord {
  id: string;
  options: SimulationOptions;
  /** How many command records belong to this session; records past it are leftovers. */
  commandCount: number;
  /** v2. Absent in sessions from v1: they resume at the end of their command log. */
  position?: StoredPosition;
  /** v2. The furthest virtual time the timeline reached. */
  endMs?: number;
  /** v2. Wall-clock ms of the last write, to find the most recent session. */
  updatedAt?: number;
}

export interface CommandRecord {
  sessionId: string;
  index: number;
  entry: TimedCommand;
}

export interface SegmentRecord {
  sessionId: string;
  log: string;
  baseOffset: number;
  /** One past the last offset in this segment. */
  endOffset: number;
  records: number;
  batches: RecordBatch[];
}

export interface LogMetaRecord extends LogCheckpoint {
  sessionId: string;
  log: string;
  startOffset: number;
  endOffset: number;
}

/** v3. A keyframe of one session, to resume from on reload instead of replaying everything. */
export interface KeyframeRecord extends StoredKeyframe {
  sessionId: string;
}

export interface StreamLabDB extends DBSchema {
  sessions: { key: string; value: SessionRecord };
  commands: { key: [string, number]; value: CommandRecord };
  segments: { key: [string, string, number]; value: SegmentRecord };
  logs: { key: [string, string]; value: LogMetaRecord };
  keyframes: { key: [string, number]; value: KeyframeRecord };
}

export type Db = IDBPDatabase<StreamLabDB>;
export type StoreName = StoreNames<StreamLabDB>;
export type UpgradeTx = IDBPTransaction<StreamLabDB, StoreName[], 'versionchange'>;
export type WriteTx = IDBPTransaction<StreamLabDB, StoreName[], 'readwrite'>;
type Migration = (db: Db, tx: UpgradeTx) => Promise<void> | void;

/** Every store: write transactions all use this scope so that they commit in creation order. */
export const ALL_STORES: StoreName[] = ['sessions', 'commands', 'segments', 'logs', 'keyframes'];

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
  // 1 → 2: partition log segments and their bounds; sessions learn their position and age.
  async (db, tx) => {
    db.createObjectStore('segments', { keyPath: ['sessionId', 'log', 'baseOffset'] });
    db.createObjectStore('logs', { keyPath: ['sessionId', 'log'] });
    // A v1 session has no position: it resumes at the end of its log, as v1 did on reload.
    const sessions = tx.objectStore('sessions');
    for (let cursor = await sessions.openCursor(); cursor; cursor = await cursor.continue()) {
      const last = await tx.objectStore('commands').get([cursor.value.id, cursor.value.commandCount - 1]);
      await cursor.update({ ...cursor.value, endMs: last?.entry.atMs ?? 0, updatedAt: 0 });
    }
  },
  // 2 → 3: keyframes, so a reload resumes from the nearest one instead of replaying everything.
  // Sessions stored before have none and are replayed, as before.
  (db) => {
    db.createObjectStore('keyframes', { keyPath: ['sessionId', 'actions'] });
  },
];

export const DB_VERSION = MIGRATIONS.length;

/** Opens (and upgrades) the database; rejects when IndexedDB is missing or refuses. */
export async function openStreamLabDb(name = DB_NAME, version = DB_VERSION): Promise<Db> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
  let migrating: Promise<void> = Promise.resolve();
  const db = await openDB<StreamLabDB>(name, version, {
    upgrade(database, oldVersion, newVersion, tx) {
      // Each migration's requests must be issued while the versionchange transaction is alive;
      // chaining them on its promises keeps them inside it.
      migrating = (async () => {
        for (let v = oldVersion; v < (newVersion ?? version); v++) {
          const migrate = MIGRATIONS[v];
          if (!migrate) throw new Error(`no migration from database version ${v}`);
          await migrate(database, tx);
        }
      })();
      migrating.catch(() => tx.abort());
    },
    blocked() {
      // Another tab holds an older version open; it closes on `versionchange` (below), so wait.
    },
  });
  await migrating;
  // A newer tab wants to upgrade: step aside rather than block it. This tab's writes then fail
  // and it falls back to memory, with a notice.
  db.addEventListener('versionchange', () => db.close());
  return db;
}

/** Key range of one session's records in a store keyed [sessionId, ...]. */
export function sessionRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id], [id, []]);
}

/** Key range of one log's segments from `fromOffset` on (or all of them). */
export function segmentRange(
  id: string,
  log: string,
  fromOffset = -Infinity,
  toOffset = Infinity,
): IDBKeyRange {
  return IDBKeyRange.bound([id, log, fromOffset], [id, log, toOffset]);
}
