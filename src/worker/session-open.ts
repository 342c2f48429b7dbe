/**
 * Turning an open plan (this tab's session, the latest one, a new one, a shared scenario) into a
 * timeline, and a scenario into a timeline and back. Everything that can fail here fails before
 * anything is replaced: the caller swaps the new timeline in only once it exists.
 */
import { isEngineError, validateCommand, type TimedCommand } from '../engine';
import type { FreshSession, LoggedCommands, OpenPlan, SessionOrigin } from '../bridge/protocol';
import { SCENARIO_FORMAT, SCENARIO_VERSION, type Scenario } from '../bridge/scenario';
import type { SessionLocks } from '../bridge/session-locks';
import { errorText, type SessionStore, type StoredSession } from './session-store';
import { Timeline } from './timeline';

export interface OpenedSession {
  id: string;
  origin: SessionOrigin;
  timeline: Timeline;
  /** True when the store does not hold this session yet (it must be saved whole). */
  isNew: boolean;
  notice?: string;
}

/** What a second tab on the same session is told (it works on a copy: decision 0004, point 7). */
export const COPY_NOTICE =
  'This session is open in another tab, so this tab works on a copy of it: neither tab overwrites the other.';

export interface OpenContext {
  store: SessionStore;
  locks: SessionLocks;
  newId: () => string;
  /**
   * Told which stored session is about to be replayed, before the replay (which can take long):
   * the page remembers it, so a tab that freezes or is closed while opening it does not walk into
   * the same session again on its next visit (src/ui/open-guard.ts).
   */
  onOpening?: (id: string) => void;
}

export async function openPlan(plan: OpenPlan, ctx: OpenContext): Promise<OpenedSession> {
  switch (plan.kind) {
    case 'fresh':
      return fresh(plan.session, ctx);
    case 'scenario':
      try {
        return await claimNew(timelineFromScenario(plan.scenario), 'shared', ctx);
      } catch (e) {
        const notice = `The shared scenario could not be opened: ${errorText(e)}`;
        return { ...(await fresh(plan.fallback, ctx)), notice };
      }
    case 'restore':
      return (await restore(plan.sessionId, ctx, plan.journal ?? [])) ?? fresh(plan.fallback, ctx);
    case 'latest':
      return (await latest(ctx, new Set(plan.exclude))) ?? fresh(plan.fallback, ctx);
  }
}

async function fresh(session: FreshSession, ctx: OpenContext): Promise<OpenedSession> {
  const timeline = new Timeline(session.options);
  if (session.atMs !== undefined) timeline.seek(session.atMs);
  return claimNew(timeline, 'new', ctx);
}

async function claimNew(timeline: Timeline, origin: SessionOrigin, ctx: OpenContext): Promise<OpenedSession> {
  const id = ctx.newId();
  await ctx.locks.acquire(id);
  return { id, origin, timeline, isNew: true };
}

/** This tab's session after a reload; a copy if another tab has it open meanwhile. */
async function restore(
  id: string,
  ctx: OpenContext,
  journal: readonly LoggedCommands[],
): Promise<OpenedSession | undefined> {
  const mine = await ctx.locks.acquire(id);
  const loaded = await ctx.store.loadSession(id);
  if (!loaded) {
    if (mine) ctx.locks.release(id);
    return undefined;
  }
  ctx.onOpening?.(id);
  // Commands the page saw accepted but the store may have missed (the tab went away first).
  let { session: stored, changed } = withJournal(loaded, journal);
  let opened = replayStored(stored);
  if (!opened.timeline && changed) {
    // A journal that does not fit (garbled tab storage) must not cost the stored session.
    ({ session: stored, changed } = { session: loaded, changed: false });
    opened = replayStored(stored);
  }
  if (!opened.timeline) {
    if (mine) ctx.locks.release(id);
    return undefined;
  }
  // A session completed from the journal is saved whole again (its stored log lacked commands).
  if (mine) return { id, origin: 'restored', timeline: opened.timeline, isNew: changed };
  return { ...(await claimNew(opened.timeline, 'copied', ctx)), notice: COPY_NOTICE };
}

/**
 * The stored session with the page's journal applied in order: each entry replaces the log from
 * its index on (as the dispatch did) and brings its position, unless the store already holds
 * exactly those commands (then the stored position, newer or equal, stands). An entry past the
 * stored log's end cannot be placed (a gap) and ends the merge. Keyframes stored for the old log
 * are dropped when anything changed: they may describe a future the journal replaced.
 */
export function withJournal(
  stored: StoredSession,
  journal: readonly LoggedCommands[],
): { session: StoredSession; changed: boolean } {
  let session = stored;
  let changed = false;
  for (const entry of journal) {
    if (entry.sessionId !== stored.id) continue;
    if (entry.from > session.commandLog.length) break;
    const have = session.commandLog.slice(entry.from, entry.from + entry.entries.length);
    if (JSON.stringify(have) === JSON.stringify(entry.entries)) continue; // stored already
    const { keyframe: _stale, ...rest } = session;
    session = {
      ...rest,
      commandLog: [...session.commandLog.slice(0, entry.from), ...entry.entries],
      position: entry.position,
      endMs: Math.max(entry.endMs, entry.position.nowMs),
    };
    changed = true;
  }
  return { session, changed };
}

/** The most recently saved session that no tab has open (and that is not excluded). */
async function latest(ctx: OpenContext, exclude: ReadonlySet<string>): Promise<OpenedSession | undefined> {
  const held = await ctx.locks.held();
  for (const summary of await ctx.store.listSessions()) {
    if (exclude.has(summary.id)) continue;
    if (held.has(summary.id) || !(await ctx.locks.acquire(summary.id))) continue;
    const stored = await ctx.store.loadSession(summary.id);
    if (stored) ctx.onOpening?.(summary.id);
    const timeline = stored && replayStored(stored).timeline;
    if (timeline) return { id: summary.id, origin: 'resumed', timeline, isNew: false };
    ctx.locks.release(summary.id);
  }
  return undefined;
}

/** Replay a stored session to where the learner was; undefined if the engine cannot (a newer StreamLab). */
export function replayStored(stored: StoredSession): { timeline?: Timeline; error?: string } {
  const recorded = { commands: stored.commandLog, endMs: stored.endMs };
  const toPosition = (timeline: Timeline) => {
    if (stored.position) timeline.seekPosition(stored.position);
    else timeline.seek(stored.endMs);
    return timeline;
  };
  // From the nearest stored keyframe when there is one (decision 0007): only the actions after it
  // are replayed now, the past is filled in later. Anything amiss: replay the whole log instead.
  if (stored.keyframe) {
    try {
      return { timeline: toPosition(Timeline.resume(stored.options, recorded, stored.keyframe)) };
    } catch {
      // fall through to the replay
    }
  }
  try {
    return { timeline: toPosition(new Timeline(stored.options, recorded)) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/** Build the timeline a scenario describes. Throws (EngineError, TimelineError) with a clear message. */
export function timelineFromScenario(scenario: Scenario): Timeline {
  const commands: TimedCommand[] = scenario.commands.map((entry, i) => {
    try {
      return { atMs: entry.atMs, processed: entry.processed, command: validateCommand(entry.command) };
    } catch (e) {
      const why = isEngineError(e) ? `${e.code}: ${e.message}` : errorText(e);
      throw new Error(`command ${i + 1} (${entry.command.type}): ${why}`, { cause: e });
    }
  });
  const timeline = new Timeline(scenario.options, { commands, endMs: scenario.endMs });
  if (scenario.actions !== undefined)
    timeline.seekPosition({ actions: scenario.actions, nowMs: scenario.atMs });
  else timeline.seek(scenario.atMs);
  return timeline;
}

export function scenarioOf(timeline: Timeline): Scenario {
  const { commands, endMs } = timeline.recorded();
  const { actions, nowMs } = timeline.position();
  return {
    format: SCENARIO_FORMAT,
    version: SCENARIO_VERSION,
    options: structuredClone(timeline.options),
    commands,
    atMs: nowMs,
    actions,
    endMs,
  };
}

export function storedOf(id: string, timeline: Timeline): StoredSession {
  const { commands, endMs } = timeline.recorded();
  const { actions, nowMs } = timeline.position();
  return {
    id,
    options: structuredClone(timeline.options),
    commandLog: [...commands],
    position: { actions, nowMs, commands: timeline.appliedCommands() },
    endMs,
    updatedAt: 0,
  };
}
