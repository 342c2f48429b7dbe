/**
 * What the consumer learns from Metadata: partition counts (the group leader needs them to run the
 * assignor) and leaders with their epochs (fetches and offset lookups go to the leader). As for the
 * producer, the consumer knows only what answers told it; a broker that fails to answer is skipped
 * for the next one.
 */
import { brokerNodeId } from '../core-module';
import type { NodeContext } from '../kernel/kernel';
import type { MetadataPartition, MetadataRequest, MetadataResponse } from '../protocol/produce';
import type { NodeId } from '../types';
import { requestRejoin } from './consumer-membership';
import { hasRequest, sendRequest, wakeAt, type ConsumerNode, type TopicMeta } from './consumer-state';

/** The broker to ask next: brokers from the last Metadata answer, else the bootstrap list. */
export function pickBroker(self: ConsumerNode): NodeId {
  const known = Object.values(self.volatile.brokers);
  const candidates = known.length > 0 ? known : self.durable.bootstrap;
  return candidates[self.volatile.brokerCursor % candidates.length]!;
}

/** Every topic the consumer needs to know about. */
export function metadataTopics(self: ConsumerNode): string[] {
  const topics = new Set<string>(self.durable.subscription ?? []);
  for (const tp of self.durable.manual ?? []) topics.add(tp.topic);
  for (const p of Object.values(self.volatile.assigned)) topics.add(p.topic);
  for (const t of self.volatile.group?.groupTopics ?? []) topics.add(t);
  return [...topics].sort();
}

/**
 * Ask for fresh metadata. A Metadata request already out answers the need (as Kafka's Metadata
 * clears its update flag on any answer); whatever its answer still lacks asks again then.
 */
export function requestMetadata(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  if (hasRequest(v, 'Metadata')) return;
  v.metadataNeeded = true;
  wakeAt(ctx, v, Math.max(ctx.now(), v.metadataNotBeforeMs));
}

export function maybeRequestMetadata(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  // metadata.max.age.ms: metadata this old is refreshed even without an error (new partitions).
  const maxAge = self.durable.config.metadataMaxAgeMs ?? 300000;
  if (v.metadataAnsweredMs >= 0 && nowMs - v.metadataAnsweredMs >= maxAge) v.metadataNeeded = true;
  if (!v.metadataNeeded || hasRequest(v, 'Metadata')) return;
  if (nowMs < v.metadataNotBeforeMs) return wakeAt(ctx, v, v.metadataNotBeforeMs);
  const topics = metadataTopics(self);
  v.metadataNeeded = false;
  if (topics.length === 0) return;
  const body: MetadataRequest = { topics };
  sendRequest(ctx, self, pickBroker(self), 'Metadata', body, { kind: 'Metadata' });
}

export function onMetadataResponse(ctx: NodeContext, self: ConsumerNode, body: MetadataResponse): void {
  const v = self.volatile;
  v.metadataAnsweredMs = ctx.now();
  // Kafka's metadata refresh backoff: no new request before retry.backoff.ms has passed.
  v.metadataNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
  if (body.brokers.length > 0) {
    v.brokers = {};
    for (const b of body.brokers) v.brokers[b.id] = b.node;
  }
  for (const t of body.topics) {
    const meta = (v.topics[t.name] ??= { numPartitions: -1, leaders: [], leaderEpochs: [] });
    if (t.error !== null) {
      // The cluster does not know the topic (deleted, or not yet in this broker's metadata).
      if (meta.numPartitions < 0) meta.numPartitions = 0;
      continue;
    }
    for (const p of t.partitions) applyPartition(meta, p);
  }
  // An assigned partition without a leader needs another look after the backoff.
  for (const p of Object.values(v.assigned)) {
    if ((v.topics[p.topic]?.leaders[p.partition] ?? -1) < 0) {
      requestMetadata(ctx, self);
      break;
    }
  }
  // A topic the cluster does not know (yet): keep asking, backing off exponentially up
  // to Kafka's retry.backoff.max.ms, so a topic created later is noticed within a second.
  // (The leader asks about every member's topics: it is the one that must notice.)
  const unknown = metadataTopics(self).some((t) => (v.topics[t]?.numPartitions ?? -1) <= 0);
  if (unknown) {
    const backoff = self.durable.config.retryBackoffMs * 2 ** v.unknownTopicAnswers;
    v.metadataNotBeforeMs = ctx.now() + Math.min(RETRY_BACKOFF_MAX_MS, backoff);
    v.unknownTopicAnswers++;
    requestMetadata(ctx, self);
  } else {
    v.unknownTopicAnswers = 0;
  }
  // The leader assigned with other partition counts than the cluster has now: assign again.
  const g = v.group;
  if (g?.assignedCounts && g.phase === 'stable' && g.leaderId === g.memberId) {
    const changed = Object.entries(g.assignedCounts).some(
      ([t, n]) => (v.topics[t]?.numPartitions ?? n) > 0 && v.topics[t]!.numPartitions !== n,
    );
    if (changed) {
      g.assignedCounts = null;
      requestRejoin(ctx, self);
    }
  }
}

/** Kafka's retry.backoff.max.ms (KIP-580): the longest a repeated metadata retry waits. */
const RETRY_BACKOFF_MAX_MS = 1000;

function applyPartition(meta: TopicMeta, p: MetadataPartition): void {
  while (meta.numPartitions <= p.partition) {
    const i = Math.max(0, meta.numPartitions);
    meta.leaders[i] = -1;
    meta.leaderEpochs[i] = -1;
    meta.numPartitions = i + 1;
  }
  // KIP-320: keep the newer leader epoch, so an answer from a broker that is behind on metadata
  // cannot send the consumer back to an old leader.
  if (p.leaderEpoch < (meta.leaderEpochs[p.partition] ?? -1)) return;
  meta.leaders[p.partition] = p.error === null ? p.leader : -1;
  meta.leaderEpochs[p.partition] = p.leaderEpoch;
}

/** No answer, or the broker was down: ask another broker after the backoff. */
export function onMetadataFailed(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  v.brokerCursor++;
  v.metadataNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
  requestMetadata(ctx, self);
}

/** The partition's leader as the consumer knows it, or -1. */
export function leaderOf(self: ConsumerNode, topic: string, partition: number): number {
  return self.volatile.topics[topic]?.leaders[partition] ?? -1;
}

export function leaderEpochOf(self: ConsumerNode, topic: string, partition: number): number {
  return self.volatile.topics[topic]?.leaderEpochs[partition] ?? -1;
}

export function brokerNode(self: ConsumerNode, broker: number): NodeId {
  return self.volatile.brokers[broker] ?? brokerNodeId(broker);
}
