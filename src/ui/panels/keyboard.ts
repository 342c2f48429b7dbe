/**
 * Keyboard shortcuts (issue 7 item 6). Pure mapping from a key event to an action, so it is tested
 * without a browser; App.svelte listens on the window and performs the action.
 *
 * Keys typed into a form field belong to the field, and Space on a focused button or link
 * activates it (the browser does that) rather than toggling playback.
 */
export type ShortcutAction =
  | { type: 'toggle' }
  /** `ms` undefined: to the next event (or back to before the newest events). */
  | { type: 'forward'; ms?: number }
  | { type: 'back'; ms?: number }
  | { type: 'faster' }
  | { type: 'slower' }
  | { type: 'help' }
  | { type: 'close' };

export interface Shortcut {
  keys: string;
  does: string;
}

/** With Shift, the arrows move by this much virtual time instead of event by event. */
export const BIG_STEP_MS = 1000;

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Space', does: 'Play or pause' },
  { keys: '→', does: 'Step forward to the next event' },
  { keys: '←', does: 'Step back to before the newest events' },
  { keys: 'Shift + →', does: `Forward ${BIG_STEP_MS / 1000} s of virtual time` },
  { keys: 'Shift + ←', does: `Back ${BIG_STEP_MS / 1000} s` },
  { keys: '↑ / ↓', does: 'Faster / slower' },
  { keys: '?', does: 'Show or hide this help' },
  { keys: 'Esc', does: 'Close this help' },
];

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag, role and editability. */
  target: { tagName: string; isContentEditable: boolean; role: string | null; type?: string } | null;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const ACTIVATES_ON_SPACE = new Set(['BUTTON', 'A', 'SUMMARY']);
/** Focused widgets that use the arrow keys themselves: tabs, lists, scrollable regions. */
const ARROW_OWNERS = new Set(['tab', 'listbox', 'option', 'slider', 'grid', 'row', 'region']);

export function shortcutFor(e: KeyLike): ShortcutAction | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined; // browser and OS shortcuts
  const t = e.target;
  // Checkboxes and radios are inputs but take no text: only Space belongs to them.
  const typing =
    t !== null &&
    (t.isContentEditable || (TYPING.has(t.tagName) && !(t.type === 'checkbox' || t.type === 'radio')));
  if (typing) return e.key === 'Escape' ? { type: 'close' } : undefined;
  switch (e.key) {
    case ' ':
      if (
        t &&
        (ACTIVATES_ON_SPACE.has(t.tagName) ||
          t.role === 'button' ||
          t.role === 'tab' ||
          TYPING.has(t.tagName))
      )
        return undefined;
      return { type: 'toggle' };
    case 'ArrowRight':
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'ArrowDown':
      if (t?.role && ARROW_OWNERS.has(t.role)) return undefined;
      if (e.key === 'ArrowUp') return { type: 'faster' };
      if (e.key === 'ArrowDown') return { type: 'slower' };
      return e.shiftKey
        ? { type: e.key === 'ArrowRight' ? 'forward' : 'back', ms: BIG_STEP_MS }
        : { type: e.key === 'ArrowRight' ? 'forward' : 'back' };
    case '?':
      return { type: 'help' };
    case 'Escape':
      return { type: 'close' };
    default:
      return undefined;
  }
}
