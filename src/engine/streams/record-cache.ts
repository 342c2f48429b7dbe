/**
 * The record cache in front of a state store (Kafka's docs, memory-mgmt.html): with
 * `statestore.cache.max.bytes` = 0 every update is written and forwarded as Change(new, old); with a
 * cache, updates to the same key are folded and forwarded only on a commit (`commit.interval.ms`) or
 * when the cache is over its size and evicts its least recently used entry. The forwarded old value
 * is the one in the underlying store, so `<A,1> <A,20> <A,300>` summed becomes one `<A,(321,null)>`.
 */
import { formatValue, type StreamValue } from './expr';

export interface Forwarded {
  key: string;
  newValue: StreamValue;
  oldValue: StreamValue;
}

/** Bytes Kafka-like bookkeeping adds to every cache entry (offset, timestamp, partition, flags). */
const ENTRY_OVERHEAD_BYTES = 25;

export function cacheEntryBytes(key: string, value: StreamValue): number {
  return key.length + (formatValue(value)?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
}

/** Plain data, so a kernel checkpoint can copy it. */
export interface CacheState {
  /** The underlying (changelogged) store. */
  store: Map<string, StreamValue>;
  /** Dirty cache entries in least-recently-used order (a Map keeps insertion order; a re-put moves to the end). */
  cache: Map<string, StreamValue>;
  bytes: number;
}

export class CachedStore {
  constructor(
    readonly maxBytes: number,
    readonly state: CacheState = { store: new Map(), cache: new Map(), bytes: 0 },
  ) {}

  get store(): Map<string, StreamValue> {
    return this.state.store;
  }

  private get cache(): Map<string, StreamValue> {
    return this.state.cache;
  }

  private get bytes(): number {
    return this.state.bytes;
  }

  private set bytes(n: number) {
    this.state.bytes = n;
  }

  get(key: string): StreamValue {
    return this.cache.has(key) ? this.cache.get(key)! : (this.store.get(key) ?? null);
  }

  /** Writes an update; returns what is forwarded downstream now (all of it without a cache). */
  put(key: string, value: StreamValue): Forwarded[] {
    if (this.maxBytes <= 0) return [this.writeThrough(key, value)];
    if (this.cache.has(key)) {
      this.bytes -= cacheEntryBytes(key, this.cache.get(key)!);
      this.cache.delete(key);
    }
    this.cache.set(key, value);
    this.bytes += cacheEntryBytes(key, value);
    const out: Forwarded[] = [];
    while (this.bytes > this.maxBytes && this.cache.size > 0) {
      const [lruKey, lruValue] = this.cache.entries().next().value as [string, StreamValue];
      this.cache.delete(lruKey);
      this.bytes -= cacheEntryBytes(lruKey, lruValue);
      out.push(this.writeThrough(lruKey, lruValue));
    }
    return out;
  }

  /** A commit flushes the cache: every dirty entry is written and forwarded, oldest first. */
  flush(): Forwarded[] {
    const out = [...this.cache.entries()].map(([k, v]) => this.writeThrough(k, v));
    this.cache.clear();
    this.bytes = 0;
    return out;
  }

  get cachedBytes(): number {
    return this.bytes;
  }

  private writeThrough(key: string, value: StreamValue): Forwarded {
    const oldValue = this.store.get(key) ?? null;
    if (value === null) this.store.delete(key);
    else this.store.set(key, value);
    return { key, newValue: value, oldValue };
  }
}
