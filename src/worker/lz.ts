/**
 * A small, synchronous LZ77 byte compressor (the LZ4 block format: a token of literal and match
 * lengths, the literals, a 16-bit back offset, length extensions in 255-steps). Old trace pages are
 * JSON that repeats itself heavily (the same Fetch and Heartbeat shapes thousands of times), which
 * this shrinks 10–20×, and reading a page back must be synchronous (the timeline reads it in the
 * middle of a request), which `CompressionStream` is not.
 */

const MIN_MATCH = 4;
/** The last bytes of a block are always literals (no match may reach into them). */
const END_LITERALS = 12;
const HASH_BITS = 14;
const MAX_OFFSET = 0xffff;

function hash4(src: Uint8Array, i: number): number {
  const v = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
  return Math.imul(v, 2654435761) >>> (32 - HASH_BITS);
}

/** Compress `src`; the result holds its original length in the first four bytes. */
export function lzCompress(src: Uint8Array): Uint8Array {
  const n = src.length;
  // Worst case: every byte a literal, plus one length byte per 255 and the header.
  const out = new Uint8Array(n + Math.ceil(n / 255) + 16);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let o = 4;
  out[0] = n & 0xff;
  out[1] = (n >>> 8) & 0xff;
  out[2] = (n >>> 16) & 0xff;
  out[3] = (n >>> 24) & 0xff;
  let anchor = 0;
  let i = 0;
  const limit = n - END_LITERALS;
  while (i < limit) {
    const h = hash4(src, i);
    const candidate = table[h]!;
    table[h] = i;
    if (
      candidate < 0 ||
      i - candidate > MAX_OFFSET ||
      src[candidate] !== src[i] ||
      src[candidate + 1] !== src[i + 1] ||
      src[candidate + 2] !== src[i + 2] ||
      src[candidate + 3] !== src[i + 3]
    ) {
      i++;
      continue;
    }
    let len = MIN_MATCH;
    while (i + len < limit && src[candidate + len] === src[i + len]) len++;
    o = writeSequence(out, o, src, anchor, i - anchor, i - candidate, len);
    i += len;
    anchor = i;
  }
  o = writeSequence(out, o, src, anchor, n - anchor, 0, 0);
  return out.slice(0, o);
}

function writeSequence(
  out: Uint8Array,
  o: number,
  src: Uint8Array,
  from: number,
  literals: number,
  offset: number,
  matchLen: number,
): number {
  const tokenAt = o++;
  const extraMatch = matchLen === 0 ? 0 : matchLen - MIN_MATCH;
  out[tokenAt] = (Math.min(literals, 15) << 4) | Math.min(extraMatch, 15);
  if (literals >= 15) o = writeLength(out, o, literals - 15);
  out.set(src.subarray(from, from + literals), o);
  o += literals;
  if (matchLen === 0) return o; // the final sequence: literals only
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  if (extraMatch >= 15) o = writeLength(out, o, extraMatch - 15);
  return o;
}

function writeLength(out: Uint8Array, o: number, rest: number): number {
  while (rest >= 255) {
    out[o++] = 255;
    rest -= 255;
  }
  out[o++] = rest;
  return o;
}

/** The bytes `lzCompress` was given. Throws on a block that is not one of its outputs. */
export function lzDecompress(block: Uint8Array): Uint8Array {
  const n = (block[0]! | (block[1]! << 8) | (block[2]! << 16) | (block[3]! << 24)) >>> 0;
  const out = new Uint8Array(n);
  let i = 4;
  let o = 0;
  while (i < block.length) {
    const token = block[i++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do literals += b = block[i++]!;
      while (b === 255);
    }
    if (i + literals > block.length || o + literals > n) throw new Error('corrupt compressed block');
    out.set(block.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= block.length) break;
    const offset = block[i]! | (block[i + 1]! << 8);
    i += 2;
    let len = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let b: number;
      do len += b = block[i++]!;
      while (b === 255);
    }
    const from = o - offset;
    if (offset === 0 || from < 0 || o + len > n) throw new Error('corrupt compressed block');
    for (let k = 0; k < len; k++) out[o + k] = out[from + k]!;
    o += len;
  }
  if (o !== n) throw new Error('corrupt compressed block');
  return out;
}
