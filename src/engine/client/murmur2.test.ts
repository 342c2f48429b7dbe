import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { murmur2, partitionForKey, toPositive, utf8Bytes } from './murmur2';

/**
 * Reference §1.3: [key, murmur2, toPositive, p(3), p(6), p(10), p(12)]. Rows K come from Kafka's
 * UtilsTest#testMurmur2, J from KafkaJS (generated with Java), C were cross-checked against Java.
 */
const VECTORS: [string, number, number, number, number, number, number][] = [
  ['21', -973932308, 1173551340, 0, 0, 0, 0], // K
  ['foobar', -790332482, 1357151166, 0, 0, 6, 6], // K
  ['a-little-bit-long-string', -985981536, 1161502112, 2, 2, 2, 8], // K
  ['a-little-bit-longer-string', -1486304829, 661178819, 2, 5, 9, 11], // K
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 2088585677, 2, 5, 7, 5], // K
  ['abc', 479470107, 479470107, 0, 3, 7, 3], // K
  ['0', 971027396, 971027396, 2, 2, 6, 8], // J
  ['1', -1993445489, 154038159, 0, 3, 9, 3], // J
  ['128', -326012175, 1821471473, 2, 5, 3, 5], // J
  ['2187', -1508407203, 639076445, 2, 5, 5, 5], // J
  ['16384', -325739742, 1821743906, 2, 2, 6, 2], // J
  ['78125', -1654490814, 492992834, 2, 2, 4, 2], // J
  ['279936', 1462227128, 1462227128, 2, 2, 8, 8], // J
  ['823543', -2014198330, 133285318, 1, 4, 8, 10], // J
  ['2097152', 607668903, 607668903, 0, 3, 3, 3], // J
  ['4782969', -1182699775, 964783873, 1, 1, 3, 1], // J
  ['10000000', -1830336757, 317146891, 1, 1, 1, 7], // J
  ['19487171', -1603849305, 543634343, 2, 5, 3, 11], // J
  ['35831808', -857013643, 1290470005, 1, 1, 5, 1], // J
  ['62748517', -1167431028, 980052620, 2, 2, 0, 8], // J
  ['105413504', -381294639, 1766189009, 2, 5, 9, 5], // J
  ['170859375', -1658323481, 489160167, 0, 3, 7, 3], // J
  ['100:48069', 1009543857, 1009543857, 0, 3, 7, 9], // J
  ['key', -1079937367, 1067546281, 1, 1, 1, 1], // C
  ['user-1', 1404122828, 1404122828, 2, 2, 8, 8], // C
  ['user-2', -324981792, 1822501856, 2, 2, 6, 8], // C
  ['hello', 2132663229, 2132663229, 0, 3, 9, 9], // C
  ['', 275646681, 275646681, 0, 3, 1, 9], // C
  ['order-42', 501153024, 501153024, 0, 0, 4, 0], // C
  ['customer-7', -1283830537, 863653111, 1, 1, 1, 7], // C
  ['été', -2101193575, 46290073, 1, 1, 3, 1], // C
  ['a', -1563381124, 584102524, 1, 4, 4, 4], // C
  ['ab', 316155434, 316155434, 2, 2, 4, 2], // C
  ['abcd', -1323649548, 823834100, 2, 2, 0, 8], // C
  ['abcde', 461995741, 461995741, 1, 1, 1, 1], // C
];

describe('murmur2 matches Kafka (reference §1.3)', () => {
  it('covers every row of the vector table', () => expect(VECTORS).toHaveLength(35));

  it.each(VECTORS)('hashes %j like Utils.murmur2', (key, hash, positive, p3, p6, p10, p12) => {
    const bytes = utf8Bytes(key);
    expect(murmur2(bytes)).toBe(hash);
    expect(toPositive(murmur2(bytes))).toBe(positive);
    expect([3, 6, 10, 12].map((n) => partitionForKey(key, n))).toEqual([p3, p6, p10, p12]);
  });

  it('gives the same partition for a key given as bytes', () => {
    for (const [key, , , p3, p6, p10, p12] of VECTORS) {
      const bytes = new TextEncoder().encode(key);
      expect([3, 6, 10, 12].map((n) => partitionForKey(bytes, n))).toEqual([p3, p6, p10, p12]);
    }
  });

  it('always returns a signed 32-bit integer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = murmur2(bytes);
        expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
      }),
    );
  });
});

describe('toPositive', () => {
  it('clears the sign bit rather than negating', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(5)).toBe(5);
  });
});

describe('utf8Bytes', () => {
  it('encodes ASCII one byte per character', () => {
    expect([...utf8Bytes('user-1')]).toEqual([117, 115, 101, 114, 45, 49]);
  });

  it('encodes two-, three- and four-byte characters and surrogate pairs', () => {
    expect([...utf8Bytes('été')]).toEqual([0xc3, 0xa9, 0x74, 0xc3, 0xa9]);
    expect([...utf8Bytes('€')]).toEqual([0xe2, 0x82, 0xac]);
    expect([...utf8Bytes('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
  });

  it('replaces a lone surrogate with U+FFFD, as TextEncoder does', () => {
    expect([...utf8Bytes('a\ud800b')]).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62]);
    expect([...utf8Bytes('\udc00')]).toEqual([0xef, 0xbf, 0xbd]);
  });

  it('equals TextEncoder for arbitrary strings', () => {
    const encoder = new TextEncoder();
    const anyString = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    );
    fc.assert(
      fc.property(anyString, (s) => {
        expect([...utf8Bytes(s)]).toEqual([...encoder.encode(s)]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('partitionForKey', () => {
  it('rejects a partition count below one', () => {
    expect(() => partitionForKey('k', 0)).toThrow(EngineError);
    expect(() => partitionForKey('k', 1.5)).toThrow(EngineError);
  });
});
