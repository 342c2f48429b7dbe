import { describe, expect, it } from 'vitest';
import {
  markSession,
  readMarks,
  skipSession,
  skippedSessions,
  uncleanExit,
  unmarkSession,
  unskipSession,
} from './open-guard';
import { avoidSessions, forgetTabSession, planFor, readTabSession, writeTabSession } from './open-plan';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('open guard', () => {
  it('a page that closed cleanly leaves nothing behind', () => {
    const storage = memoryStorage();
    markSession(storage, 'a', 'opening');
    markSession(storage, 'a', 'open');
    unmarkSession(storage, 'a');
    expect(uncleanExit(readMarks(storage), new Set())).toBeUndefined();
  });

  it('a session left opening is one to steer around; one left open only opens paused', () => {
    const storage = memoryStorage();
    markSession(storage, 'ran', 'open');
    expect(uncleanExit(readMarks(storage), new Set())).toEqual({ kind: 'didNotClose', sessionId: 'ran' });
    markSession(storage, 'hung', 'opening');
    // The one that never finished opening counts first, whatever the order.
    expect(uncleanExit(readMarks(storage), new Set())).toEqual({ kind: 'didNotOpen', sessionId: 'hung' });
  });

  it('a session another tab holds open right now is not an unclean exit', () => {
    const storage = memoryStorage();
    markSession(storage, 'live', 'opening');
    expect(uncleanExit(readMarks(storage), new Set(['live']))).toBeUndefined();
  });

  it('garbled storage reads as nothing, and a blocked storage is survived', () => {
    const storage = memoryStorage();
    storage.setItem('streamlab.openGuard', '{not json');
    expect(readMarks(storage).size).toBe(0);
    storage.setItem('streamlab.openGuard', JSON.stringify({ a: 'open', b: 'bogus', c: 3 }));
    expect([...readMarks(storage)]).toEqual([['a', 'open']]);
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => markSession(blocked, 'a', 'open')).not.toThrow();
    expect(() => skipSession(blocked, 'a')).not.toThrow();
    expect(uncleanExit(readMarks(blocked), new Set())).toBeUndefined();
  });

  it('keeps the newest marks and skips only, so storage cannot grow without end', () => {
    const storage = memoryStorage();
    for (let i = 0; i < 50; i++) {
      markSession(storage, `s${i}`, 'open');
      skipSession(storage, `s${i}`);
    }
    expect(readMarks(storage).size).toBe(20);
    expect(readMarks(storage).has('s49')).toBe(true);
    expect(skippedSessions(storage)).toHaveLength(20);
    unskipSession(storage, 's49');
    expect(skippedSessions(storage)).not.toContain('s49');
  });
});

describe('steering the open plan', () => {
  const config = { seed: 1, paused: false, pinned: false };
  const url = 'http://localhost/';

  it('a reload of an avoided session opens a new one; "resume the latest" passes over it', () => {
    const tab = memoryStorage();
    writeTabSession(tab, 'bad', url);
    const restore = planFor(config, url, readTabSession(tab));
    expect(restore.kind).toBe('restore');
    expect(avoidSessions(restore, ['bad']).kind).toBe('fresh');
    expect(avoidSessions(restore, ['other'])).toEqual(restore);
    const latest = planFor(config, url, undefined);
    expect(avoidSessions(latest, ['bad'])).toMatchObject({ kind: 'latest', exclude: ['bad'] });
  });

  it('a forgotten tab session is not restored', () => {
    const tab = memoryStorage();
    writeTabSession(tab, 'x', url);
    forgetTabSession(tab);
    expect(readTabSession(tab)).toBeUndefined();
  });
});
