/**
 * The producer's sender (Kafka's Sender): drains sendable batches into Produce requests, one request
 * per leader broker with at most one batch per partition, within max.in.flight per broker; settles
 * requests (their connection, responses in order and timeouts: producer-connection.ts; batches:
 * producer-completion.ts); expires batches
 * after delivery.timeout.ms; and works out when it must next run.
 */
import { brokerNodeId } from '../core-module';
import type { NodeContext } from '../kernel/kernel';
import type { ProduceRequest, ProduceResponse } from '../protocol/produce';
import {
  assignSequence,
  expireHeads,
  firstInFlightSequence,
  headReadyAtMs,
  takeHead,
  wireBatch,
} from './accumulator';
import { completeBatch, failBatch, succeedBatch } from './producer-completion';
import { wireAcks } from './producer-config';
import { txnAllowsSend } from './producer-txn';
import type { PartitionQueue, ProducerBatch, ProducerNode } from './producer-state';

const tpName = (b: { topic: string; partition: number }) => `${b.topic}-${b.partition}`;

/** Fail the head batches that have spent delivery.timeout.ms in the accumulator. */
export function expireBatches(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const timeoutMs = self.durable.config.deliveryTimeoutMs;
  for (const meta of Object.values(self.volatile.topics)) {
    for (const q of meta.queues) {
      if (q.batches.length === 0 || nowMs - q.batches[0]!.createdMs < timeoutMs) continue;
      for (const b of expireHeads(self.volatile, q, nowMs, timeoutMs)) {
        failBatch(ctx, self, b, 'REQUEST_TIMED_OUT', expiryMessage(b, nowMs));
      }
    }
  }
}

function expiryMessage(b: ProducerBatch, nowMs: number): string {
  return `Expiring ${b.records.length} record(s) for ${tpName(b)}: ${nowMs - b.createdMs} ms has passed since batch creation`;
}

/** May the head batch of `q` go now? (Kafka's RecordAccumulator.ready plus its drain-time checks.) */
function headSendable(self: ProducerNode, q: PartitionQueue, nowMs: number): boolean {
  const config = self.durable.config;
  const readyAtMs = headReadyAtMs(q, config);
  if (readyAtMs < 0 || readyAtMs > nowMs) return false;
  // max.in.flight=1 guarantees order by muting the partition while a batch is out.
  if (config.maxInFlight === 1 && q.inFlight.length > 0) return false;
  if (!config.idempotent) return true;
  const head = q.batches[0]!;
  if (head.baseSequence < 0) {
    // New batches wait while batches of an earlier producer id are still out (their fate decides
    // nothing for the new id, but their retries must go first).
    return q.inFlight.every((b) => b.producerId === self.volatile.producerId);
  }
  // A retried batch goes only when no batch with a lower sequence is still out
  // (Kafka's shouldStopDrainBatchesForPartition): in-flight drops to one while the partition recovers.
  const first = firstInFlightSequence(q);
  return first < 0 || first >= head.baseSequence;
}

/** Drain every sendable batch into Produce requests, per leader, within max.in.flight. */
export function drain(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const v = self.volatile;
  const byLeader = new Map<number, PartitionQueue[]>();
  for (const meta of Object.values(v.topics)) {
    for (const q of meta.queues) {
      if (q.batches.length === 0) continue;
      if (!txnAllowsSend(self, q)) continue; // waiting for AddPartitionsToTxn
      const leader = meta.leaders[q.partition] ?? -1;
      if (leader < 0) {
        // Records wait in the accumulator until metadata names a leader.
        v.metadataNeeded = true;
        continue;
      }
      const list = byLeader.get(leader);
      if (list) list.push(q);
      else byLeader.set(leader, [q]);
    }
  }
  for (const [broker, queues] of byLeader) {
    while ((v.inFlightByBroker[broker] ?? 0) < self.durable.config.maxInFlight) {
      const batches: ProducerBatch[] = [];
      for (const q of queues) {
        if (headSendable(self, q, nowMs)) batches.push(prepare(self, q, nowMs));
      }
      if (batches.length === 0) break;
      sendProduce(ctx, self, broker, batches);
    }
  }
}

function prepare(self: ProducerNode, q: PartitionQueue, nowMs: number): ProducerBatch {
  const v = self.volatile;
  const batch = takeHead(v, q);
  if (self.durable.config.idempotent && batch.baseSequence < 0) {
    assignSequence(q, batch, v.producerId, v.producerEpoch);
  }
  batch.attempts++;
  batch.lastAttemptMs = nowMs;
  return batch;
}

function sendProduce(ctx: NodeContext, self: ProducerNode, broker: number, batches: ProducerBatch[]): void {
  const v = self.volatile;
  const config = self.durable.config;
  const node = v.brokers[broker] ?? brokerNodeId(broker);
  const body: ProduceRequest = {
    acks: wireAcks(config.acks),
    timeoutMs: config.requestTimeoutMs,
    transactionalId: config.transactionalId,
    partitions: batches.map((b) => ({
      topic: b.topic,
      partition: b.partition,
      batch: wireBatch(b, config.transactionalId !== null),
    })),
  };
  const msgId = ctx.send(node, 'Produce', body);
  for (const b of batches) {
    ctx.emit('producer.batchSent', {
      producer: self.durable.name,
      broker,
      topic: b.topic,
      partition: b.partition,
      records: b.records.length,
      baseSequence: b.baseSequence,
      attempt: b.attempts,
      requestId: msgId,
      batchId: b.id,
      commandIds: b.sends.filter((_, i) => i % 2 === 1),
    });
  }
  if (config.acks === 0) {
    // Reference §4.4: with acks=0 the broker never answers; the record counts as sent once it is
    // on the wire, with offset -1, and retries do not apply.
    for (const b of batches) succeedBatch(ctx, self, b, -1);
    return;
  }
  const timer = ctx.setTimer('requestTimeout', config.requestTimeoutMs, { msgId });
  v.requests[msgId] = {
    msgId,
    node,
    timer,
    broker,
    batches: batches.map((b) => ({ topic: b.topic, partition: b.partition, batchId: b.id })),
  };
  v.inFlightByBroker[broker] = (v.inFlightByBroker[broker] ?? 0) + 1;
  v.inFlightBatches += batches.length;
  for (const b of batches) queueOf(self, b)?.inFlight.push(b);
}

function queueOf(self: ProducerNode, ref: { topic: string; partition: number }): PartitionQueue | undefined {
  return self.volatile.topics[ref.topic]?.queues[ref.partition];
}

/** Take a request out of flight; returns its batches (those still known). */
function settleRequest(self: ProducerNode, msgId: number) {
  const v = self.volatile;
  const req = v.requests[msgId];
  if (!req) return undefined;
  delete v.requests[msgId];
  v.inFlightByBroker[req.broker] = (v.inFlightByBroker[req.broker] ?? 1) - 1;
  const settled: { q: PartitionQueue; batch: ProducerBatch }[] = [];
  for (const ref of req.batches) {
    const q = queueOf(self, ref);
    const i = q ? q.inFlight.findIndex((b) => b.id === ref.batchId) : -1;
    if (!q || i < 0) continue;
    settled.push({ q, batch: q.inFlight.splice(i, 1)[0]! });
    v.inFlightBatches--;
  }
  return { req, settled };
}

/** Settle a request from its answer (called in send order, by producer-connection.ts). */
export function completeRequest(
  ctx: NodeContext,
  self: ProducerNode,
  msgId: number,
  body: ProduceResponse,
): void {
  const done = settleRequest(self, msgId);
  if (!done) return;
  ctx.cancelTimer(done.req.timer);
  for (const { q, batch } of done.settled) {
    const r = body.partitions.find((p) => p.topic === batch.topic && p.partition === batch.partition);
    if (!r) {
      completeBatch(
        ctx,
        self,
        q,
        batch,
        'REQUEST_TIMED_OUT',
        'The ProduceResponse had no answer for this partition.',
        -1,
      );
    } else {
      completeBatch(ctx, self, q, batch, r.error, r.errorMessage, r.baseOffset);
    }
  }
}

/** Fail one request's batches (its connection closed); each is retried or failed by completeBatch. */
export function failRequest(
  ctx: NodeContext,
  self: ProducerNode,
  msgId: number,
  error: 'REQUEST_TIMED_OUT' | 'NETWORK_EXCEPTION',
  message: string,
  timerFired = false,
): void {
  const done = settleRequest(self, msgId);
  if (!done) return;
  if (!timerFired) ctx.cancelTimer(done.req.timer);
  self.volatile.metadataNeeded = true;
  for (const { q, batch } of done.settled) completeBatch(ctx, self, q, batch, error, message, -1);
}

/**
 * When the sender must next look, for anything time alone will make ready: a lingering or backing-off
 * batch, a delivery or max.block.ms expiry. Responses wake it for everything else. Always later
 * than now, so the sender never spins.
 */
export function nextWakeMs(self: ProducerNode, nowMs: number): number {
  const v = self.volatile;
  const config = self.durable.config;
  const canDrain = !config.idempotent || v.producerId >= 0;
  let next = Infinity;
  for (const meta of Object.values(v.topics)) {
    const pending = meta.pending[0];
    // max.block.ms runs from when send() began waiting (as expirePending reads it), not from the
    // record's timestamp: a Streams output record keeps its input's event time, which may lie
    // far in the past, and a wake-up time in the past would re-run the sender at the same instant
    // forever.
    if (pending) next = Math.min(next, (pending.sinceMs ?? pending.record.timestamp) + config.maxBlockMs);
    for (const q of meta.queues) {
      const head = q.batches[0];
      if (!head) continue;
      next = Math.min(next, head.createdMs + config.deliveryTimeoutMs);
      const leader = meta.leaders[q.partition] ?? -1;
      if (!canDrain || leader < 0 || (v.inFlightByBroker[leader] ?? 0) >= config.maxInFlight) continue;
      const readyAtMs = headReadyAtMs(q, config);
      if (readyAtMs > nowMs) next = Math.min(next, readyAtMs);
    }
  }
  // metadata.max.age.ms: even an idle producer refreshes (Kafka's sender thread never sleeps past it).
  const refreshAtMs = v.metadataAnsweredMs + (config.metadataMaxAgeMs ?? 300000);
  if (v.metadataAnsweredMs >= 0 && !v.metadataRequest && refreshAtMs > nowMs) {
    next = Math.min(next, refreshAtMs);
  }
  if (v.metadataNeeded && !v.metadataRequest && v.metadataNotBeforeMs > nowMs) {
    next = Math.min(next, v.metadataNotBeforeMs);
  }
  if (config.idempotent && v.producerId < 0 && !v.initRequest && v.initNotBeforeMs > nowMs) {
    next = Math.min(next, v.initNotBeforeMs);
  }
  return next;
}
