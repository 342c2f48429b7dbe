/**
 * The producer client node (kind 'producer', id `producer:<name>`): Kafka's KafkaProducer with its
 * RecordAccumulator and Sender. A record handed to it is partitioned (reference §1.2), appended to a
 * batch, and sent by the sender to the partition's leader; every step is a real RPC.
 */
import { assertNever } from '../errors';
import type { NodeBehaviour, NodeContext } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import { RECORD_OVERHEAD_BYTES, recordSize, type BatchRecord } from '../protocol/produce';
import { appendRecord } from './accumulator';
import { partitionForKey } from './murmur2';
import {
  maybeInitProducerId,
  maybeRequestMetadata,
  newTopicMeta,
  onInitProducerIdResponse,
  onInitTimeout,
  onMetadataResponse,
  onMetadataTimeout,
} from './producer-metadata';
import {
  initialVolatile,
  wakeAt,
  type ProducerDurable,
  type ProducerNode,
  type ProducerVolatile,
  type TopicMeta,
} from './producer-state';
import { failBatchlessRecord } from './producer-completion';
import { drain, expireBatches, nextWakeMs } from './sender';
import { onProduceResponse, onRequestDisconnected, onRequestTimeout } from './producer-connection';
import { recordStickyBytes, stickyPartition } from './sticky-partitioner';
import { newTxnClient, runTransactionManager } from './producer-txn';
import { onTxnRequestFailed, onTxnResponse } from './producer-txn-answers';

export const producerBehaviour: NodeBehaviour<ProducerDurable, ProducerVolatile, TimerOf<'producer'>> = {
  start(ctx, self) {
    const v = initialVolatile(ctx.randomInt(Math.max(1, self.durable.bootstrap.length)));
    // Kafka's sender asks for a producer id as soon as it starts, before any record (reference §6).
    if (self.durable.config.idempotent) wakeAt(ctx, v, ctx.now());
    if (self.durable.config.transactionalId !== null) v.txn = newTxnClient();
    return v;
  },

  onMessage(ctx, self, msg) {
    if (self.volatile.txn && onTxnResponse(ctx, self, msg)) return runSender(ctx, self);
    switch (msg.kind) {
      case 'MetadataResponse':
        for (const topic of onMetadataResponse(ctx, self, msg))
          placePending(ctx, self, self.volatile.topics[topic]!);
        break;
      case 'InitProducerIdResponse':
        onInitProducerIdResponse(ctx, self, msg);
        break;
      case 'ProduceResponse':
        onProduceResponse(ctx, self, msg);
        break;
      default:
        // A producer serves no requests.
        return;
    }
    runSender(ctx, self);
  },

  onUndeliverable(ctx, self, msg) {
    // The broker is down: its connection closed, so try the next broker or retry right away.
    if (onTxnRequestFailed(ctx, self, msg.id)) return runSender(ctx, self);
    if (msg.kind === 'Produce') onRequestDisconnected(ctx, self, msg.id);
    else if (msg.kind === 'Metadata') onMetadataTimeout(self, msg.id);
    else if (msg.kind === 'InitProducerId') onInitTimeout(self, msg.id);
    runSender(ctx, self);
  },
  onTimer(ctx, self, timer) {
    switch (timer.name) {
      case 'send':
        self.volatile.wakeTimer = null;
        break;
      case 'metadataTimeout':
        onMetadataTimeout(self, timer.data.msgId);
        break;
      case 'initTimeout':
        onInitTimeout(self, timer.data.msgId);
        break;
      case 'requestTimeout':
        onRequestTimeout(ctx, self, timer.data.msgId);
        break;
      case 'txnTimeout':
        onTxnRequestFailed(ctx, self, timer.data.msgId);
        break;
      default:
        assertNever(timer, 'producer timer');
    }
    runSender(ctx, self);
  },
};

/**
 * One pass of the sender: expire what waited too long, drain what is sendable, ask for metadata or a
 * producer id if needed, and schedule the next pass for whatever time alone will make ready.
 */
export function runSender(ctx: NodeContext, self: ProducerNode): void {
  const v = self.volatile;
  const nowMs = ctx.now();
  expirePending(ctx, self, nowMs);
  expireBatches(ctx, self, nowMs);
  if (v.txn) runTransactionManager(ctx, self, nowMs);
  if (!self.durable.config.idempotent || v.producerId >= 0) {
    if (v.txn?.state !== 'FENCED') drain(ctx, self, nowMs);
  } else if (!v.txn) maybeInitProducerId(ctx, self, nowMs);
  maybeRequestMetadata(ctx, self, nowMs);
  const next = nextWakeMs(self, nowMs);
  if (next !== Infinity) wakeAt(ctx, v, next);
}

/**
 * Accept many records without command ids (enqueueRecords): the same path as acceptRecord, with
 * the topic lookup hoisted and keyed records placed inline, since this loop is the benchmark's.
 */
export function acceptRecords(
  ctx: NodeContext,
  self: ProducerNode,
  topic: string,
  records: readonly { key: string | null; value: string }[],
): void {
  const v = self.volatile;
  const nowMs = ctx.now();
  const meta = v.topics[topic];
  if (meta === undefined || meta.numPartitions < 0) {
    for (const r of records)
      acceptRecord(ctx, self, topic, { key: r.key, value: r.value, timestamp: nowMs }, -1, 0);
    return;
  }
  const config = self.durable.config;
  const { queues, numPartitions } = meta;
  for (let i = 0; i < records.length; i++) {
    const { key, value } = records[i]!;
    const record: BatchRecord = { key, value, timestamp: nowMs };
    if (key === null) {
      placeRecord(ctx, self, meta, record, -1, 0);
      continue;
    }
    // recordSize(key, value) without headers, inline.
    const sizeBytes = RECORD_OVERHEAD_BYTES + key.length + value.length;
    const wakeAtMs = appendRecord(
      v,
      queues[partitionForKey(key, numPartitions)]!,
      record,
      sizeBytes,
      0,
      nowMs,
      config,
    );
    if (wakeAtMs >= 0) wakeAt(ctx, v, wakeAtMs);
  }
}

/**
 * Accept one record (the hot path): choose its partition and append it to the open batch. Before
 * the topic's partition count is known the record waits, as Kafka's send() blocks on metadata.
 * `partition` is -1 to let the partitioner choose; `commandId` 0 for records without a command.
 */
export function acceptRecord(
  ctx: NodeContext,
  self: ProducerNode,
  topic: string,
  record: BatchRecord,
  partition: number,
  commandId: number,
): void {
  const v = self.volatile;
  let meta = v.topics[topic];
  if (meta === undefined) {
    meta = newTopicMeta(topic);
    v.topics[topic] = meta;
    v.metadataNeeded = true;
    wakeAt(ctx, v, ctx.now());
  }
  if (meta.numPartitions < 0) {
    meta.pending.push({ record, partition, commandId, sinceMs: ctx.now() });
    v.queuedRecords++;
    return;
  }
  placeRecord(ctx, self, meta, record, partition, commandId);
}

function placeRecord(
  ctx: NodeContext,
  self: ProducerNode,
  meta: TopicMeta,
  record: BatchRecord,
  explicit: number,
  commandId: number,
): void {
  const v = self.volatile;
  const config = self.durable.config;
  const sticky = explicit < 0 && record.key === null;
  const partition =
    explicit >= 0
      ? explicit
      : record.key !== null
        ? partitionForKey(record.key, meta.numPartitions)
        : stickyPartition(v.sticky, meta.name, meta.leaders, config.batchSize, ctx.randomInt);
  const q = meta.queues[partition];
  if (q === undefined) {
    // Kafka's send() rejects a partition outside the topic's current partition count.
    const message = `Invalid partition given with record: ${partition} is not in the range [0...${meta.numPartitions}).`;
    failBatchlessRecord(ctx, self, meta.name, partition, commandId, 'UNKNOWN_TOPIC_OR_PARTITION', message);
    return;
  }
  const sizeBytes = recordSize(record.key, record.value, record.headers);
  const wakeAtMs = appendRecord(v, q, record, sizeBytes, commandId, ctx.now(), config);
  if (sticky) recordStickyBytes(v.sticky, meta.name, sizeBytes);
  if (wakeAtMs >= 0) wakeAt(ctx, v, wakeAtMs);
  if (commandId > 0) {
    ctx.emit('producer.queued', { commandId, producer: self.durable.name, topic: meta.name, partition });
  }
}

/** The topic's partition count just became known: place the records that were waiting for it. */
function placePending(ctx: NodeContext, self: ProducerNode, meta: TopicMeta): void {
  const pending = meta.pending;
  meta.pending = [];
  self.volatile.queuedRecords -= pending.length;
  for (const p of pending) placeRecord(ctx, self, meta, p.record, p.partition, p.commandId);
}

/** Kafka's max.block.ms: send() gives up on a topic that never shows up in metadata. */
function expirePending(ctx: NodeContext, self: ProducerNode, nowMs: number): void {
  const maxBlockMs = self.durable.config.maxBlockMs;
  for (const meta of Object.values(self.volatile.topics)) {
    while (
      meta.pending.length > 0 &&
      nowMs - (meta.pending[0]!.sinceMs ?? meta.pending[0]!.record.timestamp) >= maxBlockMs
    ) {
      const p = meta.pending.shift()!;
      self.volatile.queuedRecords--;
      failBatchlessRecord(
        ctx,
        self,
        meta.name,
        p.partition,
        p.commandId,
        'REQUEST_TIMED_OUT',
        `Topic ${meta.name} not present in metadata after ${maxBlockMs} ms.`,
      );
    }
  }
}
