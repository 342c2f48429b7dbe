import { describe, expect, it } from 'vitest';
import { WELCOME_KEY, rememberWelcomed, shouldWelcome } from './welcome';

function memory(): Pick<Storage, 'getItem' | 'setItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('the first-visit welcome', () => {
  it('greets a first visit to the bare address once', () => {
    const store = memory();
    expect(shouldWelcome({ search: '', hash: '' }, store)).toBe(true);
    rememberWelcomed(store);
    expect(store.getItem(WELCOME_KEY)).toBe('seen');
    expect(shouldWelcome({ search: '', hash: '' }, store)).toBe(false);
  });

  it('never stands between a link and what it names', () => {
    expect(shouldWelcome({ search: '?seed=3', hash: '' }, memory())).toBe(false);
    expect(shouldWelcome({ search: '', hash: '#scenario=z1.x' }, memory())).toBe(false);
  });

  it('stays away when storage is blocked', () => {
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(shouldWelcome({ search: '', hash: '' }, blocked)).toBe(false);
    expect(() => rememberWelcomed(blocked)).not.toThrow();
  });
});
