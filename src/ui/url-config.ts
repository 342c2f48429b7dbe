/**
 * What the page's URL pins: `?seed=N` (default 1), `?paused`, `?at=MS` (run to that virtual time,
 * then pause). Seed-pinned URLs make a session reproducible, which is what visual tests and shared
 * links rely on.
 */
export interface UrlConfig {
  seed: number;
  paused: boolean;
  atMs?: number;
}

export const DEFAULT_SEED = 1;

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
  const atMs = wholeNumber(params.get('at'));
  const paused = params.has('paused') || atMs !== undefined;
  return atMs === undefined ? { seed, paused } : { seed, paused, atMs };
}
