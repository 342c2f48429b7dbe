/**
 * Wires the keyboard shortcuts (keyboard.ts) to the session. Call during a component's setup: the
 * listener lives as long as the component.
 */
import type { EngineSession } from '../engine-session.svelte';
import { SPEEDS } from '../playback/playback.svelte';
import { shortcutFor, type ShortcutAction } from './keyboard';

export interface HelpControls {
  toggleHelp: () => void;
  closeHelp: () => void;
  helpOpen: () => boolean;
}

/**
 * Where a held Shift+arrow is heading: key repeats arrive faster than the worker answers, so each
 * press moves on from the previous target rather than from the clock that has not caught up yet.
 */
let seekTarget: number | undefined;
let seekAtWallMs = 0;
/** A target older than this is stale (the scrubber or playback may have moved the clock since). */
const SEEK_FRESH_MS = 1500;

function seekBy(session: EngineSession, ms: number): void {
  const fresh = seekTarget !== undefined && performance.now() - seekAtWallMs < SEEK_FRESH_MS;
  const base = fresh && session.nowMs !== seekTarget ? seekTarget! : session.nowMs;
  seekTarget = Math.max(0, base + ms);
  seekAtWallMs = performance.now();
  session.playback.seek(seekTarget);
}

function perform(session: EngineSession, action: ShortcutAction, help: HelpControls): void {
  if (action.type === 'forward' || action.type === 'back') {
    if (action.ms !== undefined) return seekBy(session, action.type === 'forward' ? action.ms : -action.ms);
    seekTarget = undefined;
    if (action.type === 'forward') void session.playback.stepForward();
    else session.playback.stepBack();
    return;
  }
  switch (action.type) {
    case 'toggle':
      seekTarget = undefined;
      return session.playback.toggle();
    case 'faster':
    case 'slower': {
      const i = SPEEDS.indexOf(session.playback.speed) + (action.type === 'faster' ? 1 : -1);
      const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, i))];
      if (next !== undefined) session.playback.setSpeed(next);
      return;
    }
    case 'help':
      return help.toggleHelp();
    case 'close':
      return help.closeHelp();
  }
}

export function useShortcuts(session: EngineSession, help: HelpControls): void {
  $effect(() => {
    const onKeydown = (event: KeyboardEvent) => {
      const el = event.target instanceof HTMLElement ? event.target : null;
      const action = shortcutFor({
        key: event.key,
        shiftKey: event.shiftKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        target: el && {
          tagName: el.tagName,
          isContentEditable: el.isContentEditable,
          role: el.getAttribute('role'),
          type: el instanceof HTMLInputElement ? el.type : undefined,
        },
      });
      if (!action) return;
      // With the help open only help keys count; the page behind it is inert.
      if (help.helpOpen() && action.type !== 'help' && action.type !== 'close') return;
      if (action.type !== 'close' && session.status !== 'ready') return;
      event.preventDefault();
      perform(session, action, help);
    };
    window.addEventListener('keydown', onKeydown);
    return () => window.removeEventListener('keydown', onKeydown);
  });
}
