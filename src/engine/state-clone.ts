/**
 * A copy of the engine's state for checkpoints (the worker's keyframes), much faster than `structuredClone` because it knows
 * what the engine never changes once created: record batches (decision 0001) and scheduled
 * entries — a timer or a message delivery waiting in the scheduler, message body included. The
 * arrays holding them are copied (they change); the things in them are shared. Everything else is
 * copied deeply, and an object reached twice is copied once, so aliasing inside the state survives
 * exactly as with `structuredClone`. `checkpoint.test.ts` freezes those shared objects in a busy
 * run to prove the engine leaves them alone.
 *
 * The metadata log's entries (a controller's Raft log, a broker's replica of it) are never changed
 * either: they are appended, truncated, and sent as they are in Fetch answers; appliers copy what
 * they keep (metadata.ts `applyRecord`). Sharing them cut a restore of the lesson-sized cluster by
 * ~4 000 of its ~13 000 copied objects (decision 0021).
 *
 * Measured on a produce-heavy state at 100 000 events (3 975 scheduled entries, most of them
 * cancelled timers still waiting, 16 400 objects outside the logs): `structuredClone` without the
 * logs 8.8 ms, a deep copy sharing batches 3 ms, sharing scheduled entries too 0.3 ms.
 */
import type { KernelState } from './kernel/kernel';
import type { RecordBatch } from './protocol/produce';
import { replicaLogsOf } from './replica-logs';

/**
 * `like`: an earlier copy of the same simulation's state (the previous keyframe). Where a part of
 * the state still equals that copy's part at the same place, the earlier copy's object is used
 * instead of a new one, so consecutive keyframes share everything that did not change between
 * them (most of a cluster at rest: configs, metadata images, idle partitions' logs and roles).
 * Copies are never changed (a restore copies them again), so sharing them is safe; an earlier
 * object is reused for one original only, so sharing never creates aliasing the state lacks.
 * Without `like` (a restore, a lone checkpoint) the copy shares nothing else: `copyState`.
 * `stats.fresh` counts the objects and array slots newly made (a size estimate for memory caps).
 */
export function cloneState(state: KernelState, like?: KernelState, stats?: { fresh: number }): KernelState {
  if (like === undefined) return copyState(state, stats);
  const { shallow, batchArrays } = sharedItems(state);
  // A copy that shares with an earlier one (a keyframe after the first) keeps the record batches
  // of each log in chunks, sharing the chunks that did not change; a lone copy is plain data.
  const chunked = new Set<unknown[]>(batchArrays);
  const copies = new Map<object, unknown>();
  /** Earlier objects already standing in for an original. */
  const reused = new Set<object>();
  let fresh = 0;

  /** Use `earlier` instead of `copy` if it is free and holds exactly the same parts. */
  const share = <T extends object>(original: object, copy: T, earlier: unknown, same: boolean): T => {
    if (!same || reused.has(earlier as object)) {
      fresh += 1 + (Array.isArray(copy) ? copy.length : 0);
      return copy;
    }
    reused.add(earlier as object);
    copies.set(original, earlier);
    return earlier as T;
  };

  const clone = (value: unknown, earlier: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const known = copies.get(value);
    if (known !== undefined) return known;
    const prior = typeof earlier === 'object' && earlier !== null ? earlier : undefined;
    if (Array.isArray(value)) {
      // A log still the same as an earlier plain copy stays that copy (below).
      const chunk = chunked.has(value) && !(Array.isArray(prior) && samePlain(prior, value));
      if (chunk) {
        const earlier = prior instanceof ChunkedBatches && !reused.has(prior) ? prior : undefined;
        const out = remember(value, ChunkedBatches.of(value, earlier));
        if (out === earlier) reused.add(out);
        else fresh += out.freshParts;
        return out;
      }
      const before = Array.isArray(prior) && prior.length === value.length ? (prior as unknown[]) : undefined;
      if (shallow.has(value)) {
        const out = remember(value, value.slice());
        return share(value, out, before, before !== undefined && out.every((x, i) => x === before[i]));
      }
      const out: unknown[] = remember(value, new Array<unknown>(value.length));
      let same = before !== undefined;
      for (let i = 0; i < value.length; i++) {
        out[i] = clone(value[i], before?.[i]);
        if (same && out[i] !== before![i]) same = false;
      }
      return share(value, out, before, same);
    }
    if (value instanceof Set) {
      const out = remember(value, new Set<unknown>());
      for (const item of value) out.add(clone(item, undefined));
      const before = prior instanceof Set && prior.size === out.size ? prior : undefined;
      let same = before !== undefined;
      if (same) {
        const items = [...before!];
        let i = 0;
        for (const item of out) if (item !== items[i++]) same = false;
      }
      return share(value, out, before, same);
    }
    // Anything unusual (a Map, a typed array) gets the platform's copy: correct, just slower.
    if (Object.getPrototypeOf(value) !== Object.prototype) {
      fresh++;
      return remember(value, structuredClone(value));
    }
    const source = value as Record<string, unknown>;
    const before =
      prior !== undefined && Object.getPrototypeOf(prior) === Object.prototype
        ? (prior as Record<string, unknown>)
        : undefined;
    const out: Record<string, unknown> = remember(value, {});
    let same = before !== undefined;
    const beforeKeys = before ? Object.keys(before) : [];
    let k = 0;
    for (const key in source) {
      // Same keys in the same order: the engine iterates objects, so order is part of the state.
      if (same && beforeKeys[k] !== key) same = false;
      k++;
      out[key] = clone(source[key], same ? before![key] : before?.[key]);
      if (same && out[key] !== before![key]) same = false;
    }
    if (same && k !== beforeKeys.length) same = false;
    return share(value, out, before, same);
  };

  function samePlain(prior: unknown[], value: unknown[]): boolean {
    return prior.length === value.length && !reused.has(prior) && sameItems(prior, value, 0);
  }

  function remember<T>(original: object, copy: T): T {
    copies.set(original, copy);
    return copy;
  }

  const copy = clone(state, like) as KernelState;
  if (stats) stats.fresh += fresh;
  return copy;
}

/**
 * `cloneState` with nothing to share with (a restore, a lone checkpoint): the same copy, without
 * the comparisons with an earlier one. A restore is part of every scrub: for the lesson-sized
 * cluster at the hour this path copies a keyframe in 1.2–1.6 ms against 2.2–2.8 ms (warm loop).
 */
function copyState(state: KernelState, stats?: { fresh: number }): KernelState {
  const { shallow } = sharedItems(state);
  const copies = new Map<object, unknown>();
  let fresh = 0;

  const clone = (value: object): unknown => {
    const known = copies.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const n = value.length;
      fresh += 1 + n;
      if (shallow.has(value)) {
        const out = value.slice();
        copies.set(value, out);
        return out;
      }
      const out = new Array<unknown>(n);
      copies.set(value, out);
      for (let i = 0; i < n; i++) {
        const item: unknown = value[i];
        out[i] = typeof item === 'object' && item !== null ? clone(item) : item;
      }
      return out;
    }
    fresh++;
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      copies.set(value, out);
      for (const key in source) {
        const item = source[key];
        out[key] = typeof item === 'object' && item !== null ? clone(item) : item;
      }
      return out;
    }
    if (value instanceof ChunkedBatches) {
      // Back to a live array (a restore).
      const out = value.toArray();
      fresh += out.length;
      copies.set(value, out);
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      copies.set(value, out);
      for (const item of value) out.add(typeof item === 'object' && item !== null ? clone(item) : item);
      return out;
    }
    // Anything unusual (a Map, a typed array) gets the platform's copy.
    const out: unknown = structuredClone(value);
    copies.set(value, out);
    return out;
  };

  const copy = clone(state) as KernelState;
  if (stats) stats.fresh += fresh;
  return copy;
}

/**
 * The arrays a copy copies as arrays with their items shared, because the engine never changes
 * those items once made: the scheduler's entries, record batches (`batchArrays`: each log's that
 * is a live array) and metadata log entries.
 */
function sharedItems(state: KernelState): { shallow: Set<unknown[]>; batchArrays: RecordBatch[][] } {
  const batchArrays = replicaLogsOf(state)
    .map((l) => l.log.batches)
    .filter((b): b is RecordBatch[] => Array.isArray(b));
  return {
    shallow: new Set<unknown[]>([state.sched.heap, ...batchArrays, ...metadataLogsOf(state)]),
    batchArrays,
  };
}

/** Every node's copy of the metadata log: controllers' `durable.log`, brokers' `durable.metadataLog`. */
export function metadataLogsOf(state: KernelState): unknown[][] {
  const out: unknown[][] = [];
  for (const node of Object.values(state.nodes)) {
    const durable = node.durable as { log?: unknown; metadataLog?: unknown } | null;
    if (!durable) continue;
    if (node.kind === 'controller' && Array.isArray(durable.log)) out.push(durable.log);
    if (node.kind === 'broker' && Array.isArray(durable.metadataLog)) out.push(durable.metadataLog);
  }
  return out;
}

/** Record batches per chunk of a log kept in a keyframe. */
const CHUNK_BATCHES = 64;

/**
 * A log's record batches as kept in a checkpoint that shares with an earlier one: chunks of
 * `CHUNK_BATCHES`, each shared with the earlier checkpoint's chunk at the same place when it holds
 * the very same batches. A log only grows at its end (or is cut back, rarely), so a keyframe copies
 * about one chunk per changed log instead of the whole log: at the hour of the lesson-sized
 * cluster the logs were ~40 % of every keyframe (decision 0021, follow-up 3). Never changed once
 * made; a restore flattens it back into the live array.
 */
export class ChunkedBatches {
  constructor(
    readonly chunks: readonly (readonly unknown[])[],
    readonly length: number,
    /** Objects and slots newly made for this one (for `freshParts`). */
    readonly freshParts: number,
  ) {}

  /** `batches` in chunks, sharing `earlier`'s chunks that hold the same batches (itself if all do). */
  static of(batches: readonly unknown[], earlier: ChunkedBatches | undefined): ChunkedBatches {
    const chunks: (readonly unknown[])[] = [];
    let fresh = 0;
    for (let from = 0, c = 0; from < batches.length; from += CHUNK_BATCHES, c++) {
      const to = Math.min(batches.length, from + CHUNK_BATCHES);
      const old = earlier?.chunks[c];
      if (old && old.length === to - from && sameItems(old, batches, from)) chunks.push(old);
      else {
        chunks.push(batches.slice(from, to));
        fresh += 1 + to - from;
      }
    }
    if (earlier && fresh === 0 && earlier.length === batches.length) return earlier;
    return new ChunkedBatches(chunks, batches.length, 2 + chunks.length + fresh);
  }

  toArray(): unknown[] {
    const out = new Array<unknown>(this.length);
    let i = 0;
    for (const chunk of this.chunks) for (let k = 0; k < chunk.length; k++) out[i++] = chunk[k];
    return out;
  }
}

function sameItems(chunk: readonly unknown[], batches: readonly unknown[], from: number): boolean {
  for (let k = 0; k < chunk.length; k++) if (chunk[k] !== batches[from + k]) return false;
  return true;
}
