import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import {
  coordinatorPartition,
  JavaHashSet,
  javaHashMapOrder,
  javaStringHashCode,
  kafkaAbs,
} from './java-hash';

describe('Java String.hashCode', () => {
  it('matches known Java values', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it('hashes UTF-16 code units, so a surrogate pair counts twice', () => {
    expect(javaStringHashCode('😀')).toBe(31 * 0xd83d + 0xde00);
  });

  it('stays a signed 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const h = javaStringHashCode(s);
        expect(h | 0).toBe(h);
      }),
    );
  });
});

describe('Kafka Utils.abs', () => {
  it('maps Integer.MIN_VALUE to 0 and is Math.abs elsewhere', () => {
    expect(kafkaAbs(-2147483648)).toBe(0);
    expect(kafkaAbs(-5)).toBe(5);
    expect(kafkaAbs(7)).toBe(7);
  });
});

describe('coordinator partition (reference §3.2, 50 partitions)', () => {
  it.each([
    ['my-group', 12],
    ['group', 47],
    ['test-group', 12],
    ['console-consumer-12345', 6],
    ['orders-service', 17],
    ['payments', 13],
    ['consumer-1', 6],
    ['a', 47],
    ['', 0],
    ['polygenelubricants', 0],
  ])('puts %j on partition %i', (id, partition) => {
    expect(coordinatorPartition(id, 50)).toBe(partition);
  });

  it('rejects a partition count below one', () => {
    expect(() => coordinatorPartition('g', 0)).toThrow(EngineError);
  });
});

describe('Java HashMap iteration order', () => {
  it('reproduces the orders observed in Java (reference §2.3)', () => {
    expect(javaHashMapOrder(['consumer1', 'consumer2', 'consumer3', 'consumer4'])).toEqual([
      'consumer4',
      'consumer3',
      'consumer2',
      'consumer1',
    ]);
    expect(javaHashMapOrder(['consumer-1', 'consumer-2', 'consumer-3', 'consumer-4'])).toEqual([
      'consumer-4',
      'consumer-3',
      'consumer-2',
      'consumer-1',
    ]);
    expect(javaHashMapOrder(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(javaHashMapOrder(['c', 'b', 'a'])).toEqual(['a', 'b', 'c']);
  });

  it('keeps insertion order inside a bucket', () => {
    // 'A' = 65, 'Q' = 81 and 'a' = 97 all land in bucket 1 of 16.
    expect(javaHashMapOrder(['a', 'Q', 'A'])).toEqual(['a', 'Q', 'A']);
  });

  it('re-buckets on resize past 12 keys, keeping relative order inside each new bucket', () => {
    const keys = ['a', 'Q', 'A', ...'bcdefghijk'];
    const order = javaHashMapOrder(keys);
    // Capacity 32 now: 'A' (65) and 'a' (97) share bucket 1, 'Q' (81) moves to bucket 17.
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('A'));
    expect(order.indexOf('A')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('k')).toBeLessThan(order.indexOf('Q'));
    expect(order).toEqual(['a', 'A', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'Q']);
  });

  it('resizes instead of treeifying when a bucket reaches 9 keys below capacity 64', () => {
    // Nine one-character keys whose codes are 1 mod 16: all in bucket 1 until the ninth forces a resize.
    const keys = [0x01, 0x11, 0x21, 0x31, 0x41, 0x51, 0x61, 0x71, 0x81].map((c) => String.fromCharCode(c));
    expect(javaHashMapOrder(keys.slice(0, 8))).toEqual(keys.slice(0, 8));
    expect(javaHashMapOrder(keys).map((k) => k.charCodeAt(0))).toEqual([
      0x01, 0x21, 0x41, 0x61, 0x81, 0x11, 0x31, 0x51, 0x71,
    ]);
  });

  it('puts a re-added key at the tail of its bucket and never shrinks', () => {
    const set = new JavaHashSet<string>(javaStringHashCode, (k) => k);
    for (const k of ['a', 'Q', 'A']) set.add(k);
    expect(set.add('a')).toBe(false);
    expect(set.delete('a')).toBe(true);
    expect(set.delete('a')).toBe(false);
    set.add('a');
    expect(set.values()).toEqual(['Q', 'A', 'a']);
    expect(set.first()).toBe('Q');
    expect(set.size).toBe(3);
    expect(set.has('A')).toBe(true);
  });

  it('is a permutation of the distinct keys', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 60 }), (keys) => {
        const order = javaHashMapOrder(keys);
        expect([...order].sort()).toEqual([...new Set(keys)].sort());
      }),
    );
  });
});
