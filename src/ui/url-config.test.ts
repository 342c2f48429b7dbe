import { describe, expect, it } from 'vitest';
import { parseUrlConfig } from './url-config';

describe('the URL config', () => {
  it('defaults to seed 1, playing, from time zero', () => {
    expect(parseUrlConfig('')).toEqual({ seed: 1, paused: false, pinned: false });
  });

  it('reads the seed and a bare ?paused', () => {
    expect(parseUrlConfig('?seed=42&paused')).toEqual({ seed: 42, paused: true, pinned: true });
    expect(parseUrlConfig('?seed=-7')).toEqual({ seed: -7, paused: false, pinned: true });
  });

  it('treats ?at as run-to-then-pause', () => {
    expect(parseUrlConfig('?seed=1&at=1000')).toEqual({ seed: 1, paused: true, atMs: 1000, pinned: true });
    expect(parseUrlConfig('?at=0&paused')).toEqual({ seed: 1, paused: true, atMs: 0, pinned: true });
  });

  it('ignores a time too far away to replay quickly', () => {
    expect(parseUrlConfig('?at=3600001')).toMatchObject({ seed: 1, paused: false, pinned: true });
    expect(parseUrlConfig('?at=3600001').atMs).toBeUndefined();
  });

  it('falls back to defaults on anything that is not a whole number', () => {
    for (const bad of ['abc', '1.5', '1e3', '', '0x10', '99999999999999999']) {
      const config = parseUrlConfig(`?seed=${bad}&at=${bad}`);
      expect(config).toMatchObject({ seed: 1, paused: false, pinned: true });
      expect(config.atMs).toBeUndefined();
      expect(config.warnings).toHaveLength(2);
    }
    expect(parseUrlConfig('?at=-5')).toMatchObject({ seed: 1, paused: false, pinned: true });
  });
});

describe('what the URL asked for and did not get is said', () => {
  it('a seed or time that is not a number falls back, with a warning naming what was used', () => {
    const config = parseUrlConfig('?seed=abc&at=-5');
    expect(config.seed).toBe(1);
    expect(config.atMs).toBeUndefined();
    expect(config.warnings).toEqual([
      '“seed=abc” is not a whole number, so seed 1 was used.',
      '“at=-5” is not a time from 0 to 3600000 ms, so the session starts at 0.',
    ]);
    expect(parseUrlConfig('?seed=7&at=100').warnings).toBeUndefined();
  });
});
