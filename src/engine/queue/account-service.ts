/**
 * The account service's publishing side: it writes its events to a Kafka topic the way a producer
 * does — a Metadata request to learn the partition leaders, then a Produce request (acks=all, one
 * batch) to the leader of the key's partition. Only when the events are acknowledged does it apply
 * the new balances and ack the command on the queue: at-least-once, and a redelivered command is
 * recognised by its transaction id and not applied twice.
 */
import { partitionForKey } from '../client/murmur2';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import {
  newBatch,
  type MetadataResponse,
  type ProduceRequest,
  type ProduceResponse,
} from '../protocol/produce';
import { decideTransaction } from './account-logic';
import { ack, RETRY_BACKOFF_MS, type Decision, type ServiceNode } from './service-state';

const REQUEST_TIMEOUT_MS = 5000;
const PRODUCE_TIMEOUT_MS = 30_000;

/** The command at the head of `holding` has been processed: decide it and publish the events. */
export function onCommandProcessed(ctx: NodeContext, self: ServiceNode, next: () => void): void {
  const v = self.volatile;
  const msg = v.holding[0];
  if (!msg) return next();
  const decision = decideTransaction(self.durable.balances, msg.body, msg.messageId);
  if (self.durable.processed.includes(decision.transactionId)) {
    ctx.emit('account.duplicateIgnored', {
      service: self.durable.name,
      transactionId: decision.transactionId,
      messageId: msg.messageId,
    });
    ack(ctx, self, [msg]);
    v.holding.shift();
    return next();
  }
  v.publishing = decision;
  v.state = 'publishing';
  publish(ctx, self);
}

export function publish(ctx: NodeContext, self: ServiceNode): void {
  const v = self.volatile;
  const decision = v.publishing;
  if (!decision || v.produceId !== null || v.metadataId !== null) return;
  if (!v.leaders) {
    const d = self.durable;
    const broker = d.bootstrap[v.bootIndex++ % Math.max(1, d.bootstrap.length)];
    if (!broker) return;
    v.metadataId = ctx.send(broker, 'Metadata', { topics: [d.topic] });
    ctx.setTimer('requestTimeout', REQUEST_TIMEOUT_MS, { id: v.metadataId });
    return;
  }
  const partition = partitionForKey(decision.key, v.leaders.length);
  const leader = v.leaders[partition];
  if (!leader) return retryLater(ctx, self);
  const records = decision.records.map((r) => ({
    key: decision.key,
    value: r.value,
    timestamp: ctx.now(),
    headers: { type: r.type },
  }));
  const batch = newBatch(records);
  const request: ProduceRequest = {
    acks: -1,
    timeoutMs: PRODUCE_TIMEOUT_MS,
    transactionalId: null,
    partitions: [{ topic: self.durable.topic, partition, batch }],
  };
  v.produceId = ctx.send(leader, 'Produce', request);
  ctx.setTimer('requestTimeout', PRODUCE_TIMEOUT_MS + REQUEST_TIMEOUT_MS, { id: v.produceId });
}

export function onMetadataResponse(ctx: NodeContext, self: ServiceNode, msg: RpcMessage): void {
  const v = self.volatile;
  if (msg.inReplyTo !== v.metadataId) return;
  v.metadataId = null;
  const body = msg.body as MetadataResponse;
  const topic = body.topics.find((t) => t.name === self.durable.topic);
  const nodes = new Map(body.brokers.map((b) => [b.id, b.node]));
  if (!topic || topic.error || topic.partitions.length === 0) return retryLater(ctx, self);
  const leaders = [...topic.partitions]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => (p.leader >= 0 ? (nodes.get(p.leader) ?? `broker-${p.leader}`) : ''));
  if (leaders.some((l) => l === '')) return retryLater(ctx, self);
  v.leaders = leaders;
  publish(ctx, self);
}

export function onProduceResponse(
  ctx: NodeContext,
  self: ServiceNode,
  msg: RpcMessage,
  next: () => void,
): void {
  const v = self.volatile;
  if (msg.inReplyTo !== v.produceId) return;
  v.produceId = null;
  const part = (msg.body as ProduceResponse).partitions[0];
  const decision = v.publishing;
  if (!part || part.error || !decision) return retryLater(ctx, self);
  applyDecision(ctx, self, decision, part.partition, part.baseOffset);
  const cmd = v.holding.shift();
  if (cmd) ack(ctx, self, [cmd]);
  next();
}

function applyDecision(
  ctx: NodeContext,
  self: ServiceNode,
  decision: Decision,
  partition: number,
  baseOffset: number,
): void {
  const d = self.durable;
  const v = self.volatile;
  d.balances = decision.balances;
  d.processed.push(decision.transactionId);
  d.count++;
  v.publishing = null;
  ctx.emit('account.transactionProcessed', {
    service: d.name,
    transactionId: decision.transactionId,
    outcome: decision.outcome,
    reason: decision.reason,
    events: decision.records.map((r) => r.type),
    topic: d.topic,
    partition,
    baseOffset,
    balances: { ...decision.balances },
  });
}

/** Leaders moved, the topic is not there yet or a broker is unreachable: ask again shortly. */
export function retryLater(ctx: NodeContext, self: ServiceNode): void {
  const v = self.volatile;
  v.leaders = null;
  v.metadataId = null;
  v.produceId = null;
  ctx.setTimer('republish', RETRY_BACKOFF_MS);
}

/** A Metadata or Produce request got no answer in time. */
export function onPublishTimeout(ctx: NodeContext, self: ServiceNode, id: number): void {
  const v = self.volatile;
  if (id !== v.metadataId && id !== v.produceId) return;
  retryLater(ctx, self);
}
