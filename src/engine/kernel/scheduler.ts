/**
 * The scheduler: a binary min-heap of plain-data entries ordered by (atMs, seq).
 * `seq` is a global insertion counter, so entries due at the same millisecond run in the order
 * they were scheduled: that tie-break is what makes a run reproducible.
 *
 * Cancelled timers are not removed from the heap (that would need an index); the kernel skips
 * them when they come due, which keeps the heap a plain array that clones cheaply.
 */
export interface Scheduled<T> {
  atMs: number;
  seq: number;
  entry: T;
}

export interface SchedulerState<T> {
  heap: Scheduled<T>[];
  nextSeq: number;
}

export function createScheduler<T>(): SchedulerState<T> {
  return { heap: [], nextSeq: 1 };
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

export function schedule<T>(s: SchedulerState<T>, atMs: number, entry: T): number {
  const item: Scheduled<T> = { atMs, seq: s.nextSeq++, entry };
  const heap = s.heap;
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent]!;
    if (!before(item, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
  return item.seq;
}

export function peek<T>(s: SchedulerState<T>): Scheduled<T> | undefined {
  return s.heap[0];
}

export function pop<T>(s: SchedulerState<T>): Scheduled<T> | undefined {
  const heap = s.heap;
  const top = heap[0];
  if (top === undefined) return undefined;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mItem = last;
      if (l < n && before(heap[l]!, mItem)) {
        m = l;
        mItem = heap[l]!;
      }
      if (r < n && before(heap[r]!, mItem)) {
        m = r;
        mItem = heap[r]!;
      }
      if (m === i) break;
      heap[i] = mItem;
      i = m;
    }
    heap[i] = last;
  }
  return top;
}
