/**
 * What the producer asks any broker: Metadata (partition counts and leaders of the topics it writes
 * to) and, with idempotence, InitProducerId. The producer knows only what these answers told it; a
 * broker that does not answer within request.timeout.ms is skipped for the next one.
 */
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
  MetadataPartition,
  MetadataRequest,
  MetadataResponse,
} from '../protocol/produce';
import type { NodeId } from '../types';
import { newQueue } from './accumulator';
import type { ProducerNode, TopicMeta } from './producer-state';

/** Kafka sends Integer.MAX_VALUE as the transaction timeout of a non-transactional InitProducerId. */
const NO_TRANSACTION_TIMEOUT_MS = 2147483647;

export function newTopicMeta(name: string): TopicMeta {
  return {
    name,
    numPartitions: -1,
    leaders: [],
    leaderEpochs: [],
    queues: [],
    pending: [],
  };
}

/** The broker to ask: brokers from the last Metadata answer, else the bootstrap list. */
export function pickBroker(self: ProducerNode): NodeId {
  const known = Object.values(self.volatile.brokers);
  const candidates = known.length > 0 ? known : self.durable.bootstrap;
  return candidates[self.volatile.brokerCursor % candidates.length]!;
}

export function maybeRequestMetadata(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const v = self.volatile;
  // metadata.max.age.ms: metadata this old is refreshed even without an error (new partitions).
  const maxAge = self.durable.config.metadataMaxAgeMs ?? 300000;
  if (v.metadataAnsweredMs >= 0 && nowMs - v.metadataAnsweredMs >= maxAge) v.metadataNeeded = true;
  if (!v.metadataNeeded || v.metadataRequest || nowMs < v.metadataNotBeforeMs) return;
  v.metadataNeeded = false;
  const topics = Object.keys(v.topics);
  if (topics.length === 0) return;
  const node = pickBroker(self);
  const body: MetadataRequest = { topics };
  const msgId = ctx.send(node, 'Metadata', body);
  const timer = ctx.setTimer('metadataTimeout', self.durable.config.requestTimeoutMs, { msgId });
  v.metadataRequest = { msgId, node, timer };
}

/** Returns the topics whose partition count became known with this answer. */
export function onMetadataResponse(ctx: NodeContext, self: ProducerNode, msg: RpcMessage): string[] {
  const v = self.volatile;
  const req = v.metadataRequest;
  if (!req || req.msgId !== msg.inReplyTo) return [];
  ctx.cancelTimer(req.timer);
  v.metadataRequest = null;
  v.metadataAnsweredMs = ctx.now();
  // Kafka's Metadata refresh backoff: no new request before retry.backoff.ms has passed.
  v.metadataNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
  const body = msg.body as MetadataResponse;
  if (body.brokers.length > 0) {
    v.brokers = {};
    for (const b of body.brokers) v.brokers[b.id] = b.node;
  }
  const resolved: string[] = [];
  for (const t of body.topics) {
    const meta = v.topics[t.name];
    // A topic-level error: not (yet) known to that broker. Records waiting for it keep waiting.
    if (!meta || t.error !== null) continue;
    const wasUnknown = meta.numPartitions < 0;
    for (const p of t.partitions) applyPartition(meta, p);
    if (wasUnknown && meta.numPartitions > 0) resolved.push(t.name);
  }
  for (const meta of Object.values(v.topics)) if (meta.numPartitions < 0) v.metadataNeeded = true;
  return resolved;
}

function applyPartition(meta: TopicMeta, p: MetadataPartition): void {
  while (meta.numPartitions <= p.partition) {
    const i = Math.max(0, meta.numPartitions);
    meta.leaders[i] = -1;
    meta.leaderEpochs[i] = -1;
    meta.queues[i] = newQueue(meta.name, i);
    meta.numPartitions = i + 1;
  }
  // Kafka's Metadata keeps the newer leader epoch (KIP-320): an answer from a broker that is behind
  // on metadata must not move the producer back to an old leader.
  if (p.leaderEpoch < (meta.leaderEpochs[p.partition] ?? -1)) return;
  meta.leaders[p.partition] = p.error === null ? p.leader : -1;
  meta.leaderEpochs[p.partition] = p.leaderEpoch;
}

export function onMetadataTimeout(self: ProducerNode, msgId: number): void {
  const v = self.volatile;
  if (v.metadataRequest?.msgId !== msgId) return;
  v.metadataRequest = null;
  v.metadataNeeded = true;
  v.brokerCursor++;
}

/** Idempotence: a producer id before the first Produce (reference §6). */
export function maybeInitProducerId(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const v = self.volatile;
  if (!self.durable.config.idempotent || v.producerId >= 0 || v.initRequest || nowMs < v.initNotBeforeMs)
    return;
  const node = pickBroker(self);
  // transactional.id is stored but not sent until transactions exist: this is an idempotent producer.
  const body: InitProducerIdRequest = {
    transactionalId: null,
    transactionTimeoutMs: NO_TRANSACTION_TIMEOUT_MS,
  };
  const msgId = ctx.send(node, 'InitProducerId', body);
  const timer = ctx.setTimer('initTimeout', self.durable.config.requestTimeoutMs, { msgId });
  v.initRequest = { msgId, node, timer };
}

export function onInitProducerIdResponse(ctx: NodeContext, self: ProducerNode, msg: RpcMessage): void {
  const v = self.volatile;
  const req = v.initRequest;
  if (!req || req.msgId !== msg.inReplyTo) return;
  ctx.cancelTimer(req.timer);
  v.initRequest = null;
  const body = msg.body as InitProducerIdResponse;
  if (body.error !== null) {
    // Kafka retries InitProducerId after retry.backoff.ms; ask another broker next time.
    v.initNotBeforeMs = ctx.now() + self.durable.config.retryBackoffMs;
    v.brokerCursor++;
    return;
  }
  v.producerId = body.producerId;
  v.producerEpoch = body.producerEpoch;
  ctx.emit('producer.idAssigned', {
    producer: self.durable.name,
    producerId: body.producerId,
    producerEpoch: body.producerEpoch,
  });
}

export function onInitTimeout(self: ProducerNode, msgId: number): void {
  const v = self.volatile;
  if (v.initRequest?.msgId !== msgId) return;
  v.initRequest = null;
  v.brokerCursor++;
}
