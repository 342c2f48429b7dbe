/**
 * Waiting, explained (issue 15): where the cluster must notice something before anything happens,
 * the timer it waits on, in virtual time, with Kafka's config key. Computed from the engine's
 * state and the events so far (never from the wall clock):
 *
 * - a crashed broker the controller has not fenced yet: the controller fences a broker that sent
 *   no heartbeat for `broker.session.timeout.ms`; its last heartbeat was before the crash, so the
 *   fence comes at the latest that long after the crash;
 * - a crashed consumer still a member of its group: the coordinator removes a member whose
 *   heartbeats stopped for the consumer's `session.timeout.ms`.
 *
 * The timer runs out in a window (the last heartbeat came at most one heartbeat interval before
 * the crash), said as such; the controller or coordinator acts on it at its next periodic check.
 */
import {
  CONFIG_KEYS,
  CONSUMER_INT_KEYS,
  type ClusterSnapshot,
  type ConfigValue,
  type EngineEvent,
} from '../engine';

export interface Countdown {
  /** What the cluster will notice, e.g. "the controller fences broker 2". */
  what: string;
  /** Kafka's config key, and its value here. */
  key: 'broker.session.timeout.ms' | 'session.timeout.ms';
  timeoutMs: number;
  /** When the timer started at the latest (the crash), and when it runs out at the latest. */
  fromMs: number;
  byMs: number;
  /**
   * The earliest it can run out: the last heartbeat was at most one heartbeat interval
   * (`broker.heartbeat.interval.ms`, the consumer's `heartbeat.interval.ms`) before the crash.
   */
  earliestMs: number;
  /** Left, from the snapshot's time (0 once due: the notice is on its way). */
  leftMs: number;
}

const intOf = (v: ConfigValue | undefined): number | undefined => (typeof v === 'number' ? v : undefined);

function lastOf<T extends EngineEvent>(events: readonly EngineEvent[], match: (e: EngineEvent) => e is T) {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (match(e)) return e;
  }
  return undefined;
}

/**
 * The countdowns running in `snapshot`. `history`: the non-RPC events so far (a lesson's, or the
 * page's recent events); `brokerConfig`: the cluster's options (Kafka's default otherwise).
 */
export function countdowns(
  snapshot: ClusterSnapshot,
  history: readonly EngineEvent[],
  brokerConfig: Record<string, ConfigValue> = {},
): Countdown[] {
  const out: Countdown[] = [];
  const now = snapshot.nowMs;
  const brokerTimeout =
    intOf(brokerConfig['broker.session.timeout.ms']) ?? CONFIG_KEYS['broker.session.timeout.ms'].default;
  const brokerBeat =
    intOf(brokerConfig['broker.heartbeat.interval.ms']) ??
    CONFIG_KEYS['broker.heartbeat.interval.ms'].default;
  for (const broker of snapshot.brokers) {
    if (broker.alive || broker.state === 'fenced') continue;
    const crash = lastOf(
      history,
      (e): e is Extract<EngineEvent, { type: 'broker.crashed' }> =>
        e.type === 'broker.crashed' && e.node === broker.node,
    );
    if (!crash) continue;
    const fenced = history.some(
      (e) => e.type === 'broker.fenced' && e.broker === broker.id && e.atMs >= crash.atMs,
    );
    if (fenced) continue;
    const byMs = crash.atMs + brokerTimeout;
    out.push({
      what: `the controller fences broker ${broker.id} (it stopped sending heartbeats when it crashed)`,
      key: 'broker.session.timeout.ms',
      timeoutMs: brokerTimeout,
      fromMs: crash.atMs,
      byMs,
      earliestMs: Math.max(crash.atMs, byMs - brokerBeat),
      leftMs: Math.max(0, byMs - now),
    });
  }
  for (const consumer of snapshot.consumers) {
    if (consumer.alive || !consumer.groupId) continue;
    const group = snapshot.groups.find((g) => g.groupId === consumer.groupId);
    if (!group?.members.some((m) => m.clientId === consumer.id)) continue;
    const crash = lastOf(
      history,
      (e): e is Extract<EngineEvent, { type: 'consumer.crashed' }> =>
        e.type === 'consumer.crashed' && e.node === consumer.node,
    );
    if (!crash) continue;
    const created = lastOf(
      history,
      (e): e is Extract<EngineEvent, { type: 'command.accepted' }> =>
        e.type === 'command.accepted' &&
        e.command.type === 'consumer.create' &&
        e.command.consumer === consumer.id,
    );
    const config =
      created?.command.type === 'consumer.create'
        ? (created.command.config ?? {})
        : ({} as Record<string, ConfigValue>);
    const timeoutMs = intOf(config['session.timeout.ms']) ?? CONSUMER_INT_KEYS['session.timeout.ms'].default;
    const beat = intOf(config['heartbeat.interval.ms']) ?? CONSUMER_INT_KEYS['heartbeat.interval.ms'].default;
    const byMs = crash.atMs + timeoutMs;
    out.push({
      what: `the coordinator removes ${consumer.id} from group ${consumer.groupId} and rebalances`,
      key: 'session.timeout.ms',
      timeoutMs,
      fromMs: crash.atMs,
      byMs,
      earliestMs: Math.max(crash.atMs, byMs - beat),
      leftMs: Math.max(0, byMs - now),
    });
  }
  return out;
}

/**
 * One sentence: "… after `broker.session.timeout.ms` (9000 ms) …: between 10.3 s and 12.3 s, 3.1 s
 * to go." `live: false` (a hint, said once and read later) leaves out the time left, which the
 * countdown under the time controls keeps current.
 */
export function countdownText(c: Countdown, live = true): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const left = c.leftMs > 0 ? `${s(c.leftMs)} to go` : 'due now: the notice is on its way';
  return `Next, ${c.what} after \`${c.key}\` (${c.timeoutMs} ms) without a heartbeat. The timer runs out between ${s(c.earliestMs)} and ${s(c.byMs)} of virtual time (the last heartbeat came before the crash)${live ? `, ${left}` : ''}; it is acted on at the next check.`;
}
