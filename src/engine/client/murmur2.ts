/**
 * Kafka's key partitioner: murmur2 over the serialized key, exactly as
 * `org.apache.kafka.common.utils.Utils.murmur2` computes it (reference §1.1, §1.2).
 *
 * Java does this on 32-bit `int`s that wrap on overflow; here every multiply is `Math.imul` and every
 * sum is truncated with `| 0`, which gives the same bits. Keys are hashed as their UTF-8 bytes
 * (Kafka's `StringSerializer`), so `utf8Bytes` must agree with `TextEncoder` byte for byte.
 */

import { EngineError } from '../errors';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's `Utils.murmur2`: a signed 32-bit hash of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const words = length >>> 2;
  for (let i = 0; i < words; i++) {
    const j = i << 2;
    // Little-endian 4-byte word; bytes are unsigned already, so OR equals Java's sum of masked bytes.
    let k = data[j]! | (data[j + 1]! << 8) | (data[j + 2]! << 16) | (data[j + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The tail falls through in Java (case 3 → 2 → 1); the ifs below keep that order.
  const tail = length & 3;
  const base = length & ~3;
  if (tail === 3) h ^= data[base + 2]! << 16;
  if (tail >= 2) h ^= data[base + 1]! << 8;
  if (tail >= 1) {
    h ^= data[base]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit. It is NOT Math.abs (toPositive(-1) is 2^31-1). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * UTF-8 bytes of `s`, as `new TextEncoder().encode(s)` gives them. Keys are usually ASCII, so that
 * case is one tight loop; anything else goes through a hand-written encoder (no TextEncoder in the
 * engine: it keeps the hot path allocation-light and the engine free of host APIs).
 */
export function utf8Bytes(s: string): Uint8Array {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) return encodeUtf8(s);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** UTF-8 of any string. A lone surrogate becomes U+FFFD (EF BF BD), as TextEncoder does. */
function encodeUtf8(s: string): Uint8Array {
  const out: number[] = [];
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * The partition Kafka's producer picks for a keyed record: `toPositive(murmur2(utf8(key))) % n`,
 * where n counts every partition of the topic, available or not (`BuiltInPartitioner.partitionForKey`).
 */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new EngineError(
      'INVALID_COMMAND',
      `numPartitions must be a positive integer, got ${numPartitions}.`,
    );
  }
  const bytes = typeof key === 'string' ? utf8Bytes(key) : key;
  return toPositive(murmur2(bytes)) % numPartitions;
}
