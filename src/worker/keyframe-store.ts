/**
 * Stored keyframes (schema v3, decision 0007): a few whole states per session, so that a reload
 * restores the nearest one at or before the stored position and replays only from there. They go
 * through the session's write queue like everything else, after the commands they depend on, so a
 * torn write can lose a keyframe but never keep one whose commands are missing; loading checks
 * that anyway, and anything that does not fit is simply not used (the session is replayed).
 */
import type { IDBPTransaction } from 'idb';
import { sessionRange, type StreamLabDB, type WriteTx } from './db';
import type { StoredKeyframe } from './keyframes';
import type { StoredPosition } from '../bridge/session-reports';

/** Keyframes kept per session: the newest few, so stepping back a little before a reload still finds one. */
export const KEYFRAMES_KEPT = 3;

/** Put one keyframe and drop the oldest beyond KEYFRAMES_KEPT. */
export async function putKeyframe(tx: WriteTx, id: string, keyframe: StoredKeyframe): Promise<void> {
  const store = tx.objectStore('keyframes');
  await store.put({ ...keyframe, sessionId: id });
  const keys = await store.getAllKeys(sessionRange(id));
  for (const key of keys.slice(0, Math.max(0, keys.length - KEYFRAMES_KEPT))) await store.delete(key);
}

/** The stored keyframe nearest at or before `position` that needs no command beyond `commands`. */
export async function nearestKeyframe(
  tx: IDBPTransaction<StreamLabDB, ['sessions', 'commands', 'keyframes'], 'readonly'>,
  id: string,
  position: StoredPosition | undefined,
  commands: number,
): Promise<StoredKeyframe | undefined> {
  if (!position) return undefined;
  const store = tx.objectStore('keyframes');
  const keys = await store.getAllKeys(sessionRange(id));
  for (const key of keys.reverse()) {
    if (key[1] > position.actions) continue;
    const record = await store.get(key);
    if (!record || record.commands > Math.min(commands, position.commands)) continue;
    const { sessionId: _mine, ...keyframe } = record;
    return keyframe;
  }
  return undefined;
}
