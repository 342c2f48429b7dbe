/**
 * What every tool shares: the simulated listeners, Kafka's padding, and the way errors print.
 *
 * Listeners (docs/cli.md): broker N listens on `broker-N:9092` (PLAINTEXT) and controller N on
 * `controller-N:9093` (CONTROLLER, node id 3000+N). The terminal runs on broker 1's host, so
 * `localhost:9092` reaches broker 1 as in Kafka's quickstart.
 */
import type { ClusterSnapshot, PartitionSnapshot, TopicSnapshot } from '../engine';
import type { CliTarget } from './types';

export const CONTROLLER_ID_BASE = 3000;
export const BROKER_PORT = 9092;
export const CONTROLLER_PORT = 9093;

export const brokerHost = (id: number) => `broker-${id}`;
export const controllerNodeId = (node: string) =>
  CONTROLLER_ID_BASE + Number(node.replace(/^controller-/, ''));

/** Java's `%-Ns`. */
export const padRight = (s: string, width: number) =>
  s.length >= width ? s : s + ' '.repeat(width - s.length);

/** Java's `%n`-less printf for `%-Ws` columns joined by one space. */
export const columns = (cells: readonly string[], widths: readonly (number | null)[]) =>
  cells.map((c, i) => (widths[i] === null ? c : padRight(c, widths[i]!))).join(' ');

/**
 * A Java exception as Kafka's tools print it through `Utils.stackTrace`: the class and message.
 * StreamLab leaves out the `\tat …` frames that follow in Kafka (they name Kafka's own classes).
 */
export const stackTrace = (exceptionClass: string, message: string) => `${exceptionClass}: ${message}\n`;

export type BootstrapCheck =
  { ok: true; broker: number } | { ok: false; reason: 'invalid' | 'unreachable'; text: string };

/**
 * Which broker a `--bootstrap-server` list reaches: the first listed address that names a live
 * broker's listener. An address with no port is rejected as Kafka's ClientUtils rejects it.
 */
export function checkBootstrap(snapshot: ClusterSnapshot, list: string): BootstrapCheck {
  const addresses = list.split(',').map((s) => s.trim());
  for (const a of addresses) {
    const m = /^(.+):(\d+)$/.exec(a);
    if (!m) return { ok: false, reason: 'invalid', text: a };
  }
  for (const a of addresses) {
    const [host, port] = a.split(':') as [string, string];
    if (Number(port) !== BROKER_PORT) continue;
    const id = host === 'localhost' || host === '127.0.0.1' ? 1 : /^broker-(\d+)$/.exec(host)?.[1];
    const broker = snapshot.brokers.find((b) => b.id === Number(id));
    if (broker && broker.alive) return { ok: true, broker: broker.id };
  }
  return { ok: false, reason: 'unreachable', text: list };
}

/** The leader's replica state, or undefined when the partition is offline. */
export function leaderReplica(p: PartitionSnapshot) {
  return p.replicaStates.find((r) => r.broker === p.leader && r.alive);
}

export const findTopic = (snapshot: ClusterSnapshot, name: string): TopicSnapshot | undefined =>
  snapshot.topics.find((t) => t.name === name);

/** Kafka's internal topics are the two the engine creates for groups and transactions. */
export const isInternalTopic = (name: string) =>
  name === '__consumer_offsets' || name === '__transaction_state';

/** A client id the cluster does not already have: `<base>` then `<base>-2`, `<base>-3`, … */
export function freshClientId(target: CliTarget, base: string): string {
  const s = target.snapshot();
  const taken = new Set<string>([...s.producers.map((p) => p.id), ...s.consumers.map((c) => c.id)]);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** `YYYY-MM-DDTHH:mm:SS.sss` (optionally with a `Z` or `±HH:mm` zone) as ms since the epoch, without Date. */
export function parseIsoDateTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  let zoneMs = 0;
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8].startsWith('-') ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    zoneMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
  }
  return daysFromCivil(y!, mo!, d!) * 86400000 + ((h! * 60 + mi!) * 60 + s!) * 1000 + ms - zoneMs;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** log4j's `[%d]` (ISO8601, `yyyy-MM-dd HH:mm:ss,SSS`) of a virtual time; virtual 0 is the epoch. */
export function log4jTime(ms: number): string {
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(rest / 3600000);
  rest -= h * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  return `${y}-${two(m)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)},${String(milli).padStart(3, '0')}`;
}

/** Kafka's exception class for an error code, as a client would raise it. */
export function exceptionClass(code: string): string {
  const name = code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  const special: Record<string, string> = {
    UNKNOWN_TOPIC_OR_PARTITION: 'UnknownTopicOrPartitionException',
    NOT_ENOUGH_REPLICAS: 'NotEnoughReplicasException',
    NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'NotEnoughReplicasAfterAppendException',
    RECORD_TOO_LARGE: 'RecordTooLargeException',
    MESSAGE_TOO_LARGE: 'RecordTooLargeException',
    NON_EMPTY_GROUP: 'GroupNotEmptyException',
    INVALID_CONFIG: 'InvalidConfigurationException',
    REQUEST_TIMED_OUT: 'TimeoutException',
    TIMEOUT: 'TimeoutException',
  };
  return `org.apache.kafka.common.errors.${special[code] ?? `${name}Exception`}`;
}

/** `key=value` words (CommandLineUtils.parseKeyValueArgs): the first `=` splits. */
export function keyValues(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) continue;
    out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return out;
}
