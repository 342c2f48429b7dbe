/**
 * The engine's only source of randomness: sfc32 ("Small Fast Counter", Chris Doty-Humphrey,
 * PractRand), 128 bits of state, seeded through splitmix32.
 *
 * State is a plain 4-number array so that it is cloned with the rest of the simulation state
 * (keyframes, time travel). Independent streams are derived from one seed and a stream name
 * (`deriveStream(seed, 'node:broker-1')`), so adding traffic on one node does not shift the
 * random draws of every other node: a lesson's pinned seed keeps its outcome as the engine grows.
 */
export type PrngState = [number, number, number, number];

function splitmix32(x: number): [number, number] {
  const next = (x + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/** FNV-1a over UTF-16 code units: only used to turn stream names into seeds. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function seedPrng(seed: number): PrngState {
  let x = seed | 0;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [next, value] = splitmix32(x);
    x = next;
    out.push(value);
  }
  const state = out as PrngState;
  // Discard the first outputs: sfc32 mixes slowly from a fresh state.
  for (let i = 0; i < 12; i++) nextU32(state);
  return state;
}

export function deriveStream(seed: number, name: string): PrngState {
  return seedPrng((seed ^ hashName(name)) | 0);
}

/** Next 32-bit unsigned integer; advances `s` in place. */
export function nextU32(s: PrngState): number {
  const t = (((s[0] + s[1]) | 0) + s[3]) | 0;
  s[3] = (s[3] + 1) | 0;
  s[0] = s[1] ^ (s[1] >>> 9);
  s[1] = (s[2] + (s[2] << 3)) | 0;
  s[2] = (s[2] << 21) | (s[2] >>> 11);
  s[2] = (s[2] + t) | 0;
  return t >>> 0;
}

/** Uniform float in [0, 1). */
export function nextFloat(s: PrngState): number {
  return nextU32(s) / 4294967296;
}

/** Uniform integer in [0, n). `n` must be a positive integer no larger than 2^32. */
export function nextInt(s: PrngState, n: number): number {
  return Math.floor(nextFloat(s) * n);
}

/** Uniform integer in [min, max], both included. */
export function nextIntBetween(s: PrngState, min: number, max: number): number {
  return min + nextInt(s, max - min + 1);
}
