/**
 * Which parallel subtask owns a key (Flink's KeyGroupRangeAssignment): the key's Java hashCode,
 * scrambled by MathUtils.murmurHash, picks one of `maxParallelism` key groups (default 128), and
 * key groups are split into contiguous ranges, one per subtask.
 */
import { javaStringHashCode } from '../group/java-hash';

export const DEFAULT_MAX_PARALLELISM = 128;

function bitMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/** MathUtils.murmurHash(int): a non-negative int. */
export function flinkMurmurHash(code: number): number {
  code = Math.imul(code, 0xcc9e2d51);
  code = rotl(code, 15);
  code = Math.imul(code, 0x1b873593);
  code = rotl(code, 13);
  code = (Math.imul(code, 5) + 0xe6546b64) | 0;
  code ^= 4;
  code = bitMix(code);
  if (code >= 0) return code;
  return code !== -2147483648 ? -code : 0;
}

export function keyGroupOf(key: string | null, maxParallelism = DEFAULT_MAX_PARALLELISM): number {
  return flinkMurmurHash(key === null ? 0 : javaStringHashCode(key)) % maxParallelism;
}

/** The subtask index of a key: keyGroup × parallelism / maxParallelism. */
export function subtaskForKey(
  key: string | null,
  parallelism: number,
  maxParallelism = DEFAULT_MAX_PARALLELISM,
): number {
  return Math.floor((keyGroupOf(key, maxParallelism) * parallelism) / maxParallelism);
}
