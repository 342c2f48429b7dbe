/**
 * Plain sentences from engine events, for the narrated event log (and screen readers through its
 * aria-live region). Stateful only where a sentence needs the past: the ISR before a change (to say
 * who left or joined) and the leader's reason for proposing it (`partition.isrProposed.detail`).
 *
 * Chatty events (every RPC, every append) are not narrated: the log is for things a learner should
 * notice. Producer acknowledgements are summed per batch, so a burst of 1000 sends is one sentence.
 */
import type { ClusterSnapshot, Command, EngineEvent, EventOf } from '../../engine';
import { linkSettingsText } from '../format';
import { narrateQueue } from '../queue/narrate-queue';
import type { Tone } from './tone';
import { describeAdminCommand, isAdminCommand, narrateAdmin } from './narrate-admin';

export type { Tone } from './tone';

export interface Sentence {
  /** The seq of the event that produced it: unique and ordered. */
  id: number;
  atMs: number;
  tone: Tone;
  text: string;
  /** Acknowledgements summed for one producer: consecutive sums merge (see mergeSentences). */
  acks?: { producer: string; count: number; lastAtMs: number };
}

/** How close (virtual ms) two acknowledgement sums must be to be told as one. */
const ACK_MERGE_MS = 1000;

export function ackSumText(producer: string, count: number): string {
  return `${producer}: ${count.toLocaleString('en-US')} records acknowledged.`;
}

/**
 * Append `said` to `log`. A burst's acknowledgements arrive over many frames; instead of one
 * sentence per frame ("p1: 190 records acknowledged." × 500), the running sum updates the newest
 * sentence when nothing else was said in between.
 */
export function mergeSentences(log: readonly Sentence[], said: readonly Sentence[]): Sentence[] {
  const out = [...log];
  for (const s of said) {
    const last = out.at(-1);
    if (
      s.acks &&
      last?.acks &&
      last.acks.producer === s.acks.producer &&
      s.atMs - last.acks.lastAtMs <= ACK_MERGE_MS
    ) {
      const count = last.acks.count + s.acks.count;
      out[out.length - 1] = {
        ...last,
        text: ackSumText(s.acks.producer, count),
        acks: { producer: s.acks.producer, count, lastAtMs: s.atMs },
      };
    } else {
      out.push(s);
    }
  }
  return out;
}

const PARTITION_REASONS: Record<string, string> = {
  'leader-fenced': 'its leader was fenced',
  'replica-fenced': 'a replica’s broker was fenced',
  'broker-unfenced': 'a broker came back',
  unclean: 'unclean leader election',
  preferred: 'the preferred leader is back',
  'isr-shrink': 'a follower fell behind',
  'isr-expand': 'a follower caught up',
  'elect-leaders': 'an ElectLeaders request from an admin client',
};

const MEMBER_REMOVED: Record<string, string> = {
  'session-timeout': 'no heartbeat within session.timeout.ms',
  left: 'it left (LeaveGroup)',
  'join-timeout': 'it did not rejoin in time',
  'sync-timeout': 'it did not sync in time',
};

/** What each group state means, said once as the group enters it. */
const GROUP_STATES: Record<string, string> = {
  PreparingRebalance: ': members must rejoin',
  CompletingRebalance: ': waiting for the leader’s assignment',
  Stable: ': every member has its partitions',
  Empty: ': no members, offsets kept',
  Dead: ': this broker no longer leads the group’s __consumer_offsets partition, so another broker coordinates it now',
};

const RESIGN_REASONS = {
  'check-quorum': 'it could not reach a majority of voters',
  'higher-epoch': 'it saw a higher epoch',
} as const;

function broker(id: number): string {
  return `broker-${id}`;
}

function brokers(ids: readonly number[]): string {
  return ids.length === 0 ? 'nobody' : ids.map(broker).join(', ');
}

function isrText(ids: readonly number[]): string {
  return `[${ids.join(', ')}]`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What the learner did, in the second person. Undefined for commands that narrate themselves. */
export function describeCommand(command: Command): string | undefined {
  switch (command.type) {
    case 'topic.create':
      return `You asked for topic ${command.topic}: ${command.partitions} partition${command.partitions === 1 ? '' : 's'}, replication factor ${command.replicationFactor}.`;
    case 'topic.delete':
      return `You asked to delete topic ${command.topic}.`;
    case 'broker.crash':
      return `You crashed ${broker(command.broker)}.`;
    case 'broker.restart':
      return `You restarted ${broker(command.broker)}.`;
    case 'node.crash':
      return `You crashed ${command.node}.`;
    case 'node.restart':
      return `You restarted ${command.node}.`;
    case 'producer.create':
      return `You created producer ${command.producer}${command.config?.acks !== undefined ? ` with acks=${String(command.config.acks)}` : ''}.`;
    case 'network.partition':
      return `You split the network into ${command.sides.length} sides: ${command.sides.map((s) => `{${s.join(', ')}}`).join(' | ')}.`;
    case 'network.cut':
      return `You cut the link ${command.from} ${command.oneWay ? '→' : '↔'} ${command.to}.`;
    case 'network.heal':
      return 'You healed the network.';
    case 'link.configure':
      return `You set the link ${command.from} → ${command.to} to ${linkSettingsText(command)}.`;
    default:
      // Admin operations (narrate-admin.ts); sends are summed from their outcomes.
      return describeAdminCommand(command);
  }
}

function linkText(e: EventOf<'link.configured'>): string {
  const parts: string[] = [];
  if (e.latencyMs === null) parts.push('take the normal time');
  else if (e.latencyMs !== undefined) parts.push(`take ${e.latencyMs} ms`);
  if (e.lossRate === null) parts.push('are no longer lost');
  else if (e.lossRate !== undefined) parts.push(`are lost ${Math.round(e.lossRate * 100)}% of the time`);
  return `Messages from ${e.from} to ${e.to} now ${parts.length > 0 ? list(parts) : 'use the normal network'}.`;
}

export class Narrator {
  /** The last ISR narrated per `topic-partition`, to name who left or joined. */
  private readonly isr = new Map<string, number[]>();
  /** The leader's reason for its last ISR proposal per `topic-partition`. */
  private readonly proposals = new Map<string, string>();
  private before: ClusterSnapshot | undefined;
  /** The last retry error narrated per `producer/topic-partition`: a producer retries every
   * retry.backoff.ms, and one sentence per error is enough. Cleared when the send completes. */
  private readonly retries = new Map<string, string>();
  /**
   * What each consumer owns, as `topic-partition`: a cooperative rebalance's `consumer.assigned`
   * carries only the partitions ADDED (the kept ones were never revoked), so "now owns" needs this.
   */
  private readonly owned = new Map<string, Set<string>>();

  reset(): void {
    this.owned.clear();
    this.isr.clear();
    this.proposals.clear();
    this.retries.clear();
  }

  /**
   * Sentences for a batch of events, in order. `before` is the snapshot the batch starts from: it
   * gives a partition's ISR before its first change seen here (topic creation narrates no ISR).
   */
  narrate(events: readonly EngineEvent[], before?: ClusterSnapshot): Sentence[] {
    this.before = before;
    const out: Sentence[] = [];
    const acked = new Map<string, { first: EngineEvent; count: number; last: EventOf<'producer.acked'> }>();
    for (const e of events) {
      if (e.type === 'producer.acked') {
        this.retries.delete(`${e.producer}/${e.topic}-${e.partition}`);
        const sum = acked.get(e.producer) ?? { first: e, count: 0, last: e };
        sum.count++;
        sum.last = e;
        acked.set(e.producer, sum);
        continue;
      }
      const sentence = this.one(e);
      if (sentence) out.push({ id: e.seq, atMs: e.atMs, ...sentence });
    }
    for (const [producer, sum] of acked) {
      const text =
        sum.count === 1
          ? sum.last.offset >= 0
            ? `${producer}’s record was acknowledged: ${sum.last.topic}-${sum.last.partition} at offset ${sum.last.offset}.`
            : `${producer}’s record was sent with acks=0: the producer never learns its offset.`
          : ackSumText(producer, sum.count);
      out.push({
        id: sum.first.seq,
        atMs: sum.first.atMs,
        tone: 'good',
        text,
        acks: { producer, count: sum.count, lastAtMs: sum.last.atMs },
      });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  private one(e: EngineEvent): { tone: Tone; text: string } | undefined {
    switch (e.type) {
      case 'command.accepted': {
        // Faults tell themselves through their events ("broker-2 crashed: ..."); the learner's
        // own line is kept for requests whose effect comes later (a topic, a producer).
        const told =
          ['topic.create', 'topic.delete', 'producer.create'].includes(e.command.type) ||
          isAdminCommand(e.command.type);
        const text = told ? describeCommand(e.command) : undefined;
        return text ? { tone: 'info', text } : undefined;
      }
      case 'broker.crashed':
      case 'controller.crashed':
      case 'producer.crashed':
        return {
          tone: 'bad',
          text: `${e.node} crashed: it keeps its log on disk and loses everything else.`,
        };
      case 'broker.restarted':
      case 'controller.restarted':
      case 'producer.restarted':
        return { tone: 'info', text: `${e.node} restarted and is recovering from what it kept on disk.` };
      case 'network.partitioned':
        return {
          tone: 'warn',
          text: `The network is split: ${e.sides.map((s) => `{${s.join(', ')}}`).join(' cannot reach ')}.`,
        };
      case 'network.disconnected':
        return {
          tone: 'warn',
          text: e.oneWay
            ? `Messages from ${e.from} to ${e.to} are now lost (the other direction still works).`
            : `${e.from} and ${e.to} can no longer reach each other.`,
        };
      case 'network.healed':
        return { tone: 'good', text: 'The network is whole again: every node can reach every other node.' };
      case 'link.configured':
        return { tone: 'warn', text: linkText(e) };
      case 'raft.electionStarted':
        return { tone: 'info', text: `${e.node} started an election for epoch ${e.epoch}.` };
      case 'raft.leaderElected':
        return {
          tone: 'good',
          text: `${e.node} won epoch ${e.epoch} with votes from ${list(e.votes)}: it is now the active controller.`,
        };
      case 'raft.resigned':
        return {
          tone: 'warn',
          text: `${e.node} stepped down in epoch ${e.epoch}: ${RESIGN_REASONS[e.reason]}.`,
        };
      case 'raft.truncated':
        return {
          tone: 'warn',
          text: `${e.node} truncated its metadata log to offset ${e.toOffset} to match the leader.`,
        };
      case 'broker.registered':
        return {
          tone: 'info',
          text: `${broker(e.broker)} registered with the controller (broker epoch ${e.brokerEpoch}).`,
        };
      case 'broker.fenced':
        return {
          tone: 'bad',
          text:
            e.reason === 'session-timeout'
              ? `${broker(e.broker)} is fenced: no heartbeat reached the controller within broker.session.timeout.ms.`
              : `${broker(e.broker)} is fenced: it registered again after a restart and must catch up first.`,
        };
      case 'broker.unfenced':
        return { tone: 'good', text: `${broker(e.broker)} is unfenced: it can lead partitions again.` };
      case 'topic.created':
        return {
          tone: 'good',
          text: `Topic ${e.topic} created with ${e.partitions} partition${e.partitions === 1 ? '' : 's'}, replication factor ${e.replicationFactor}.`,
        };
      case 'topic.deleted':
        return { tone: 'info', text: `Topic ${e.topic} deleted.` };
      case 'partition.isrProposed':
        this.proposals.set(`${e.topic}-${e.partition}`, e.detail);
        return undefined;
      case 'partition.changed':
        return this.partitionChanged(e);
      case 'replica.truncated':
        return {
          tone: 'warn',
          text: `${broker(e.broker)} truncated ${e.topic}-${e.partition} to offset ${e.toOffset}, removing ${e.removed} record${e.removed === 1 ? '' : 's'} the new leader does not have.`,
        };
      case 'producer.retryScheduled': {
        const key = `${e.producer}/${e.topic}-${e.partition}`;
        if (this.retries.get(key) === e.error) return undefined;
        this.retries.set(key, e.error);
        return {
          tone: 'warn',
          text: `${e.producer} retries its batch for ${e.topic}-${e.partition} (attempt ${e.attempt}): ${e.error}. It keeps retrying until delivery.timeout.ms.`,
        };
      }
      case 'producer.failed':
        this.retries.delete(`${e.producer}/${e.topic}-${e.partition}`);
        return {
          tone: 'bad',
          text: `${e.producer}’s send to ${e.topic}-${e.partition} failed: ${e.error}. ${e.message}`,
        };
      case 'producer.connectionReset':
        return {
          tone: 'warn',
          text:
            e.error === 'REQUEST_TIMED_OUT'
              ? `${e.producer} got no answer from ${broker(e.broker)} within request.timeout.ms and closed the connection: its ${e.requests} request${e.requests === 1 ? '' : 's'} in flight there fail and are retried in order.`
              : `${e.producer}’s connection to ${broker(e.broker)} closed (the broker is down): its ${e.requests} request${e.requests === 1 ? '' : 's'} in flight there are retried.`,
        };
      case 'producer.transactionOffsetsRejected':
        return {
          tone: 'bad',
          text: `The coordinator of group ${e.groupId} refused ${e.producer}’s offsets with ${e.error}: they came from an old generation of the group (a zombie), so the transaction can only be aborted.`,
        };
      case 'consumer.crashed':
        return { tone: 'bad', text: `${e.node} crashed: its group will notice when its heartbeats stop.` };
      case 'consumer.restarted':
        this.owned.set(e.node.replace(/^consumer:/, ''), new Set());
        return { tone: 'info', text: `${e.node} restarted and will rejoin its group.` };
      case 'group.memberJoined':
        return { tone: 'info', text: `${e.clientId} asked to join group ${e.groupId}.` };
      case 'group.memberRemoved':
        return {
          tone: 'warn',
          text: `${e.clientId} left group ${e.groupId}: ${MEMBER_REMOVED[e.reason] ?? e.reason}.`,
        };
      case 'group.stateChanged':
        return {
          tone: e.to === 'Stable' ? 'good' : 'info',
          text: `Group ${e.groupId} went from ${e.from} to ${e.to} (generation ${e.generation}, coordinator broker-${e.broker})${GROUP_STATES[e.to] ?? ''}.`,
        };
      case 'group.rebalanced':
        return {
          tone: 'good',
          text: `Group ${e.groupId} rebalanced: generation ${e.generation}, ${e.members.length} member${e.members.length === 1 ? '' : 's'}, assignor ${e.protocol ?? 'none'}.`,
        };
      case 'consumer.assigned':
        return this.assigned(e);
      case 'consumer.revoked':
        for (const p of e.partitions) this.ownedBy(e.consumer).delete(`${p.topic}-${p.partition}`);
        return e.partitions.length === 0
          ? undefined
          : {
              tone: 'info',
              text: `${e.consumer} gave up ${list(e.partitions.map((p) => `${p.topic}-${p.partition}`))} for the rebalance.`,
            };
      case 'consumer.commitFailed':
        return { tone: 'bad', text: `${e.consumer}’s offset commit failed: ${e.error}. ${e.message}` };
      case 'consumer.failed':
        return { tone: 'bad', text: `${e.consumer} failed: ${e.error}. ${e.message}` };
      case 'consumer.pollTimedOut':
        return {
          tone: 'bad',
          text: `${e.consumer} spent longer than max.poll.interval.ms (${e.maxPollIntervalMs} ms) on its records without polling again, so it left group ${e.groupId}. Its partitions go to the others, and whatever it had not committed will be read again.`,
        };
      case 'queue.created':
      case 'queue.messageSent':
      case 'queue.messageReceived':
      case 'queue.messageDeleted':
      case 'queue.visibilityExpired':
      case 'queue.ackRejected':
      case 'queue.crashed':
      case 'queue.restarted':
      case 'service.crashed':
      case 'service.restarted':
      case 'sender.failed':
      case 'batch.started':
      case 'batch.handled':
      case 'account.transactionProcessed':
      case 'account.duplicateIgnored':
        return narrateQueue(e);
      case 'partition.duplicateBatchDetected':
        return {
          tone: 'info',
          text: `${broker(e.broker)} recognised a retried batch of ${e.topic}-${e.partition} (producer id ${e.producerId}) and did not write it twice.`,
        };
      default:
        return narrateAdmin(e);
    }
  }

  private ownedBy(consumer: string): Set<string> {
    let set = this.owned.get(consumer);
    if (!set) {
      // First seen in this batch: start from the snapshot the batch begins from.
      const c = this.before?.consumers.find((x) => x.id === consumer);
      set = new Set((c?.assignment ?? []).map((a) => `${a.topic}-${a.partition}`));
      this.owned.set(consumer, set);
    }
    return set;
  }

  private assigned(e: EventOf<'consumer.assigned'>): { tone: Tone; text: string } {
    const added = e.partitions.map((p) => `${p.topic}-${p.partition}`);
    const owned = this.ownedBy(e.consumer);
    // generation -1: assign() by hand replaces the whole assignment.
    if (e.generation < 0) owned.clear();
    const kept = [...owned].filter((p) => !added.includes(p));
    for (const p of added) owned.add(p);
    const generation = e.groupId ? ` (generation ${e.generation})` : '';
    let text: string;
    if (kept.length === 0)
      text = `${e.consumer} now owns ${added.length > 0 ? list(added) : 'no partitions'}${generation}.`;
    else if (added.length === 0)
      text = `${e.consumer} keeps ${list(kept)}: nothing new for it in this rebalance${generation}.`;
    else text = `${e.consumer} keeps ${list(kept)} and is given ${list(added)}${generation}.`;
    return { tone: 'info', text };
  }

  private partitionChanged(e: EventOf<'partition.changed'>): { tone: Tone; text: string } {
    const key = `${e.topic}-${e.partition}`;
    const before =
      this.isr.get(key) ??
      this.before?.topics.find((t) => t.name === e.topic)?.partitions.find((p) => p.partition === e.partition)
        ?.isr;
    this.isr.set(key, e.isr);
    const detail = this.proposals.get(key);
    this.proposals.delete(key);
    const isrNow = `ISR now ${isrText(e.isr)}`;
    switch (e.reason) {
      case 'isr-shrink': {
        const left = before ? before.filter((b) => !e.isr.includes(b)) : [];
        const who = left.length > 0 ? brokers(left) : 'A follower';
        return {
          tone: 'warn',
          text: `${who} left the ISR of ${key}: ${detail ?? 'it fell behind the leader'}. ${isrNow}.`,
        };
      }
      case 'isr-expand': {
        const joined = before ? e.isr.filter((b) => !before.includes(b)) : [];
        const who = joined.length > 0 ? brokers(joined) : 'A follower';
        return {
          tone: 'good',
          text: `${who} rejoined the ISR of ${key}: ${detail ?? 'it caught up'}. ${isrNow}.`,
        };
      }
      default: {
        const why = PARTITION_REASONS[e.reason] ?? e.reason;
        if (e.leader < 0)
          return { tone: 'bad', text: `${key} is offline: no replica in the ISR is alive (${why}).` };
        return {
          tone: e.reason === 'unclean' ? 'bad' : 'info',
          text: `${key} is led by ${broker(e.leader)} in leader epoch ${e.leaderEpoch} (${why}). ${isrNow}.`,
        };
      }
    }
  }
}
