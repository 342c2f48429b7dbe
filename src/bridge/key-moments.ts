/**
 * Key moments (issue 15): the kinds of engine event a learner should not miss, named as data. A
 * lesson step lists the kinds it is about; playback slows down around them; "step to the next"
 * stops at them. Each kind is recognised from one engine event alone (its type and fields), so
 * the worker can stop at it (stop-conditions.ts) and the page can spot it in a batch, with the
 * same rule. Nothing here is code a page or a link can supply: the kinds are a fixed list.
 */
import type { EngineEvent } from '../engine';

export const MOMENT_KINDS = [
  'controller-election',
  'leader-change',
  'isr-change',
  'ack',
  'failed-send',
  'truncation',
  'rebalance',
  'commit',
  'broker-fenced',
] as const;

export type MomentKind = (typeof MOMENT_KINDS)[number];

/** Plain names, for the step list, the slow-motion banner and "nothing found" sentences. */
export const MOMENT_NAMES: Record<MomentKind, string> = {
  'controller-election': 'controller election',
  'leader-change': 'partition leader change',
  'isr-change': 'ISR change',
  ack: 'acknowledged write',
  'failed-send': 'failed send',
  truncation: 'replica truncation',
  rebalance: 'rebalance phase',
  commit: 'commit',
  'broker-fenced': 'broker fenced',
};

/** `partition.changed` reasons (the controller's PartitionChangeRecord) that move the leader. */
const LEADER_REASONS = new Set(['leader-fenced', 'unclean', 'broker-unfenced', 'preferred']);
/** … and those that change the ISR (a fenced leader leaves the ISR as well). */
const ISR_REASONS = new Set(['isr-shrink', 'isr-expand', 'replica-fenced', 'leader-fenced']);

export function isMomentKind(value: unknown): value is MomentKind {
  return typeof value === 'string' && (MOMENT_KINDS as readonly string[]).includes(value);
}

/** Is `event` a moment of `kind`? */
export function isMoment(kind: MomentKind, event: EngineEvent): boolean {
  switch (kind) {
    case 'controller-election':
      return event.type === 'raft.leaderElected';
    case 'leader-change':
      return event.type === 'partition.changed' && LEADER_REASONS.has(event.reason);
    case 'isr-change':
      return event.type === 'partition.changed' && ISR_REASONS.has(event.reason);
    case 'ack':
      return event.type === 'producer.acked';
    case 'failed-send':
      return event.type === 'producer.failed';
    case 'truncation':
      return event.type === 'replica.truncated' || event.type === 'raft.truncated';
    case 'rebalance':
      // The coordinator's phases: PreparingRebalance → CompletingRebalance → Stable (or Empty).
      return event.type === 'group.stateChanged';
    case 'commit':
      return event.type === 'consumer.committed' || event.type === 'producer.transactionCommitted';
    case 'broker-fenced':
      return event.type === 'broker.fenced';
  }
}

/** The first kind of `kinds` that `event` is, if any. */
export function momentOf(kinds: readonly MomentKind[], event: EngineEvent): MomentKind | undefined {
  return kinds.find((kind) => isMoment(kind, event));
}

/** One sentence saying what the event was, from its own fields. */
export function describeMoment(kind: MomentKind, event: EngineEvent): string {
  switch (event.type) {
    case 'raft.leaderElected':
      return `${event.node} won the controller election (epoch ${event.epoch})`;
    case 'partition.changed': {
      const tp = `${event.topic}-${event.partition}`;
      const leader = event.leader < 0 ? 'no leader' : `leader broker ${event.leader}`;
      return kind === 'isr-change'
        ? `${tp}: the ISR is now [${event.isr.join(', ')}] (${event.reason})`
        : `${tp}: ${leader}, epoch ${event.leaderEpoch} (${event.reason})`;
    }
    case 'producer.acked':
      return `${event.producer}'s write to ${event.topic}-${event.partition} acknowledged${event.offset >= 0 ? ` at offset ${event.offset}` : ''}`;
    case 'producer.failed':
      return `${event.producer}'s send to ${event.topic}-${event.partition} failed: ${event.error}`;
    case 'replica.truncated':
      return `broker ${event.broker} truncated ${event.topic}-${event.partition} to offset ${event.toOffset} (${event.removed} removed)`;
    case 'raft.truncated':
      return `${event.node} truncated its metadata log to offset ${event.toOffset}`;
    case 'group.stateChanged':
      return `group ${event.groupId}: ${event.from} → ${event.to} (generation ${event.generation})`;
    case 'consumer.committed':
      return `${event.consumer} committed ${event.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(', ')}`;
    case 'producer.transactionCommitted':
      return `${event.producer} committed its transaction`;
    case 'broker.fenced':
      return `broker ${event.broker} fenced (${event.reason})`;
    default:
      return MOMENT_NAMES[kind];
  }
}
