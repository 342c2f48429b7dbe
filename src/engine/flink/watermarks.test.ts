import { describe, expect, it } from 'vitest';
import { elementWaits, newAlignment, onBarrier } from './barriers';
import { subtaskForKey, flinkMurmurHash } from './key-groups';
import {
  boundedOutOfOrdernessWatermark,
  combinedWatermark,
  formatWatermark,
  NO_WATERMARK,
  sourceWatermark,
  windowFires,
  windowLate,
} from './watermarks';

describe('watermarks', () => {
  it('forBoundedOutOfOrderness(d) emits max timestamp − d − 1', () => {
    expect(boundedOutOfOrdernessWatermark(12000, 2000)).toBe(9999);
    expect(boundedOutOfOrdernessWatermark(NO_WATERMARK, 2000)).toBe(NO_WATERMARK);
  });

  it('is the minimum over partitions: an idle partition holds it back', () => {
    expect(sourceWatermark([15000, 4000], 1000)).toBe(2999);
    expect(sourceWatermark([15000, NO_WATERMARK], 1000)).toBe(NO_WATERMARK);
    expect(formatWatermark(sourceWatermark([15000, NO_WATERMARK], 1000))).toBe('No Watermark');
    expect(combinedWatermark([5, 3, 9])).toBe(3);
    expect(combinedWatermark([])).toBe(NO_WATERMARK);
  });

  it('fires [0,10000) at watermark 9999, and drops late elements after allowed lateness', () => {
    expect(windowFires(10000, 9998)).toBe(false);
    expect(windowFires(10000, 9999)).toBe(true);
    expect(windowLate(10000, 0, 9999)).toBe(true);
    expect(windowLate(10000, 500, 9999)).toBe(false);
    expect(windowLate(10000, 500, 10499)).toBe(true);
  });
});

describe('aligned barriers', () => {
  it('blocks a channel after its barrier until every channel has it', () => {
    const s = newAlignment();
    expect(elementWaits(s, 0)).toBe(false);
    expect(onBarrier(s, 0, 1, 3, 0)).toEqual({ kind: 'blocked' });
    expect(elementWaits(s, 0)).toBe(true);
    expect(elementWaits(s, 1)).toBe(false);
    expect(onBarrier(s, 2, 1, 3, 0)).toEqual({ kind: 'blocked' });
    expect(onBarrier(s, 1, 1, 3, 0)).toEqual({ kind: 'aligned', checkpointId: 1 });
    expect(elementWaits(s, 0)).toBe(false);
  });

  it('a newer barrier supersedes an unfinished alignment; old barriers are ignored', () => {
    const s = newAlignment();
    onBarrier(s, 0, 4, 2, 3);
    expect(onBarrier(s, 1, 5, 2, 3)).toEqual({ kind: 'superseded', aborted: 4 });
    expect(s.blocked).toEqual([1]);
    expect(onBarrier(s, 0, 4, 2, 3)).toEqual({ kind: 'ignored' });
    expect(onBarrier(s, 0, 3, 2, 3)).toEqual({ kind: 'ignored' });
    expect(onBarrier(s, 0, 5, 2, 3)).toEqual({ kind: 'aligned', checkpointId: 5 });
  });
});

describe('key groups', () => {
  it('MathUtils.murmurHash is non-negative and spreads keys over subtasks', () => {
    expect(flinkMurmurHash(0)).toBeGreaterThanOrEqual(0);
    const hit = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((k) => subtaskForKey(k, 2)));
    expect(hit).toEqual(new Set([0, 1]));
  });
});
