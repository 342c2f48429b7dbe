/**
 * What the page's URL pins: `?seed=N` (default 1), `?paused`, `?at=MS` (run to that virtual time,
 * then pause). Seed-pinned URLs make a session reproducible, which is what visual tests and shared
 * links rely on. A shared scenario travels in the hash (`#scenario=`, see scenario-codec.ts).
 */
import type { SimulationOptions } from '../engine';

export interface UrlConfig {
  seed: number;
  paused: boolean;
  atMs?: number;
  /** The URL pins a session (seed, time or pause): open a new one rather than resume the last. */
  pinned: boolean;
  /** The cluster's shape and configs for a new session (a lesson's); default: `seed`, 3 brokers. */
  options?: SimulationOptions;
  /** Saved sessions a plain visit must not resume: the lessons' clusters belong to their lessons. */
  skipOnResume?: string[];
  /** What the URL asked for and did not get, and what was used instead (shown as a notice). */
  warnings?: string[];
}

export const DEFAULT_SEED = 1;
/** `?at` beyond an hour of virtual time is ignored: replaying it would take too long. */
export const AT_MS_MAX = 3_600_000;

/** A non-negative safe integer written in plain decimal digits, or undefined. */
function wholeNumber(text: string | null, allowNegative = false): number | undefined {
  if (text === null) return undefined;
  const pattern = allowNegative ? /^-?\d{1,15}$/ : /^\d{1,15}$/;
  if (!pattern.test(text.trim())) return undefined;
  return Number(text.trim());
}

export function parseUrlConfig(search: string): UrlConfig {
  const params = new URLSearchParams(search);
  // Anything unparseable falls back to the default rather than failing: a typo in a shared link
  // should still open the app.
  const seed = wholeNumber(params.get('seed'), true) ?? DEFAULT_SEED;
  const at = wholeNumber(params.get('at'));
  const atMs = at !== undefined && at <= AT_MS_MAX ? at : undefined;
  const paused = params.has('paused') || atMs !== undefined;
  const pinned = params.has('seed') || params.has('at') || params.has('paused');
  const warnings: string[] = [];
  const shown = (text: string) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);
  const seedText = params.get('seed');
  if (seedText !== null && wholeNumber(seedText, true) === undefined) {
    warnings.push(`“seed=${shown(seedText)}” is not a whole number, so seed ${DEFAULT_SEED} was used.`);
  }
  const atText = params.get('at');
  if (atText !== null && atMs === undefined) {
    warnings.push(
      `“at=${shown(atText)}” is not a time from 0 to ${AT_MS_MAX} ms, so the session starts at 0.`,
    );
  }
  const config: UrlConfig = atMs === undefined ? { seed, paused, pinned } : { seed, paused, atMs, pinned };
  return warnings.length > 0 ? { ...config, warnings } : config;
}
