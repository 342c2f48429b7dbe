import { describe, expect, it } from 'vitest';
import { BIG_STEP_MS, shortcutFor, type KeyLike } from './keyboard';

const on = (tagName: string, extra: Partial<NonNullable<KeyLike['target']>> = {}) => ({
  tagName,
  isContentEditable: false,
  role: null,
  ...extra,
});
const key = (k: string, target: KeyLike['target'] = on('BODY'), shiftKey = false): KeyLike => ({
  key: k,
  shiftKey,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
});

describe('keyboard shortcuts', () => {
  it('maps space, arrows and ? on the page', () => {
    expect(shortcutFor(key(' '))).toEqual({ type: 'toggle' });
    expect(shortcutFor(key('ArrowRight'))).toEqual({ type: 'forward' });
    expect(shortcutFor(key('ArrowRight', on('BODY'), true))).toEqual({ type: 'forward', ms: BIG_STEP_MS });
    expect(shortcutFor(key('ArrowLeft'))).toEqual({ type: 'back' });
    expect(shortcutFor(key('ArrowUp'))).toEqual({ type: 'faster' });
    expect(shortcutFor(key('ArrowDown'))).toEqual({ type: 'slower' });
    expect(shortcutFor(key('?'))).toEqual({ type: 'help' });
  });

  it('leaves keys to form fields, buttons, tabs and lists', () => {
    expect(shortcutFor(key(' ', on('INPUT', { type: 'text' })))).toBeUndefined();
    expect(shortcutFor(key('?', on('TEXTAREA')))).toBeUndefined();
    expect(shortcutFor(key(' ', on('BUTTON')))).toBeUndefined();
    expect(shortcutFor(key('ArrowRight', on('BUTTON', { role: 'tab' })))).toBeUndefined();
    expect(shortcutFor(key('ArrowDown', on('DIV', { role: 'region' })))).toBeUndefined();
    expect(shortcutFor(key('ArrowRight', on('BUTTON')))).toEqual({ type: 'forward' });
    expect(shortcutFor({ ...key('ArrowRight'), ctrlKey: true })).toBeUndefined();
  });
});
