/**
 * Which session a page load opens, decided from the URL and this tab's memory:
 *
 * 1. this tab opened a session from this very URL before → restore it (a reload);
 * 2. the URL carries a shared scenario → open it as a new session;
 * 3. the URL pins a seed, time or pause → a new session, so pinned URLs always show the same thing;
 * 4. otherwise → resume the most recent session no other tab has open (saved progress), leaving
 *    out the sessions that belong to lessons (a lesson reopens its own cluster itself).
 *
 * The tab's memory is sessionStorage: it survives reloads, is private to the tab, and is copied
 * when a tab is duplicated (the worker then opens a copy, since the original is locked).
 */
import type { FreshSession, OpenPlan } from '../bridge/protocol';
import type { Scenario } from '../bridge/scenario';
import type { UrlConfig } from './url-config';

export const BROKERS = 3;
const KEY = 'streamlab.session';

export interface TabSession {
  id: string;
  /** Which URL opened it (a digest: a scenario URL can be long). */
  url: string;
}

export function planFor(
  config: UrlConfig,
  url: string,
  tab: TabSession | undefined,
  scenario?: Scenario,
): OpenPlan {
  const fallback: FreshSession = { options: config.options ?? { seed: config.seed, brokers: BROKERS } };
  if (config.atMs !== undefined) fallback.atMs = config.atMs;
  if (tab && tab.url === urlDigest(url)) return { kind: 'restore', sessionId: tab.id, fallback };
  if (scenario) return { kind: 'scenario', scenario, fallback };
  if (config.pinned) return { kind: 'fresh', session: fallback };
  const exclude = config.skipOnResume ?? [];
  return exclude.length > 0
    ? { kind: 'latest', fallback, exclude: [...exclude] }
    : { kind: 'latest', fallback };
}

/**
 * The plan, steered away from sessions that must not be reopened unasked (open-guard.ts): a
 * reload of one opens a new session instead, and "resume the latest" passes over them.
 */
export function avoidSessions(plan: OpenPlan, avoid: readonly string[]): OpenPlan {
  if (avoid.length === 0) return plan;
  if (plan.kind === 'restore' && avoid.includes(plan.sessionId))
    return { kind: 'fresh', session: plan.fallback };
  if (plan.kind === 'latest') return { ...plan, exclude: [...(plan.exclude ?? []), ...avoid] };
  return plan;
}

/** This tab no longer has a session to restore: its next load opens by the usual rules. */
export function forgetTabSession(storage: Pick<Storage, 'setItem'> | undefined): void {
  try {
    storage?.setItem(KEY, 'null');
  } catch {
    // as in writeTabSession
  }
}

export function readTabSession(storage: Pick<Storage, 'getItem'> | undefined): TabSession | undefined {
  try {
    const data: unknown = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (typeof data !== 'object' || data === null || !('id' in data) || !('url' in data)) return undefined;
    return typeof data.id === 'string' && typeof data.url === 'string'
      ? { id: data.id, url: data.url }
      : undefined;
  } catch {
    return undefined; // storage blocked or garbled: behave as a fresh tab
  }
}

export function writeTabSession(
  storage: Pick<Storage, 'setItem'> | undefined,
  id: string,
  url: string,
): void {
  try {
    storage?.setItem(KEY, JSON.stringify({ id, url: urlDigest(url) }));
  } catch {
    // sessionStorage can be unavailable (some privacy modes): the tab then just forgets on reload
  }
}

/** FNV-1a, 32 bits: enough to tell "the same URL as before" from "another URL". */
export function urlDigest(url: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) {
    h ^= url.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${url.length}:${(h >>> 0).toString(16)}`;
}
