/**
 * Java's hashing, reproduced bit for bit where Kafka's behaviour depends on it:
 * - `String.hashCode` picks the coordinator partition of a group or transactional id (reference §3.2);
 * - `java.util.HashMap`/`HashSet` iteration order decides ties inside the sticky assignors (§2.3).
 */
import { EngineError } from '../errors';

/** Java `String.hashCode`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, wrapping at 32 bits. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's `Utils.abs`: Math.abs, except that Integer.MIN_VALUE maps to 0 instead of staying negative. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/**
 * Partition of `__consumer_offsets` (or `__transaction_state`) that holds a group's (or transactional
 * id's) state; its leader is the coordinator. `Utils.abs(id.hashCode()) % numPartitions`.
 */
export function coordinatorPartition(groupOrTxnId: string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new EngineError(
      'INVALID_COMMAND',
      `numPartitions must be a positive integer, got ${numPartitions}.`,
    );
  }
  return kafkaAbs(javaStringHashCode(groupOrTxnId)) % numPartitions;
}

const DEFAULT_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
/** A bin that reaches this many entries is treeified, or the table resized while it is small. */
const TREEIFY_AT = 9;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * A `java.util.HashSet` (equally the key set of a `HashMap`) reduced to what decides its iteration
 * order: bucket = (h ^ h>>>16) & (capacity-1); a new key goes to the tail of its bucket; the table
 * doubles when size > 0.75*capacity or when a bucket reaches 9 entries below capacity 64; a resize
 * keeps the relative order inside each bucket. Capacity never shrinks, so removals matter too.
 * Not modelled: treeified bins (9+ colliding keys in a table of 64+), which reorder their bucket.
 */
export class JavaHashSet<T> {
  private buckets: T[][];
  private readonly keys = new Map<string, number>();

  constructor(
    private readonly hashOf: (item: T) => number,
    private readonly keyOf: (item: T) => string,
    initialCapacity = DEFAULT_CAPACITY,
  ) {
    this.buckets = emptyBuckets(tableSizeFor(initialCapacity));
  }

  get size(): number {
    return this.keys.size;
  }

  has(item: T): boolean {
    return this.keys.has(this.keyOf(item));
  }

  add(item: T): boolean {
    const key = this.keyOf(item);
    if (this.keys.has(key)) return false;
    const h = this.hashOf(item);
    this.keys.set(key, h);
    const bucket = this.buckets[this.indexOf(h)]!;
    bucket.push(item);
    if (bucket.length >= TREEIFY_AT && this.buckets.length < MIN_TREEIFY_CAPACITY) this.resize();
    if (this.keys.size > this.buckets.length * LOAD_FACTOR) this.resize();
    return true;
  }

  delete(item: T): boolean {
    const key = this.keyOf(item);
    const h = this.keys.get(key);
    if (h === undefined) return false;
    this.keys.delete(key);
    const bucket = this.buckets[this.indexOf(h)]!;
    bucket.splice(
      bucket.findIndex((x) => this.keyOf(x) === key),
      1,
    );
    return true;
  }

  /** Items in Java's iteration order. */
  values(): T[] {
    return this.buckets.flat();
  }

  first(): T | undefined {
    for (const bucket of this.buckets) if (bucket.length > 0) return bucket[0];
    return undefined;
  }

  private indexOf(h: number): number {
    return (h ^ (h >>> 16)) & (this.buckets.length - 1);
  }

  private resize(): void {
    const old = this.buckets;
    this.buckets = emptyBuckets(old.length * 2);
    // Walking old buckets in order keeps each new bucket in its old relative order, as Java's split does.
    for (const bucket of old)
      for (const item of bucket) this.buckets[this.indexOf(this.hashOf(item))]!.push(item);
  }
}

function emptyBuckets<T>(capacity: number): T[][] {
  return Array.from({ length: capacity }, () => []);
}

/** HashMap's `tableSizeFor`: the smallest power of two ≥ n (at least 1). */
function tableSizeFor(n: number): number {
  let cap = 1;
  while (cap < n) cap *= 2;
  return cap;
}

/**
 * The order in which a `HashMap<String, …>` (or `HashSet<String>`) created with the default capacity
 * iterates `keys`, given that they were put in this order. Duplicates keep their first position.
 * Observed in Java: consumer1..consumer4 → [consumer4, consumer3, consumer2, consumer1].
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const set = new JavaHashSet<string>(javaStringHashCode, (k) => k);
  for (const k of keys) set.add(k);
  return set.values();
}
