/**
 * Remembers, across visits, whether the last page that opened a session closed cleanly, so a
 * session that froze the tab is not walked into again by a plain visit (issue #21: "a session that
 * cannot be resumed safely opens paused, with a way out").
 *
 * Each session's mark lives in localStorage (it must outlive the tab) and goes through three
 * states: `opening` (the worker is replaying a stored session: a very heavy one can hang there),
 * `open` (the session is on screen), and gone (the page was hidden for good: `pagehide`). A page
 * that froze or crashed never runs `pagehide`, so its mark is still there on the next visit:
 *
 * - left `opening`: that session did not finish opening. It is not reopened; a new session starts
 *   and the notice offers to try it again.
 * - left `open`: the tab went away without closing (a freeze, a crash, a killed browser). The
 *   session opens paused, as any stored session does, and the notice says why and offers a new one.
 *
 * Sessions the learner chose to leave behind ("Start a new session instead") are kept in a short
 * skip list, so the next plain visit does not resume them either.
 */

const MARK_KEY = 'streamlab.openGuard';
const SKIP_KEY = 'streamlab.skipResume';
/** Enough for "the ones I just walked away from"; older entries drop off. */
const SKIP_MAX = 20;
const MARKS_MAX = 20;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;

export type GuardPhase = 'opening' | 'open';

/** Each session some page had opening or open, and not closed since (several tabs: several). */
export function readMarks(storage: Store): Map<string, GuardPhase> {
  const data = readJson(storage, MARK_KEY);
  const marks = new Map<string, GuardPhase>();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return marks;
  for (const [id, phase] of Object.entries(data)) {
    if (phase === 'opening' || phase === 'open') marks.set(id, phase);
  }
  return marks;
}

export function markSession(storage: Store, sessionId: string, phase: GuardPhase): void {
  const marks = readMarks(storage);
  marks.delete(sessionId); // re-inserted last: the newest are kept when the list is trimmed
  marks.set(sessionId, phase);
  writeMarks(storage, [...marks].slice(-MARKS_MAX));
}

export function unmarkSession(storage: Store, sessionId: string): void {
  const marks = readMarks(storage);
  if (marks.delete(sessionId)) writeMarks(storage, [...marks]);
}

function writeMarks(storage: Store, entries: [string, GuardPhase][]): void {
  try {
    storage?.setItem(MARK_KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Storage blocked or full: the guard is a courtesy, the session works without it.
  }
}

export function skippedSessions(storage: Store): string[] {
  const data = readJson(storage, SKIP_KEY);
  return Array.isArray(data) ? data.filter((x): x is string => typeof x === 'string') : [];
}

export function skipSession(storage: Store, id: string): void {
  const ids = [...skippedSessions(storage).filter((x) => x !== id), id].slice(-SKIP_MAX);
  try {
    storage?.setItem(SKIP_KEY, JSON.stringify(ids));
  } catch {
    // as above
  }
}

export function unskipSession(storage: Store, id: string): void {
  const ids = skippedSessions(storage).filter((x) => x !== id);
  try {
    storage?.setItem(SKIP_KEY, JSON.stringify(ids));
  } catch {
    // as above
  }
}

/** What the previous visit left behind, told to the learner. */
export type UncleanExit =
  /** The worker was replaying this session when the tab went away: it is not reopened. */
  | { kind: 'didNotOpen'; sessionId: string }
  /** The session was open when the tab went away without closing: it opens paused. */
  | { kind: 'didNotClose'; sessionId: string };

/**
 * What the previous visits left behind: a mark of a session that no open tab holds (a live tab
 * holds its session's Web Lock; a frozen tab that was closed, or a crashed one, no longer does).
 * A session that did not finish opening counts first: it is the one to steer around.
 */
export function uncleanExit(
  marks: Map<string, GuardPhase>,
  held: ReadonlySet<string>,
): UncleanExit | undefined {
  let found: UncleanExit | undefined;
  for (const [sessionId, phase] of marks) {
    if (held.has(sessionId)) continue;
    if (phase === 'opening') return { kind: 'didNotOpen', sessionId };
    found ??= { kind: 'didNotClose', sessionId };
  }
  return found;
}

function readJson(storage: Store, key: string): unknown {
  try {
    return JSON.parse(storage?.getItem(key) ?? 'null');
  } catch {
    return undefined; // garbled: as if absent
  }
}
