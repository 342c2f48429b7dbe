import { describe, expect, it } from 'vitest';
import { planFor, readTabSession, urlDigest, writeTabSession } from './open-plan';
import { parseUrlConfig } from './url-config';

const scenario = {
  format: 'streamlab.scenario',
  version: 1,
  options: { seed: 9, brokers: 3 },
  commands: [],
  atMs: 0,
  endMs: 0,
} as const;

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

describe('which session a page load opens', () => {
  const url = 'http://x/?seed=3&paused';

  it('restores this tab’s session when the URL is the one that opened it (a reload)', () => {
    const tab = { id: 'abc', url: urlDigest(url) };
    expect(planFor(parseUrlConfig('?seed=3&paused'), url, tab)).toMatchObject({
      kind: 'restore',
      sessionId: 'abc',
    });
  });

  it('opens a new session for a pinned URL, a shared scenario for a link, and resumes otherwise', () => {
    const other = { id: 'abc', url: urlDigest('http://x/?seed=4') };
    expect(planFor(parseUrlConfig('?seed=3&paused'), url, other)).toEqual({
      kind: 'fresh',
      session: { options: { seed: 3, brokers: 3 } },
    });
    expect(
      planFor(parseUrlConfig(''), 'http://x/#scenario=z1.a', undefined, { ...scenario, commands: [] }),
    ).toMatchObject({ kind: 'scenario' });
    expect(planFor(parseUrlConfig(''), 'http://x/', undefined)).toEqual({
      kind: 'latest',
      fallback: { options: { seed: 1, brokers: 3 } },
    });
    // The lessons' clusters are left out of "resume the latest".
    const config = { ...parseUrlConfig(''), skipOnResume: ['lesson-session'] };
    expect(planFor(config, 'http://x/', undefined)).toMatchObject({
      kind: 'latest',
      exclude: ['lesson-session'],
    });
    expect(planFor(parseUrlConfig('?at=500'), 'http://x/?at=500', undefined)).toEqual({
      kind: 'fresh',
      session: { options: { seed: 1, brokers: 3 }, atMs: 500 },
    });
  });

  it('remembers the session per tab, and shrugs off storage that is garbled or missing', () => {
    const storage = memoryStorage();
    writeTabSession(storage, 'id-1', url);
    expect(readTabSession(storage)).toEqual({ id: 'id-1', url: urlDigest(url) });
    storage.setItem('streamlab.session', '{not json');
    expect(readTabSession(storage)).toBeUndefined();
    expect(readTabSession(undefined)).toBeUndefined();
  });
});
