/**
 * Display formats. Integer arithmetic only, so the same virtual time always renders the same text
 * (floating-point formatting of ms / 1000 could round differently at the edges).
 */

/** Virtual time: `1.250 s` under a minute, `2:05.250` from a minute on, `1:02:05.250` past an hour. */
export function formatVirtualTime(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const millis = String(whole % 1000).padStart(3, '0');
  const totalSeconds = Math.floor(whole / 1000);
  if (totalSeconds < 60) return `${totalSeconds}.${millis} s`;
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}:${seconds}.${millis}`;
  const minutes = String(totalMinutes % 60).padStart(2, '0');
  return `${Math.floor(totalMinutes / 60)}:${minutes}:${seconds}.${millis}`;
}

/**
 * Past this, a record's timestamp is a wall-clock date (ms since 1970), not virtual time: a real
 * client attached through the local gateway stamps CreateTime with its own clock, as Kafka lets it.
 * A simulated session would need 30 years of virtual time to get here.
 */
const WALL_CLOCK_FROM_MS = 946_684_800_000; // 2000-01-01T00:00:00Z

/** A record's timestamp: virtual time, or the client's wall-clock date and time (UTC) when it is one. */
export function formatRecordTime(ms: number, form: 'short' | 'long' = 'long'): string {
  if (ms < WALL_CLOCK_FROM_MS) return formatVirtualTime(ms);
  const iso = new Date(ms).toISOString(); // 2026-12-07T19:15:02.123Z
  const time = `${iso.slice(11, 23)} UTC`;
  return form === 'short' ? time : `${iso.slice(0, 10)} ${time} (the client's clock)`;
}

/** `2,345`: always with an English thousands separator, whatever the browser's locale. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `broker-2` → `Broker 2`, `controller-1` → `Controller 1`, `producer:p1` → `Producer p1`. */
export function nodeTitle(id: string): string {
  const match = /^([a-z]+)[-:](.+)$/.exec(id);
  if (!match) return id;
  const [, kind = '', rest = ''] = match;
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)} ${rest}`;
}

/** A link.configure's settings in a few words: "300 ms, 25% loss", "normal latency", or "normal". */
export function linkSettingsText(change: { latencyMs?: number | null; lossRate?: number | null }): string {
  const parts: string[] = [];
  if (change.latencyMs === null) parts.push('normal latency');
  else if (change.latencyMs !== undefined) parts.push(`${change.latencyMs} ms`);
  if (change.lossRate === null) parts.push('no loss');
  else if (change.lossRate !== undefined) parts.push(`${Math.round(change.lossRate * 100)}% loss`);
  return parts.join(', ') || 'normal';
}
