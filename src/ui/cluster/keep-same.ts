/**
 * Structural sharing on the page side (issue 21 §6). Every batch from the worker carries a freshly
 * cloned snapshot, so every object in it is new even when nothing changed: a view that passes them
 * on as they are redraws every row on every frame. `KeepSame` hands back the object it gave last
 * time for a key while the new one has the same content, so Svelte sees the same reference and
 * skips the row. Only rows on screen are passed through it: the work follows what is visible, not
 * the partition count.
 */

import { sameData } from '../../bridge/snapshot-delta';

export class KeepSame<T> {
  private last = new Map<string, T>();
  private seen = new Set<string>();

  /** `next`, or the object returned for `key` last time if it has the same content. */
  keep(key: string, next: T): T {
    this.seen.add(key);
    const before = this.last.get(key);
    if (before !== undefined && sameData(before, next)) return before;
    this.last.set(key, next);
    return next;
  }

  /** Forget the keys not kept since the last sweep (rows scrolled away), so the cache stays small. */
  sweep(): void {
    for (const key of this.last.keys()) if (!this.seen.has(key)) this.last.delete(key);
    this.seen.clear();
  }
}
