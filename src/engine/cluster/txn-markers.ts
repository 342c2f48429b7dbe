/**
 * The partition leader's side of WriteTxnMarkers (reference §7.3): append a COMMIT or ABORT control
 * batch for the producer, which ends its transaction on this partition (the LSO can move past it)
 * and fences older epochs; answer once the marker is replicated, as Kafka writes markers with
 * acks=all (or REQUEST_TIMED_OUT after request.timeout.ms). One request, one marker per partition:
 * the coordinator sends a partition again only when the answer asks for it. On a __consumer_offsets partition the marker also settles the producer's pending
 * transactional offsets.
 */
import { brokerSetting } from '../config';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import { lastOffsetOf, type ProducePartitionResponse } from '../protocol/produce';
import type { WriteTxnMarkersRequest } from '../protocol/txn';
import type { BrokerNode } from './broker-state';
import { OFFSETS_TOPIC } from './group-storage';
import { appendAsLeader, markerBatch, tpKey } from './partition-log';
import { checkPurgatory } from './purgatory';
import { maybeIncrementHighWatermark } from './replica-manager';
import { leaderRole } from './replica-read';
import { completeTxnOffsets } from './txn-storage';

export function handleWriteTxnMarkers(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<WriteTxnMarkersRequest>,
): void {
  const req = msg.body;
  const results: ProducePartitionResponse[] = [];
  const waiting: { topic: string; partition: number; requiredOffset: number; index: number }[] = [];
  for (const { topic, partition } of req.partitions) {
    const key = tpKey(topic, partition);
    const role = leaderRole(self, key);
    const log = self.durable.logs[key];
    if (!role || !log) {
      results.push({ topic, partition, error: 'NOT_LEADER_OR_FOLLOWER', baseOffset: -1 });
      continue;
    }
    const marker = appendAsLeader(
      log,
      markerBatch(req.producerId, req.producerEpoch, req.result, ctx.now()),
      role.leaderEpoch,
    );
    ctx.emit('partition.markerWritten', {
      broker: self.durable.brokerId,
      topic,
      partition,
      offset: marker.baseOffset,
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      control: req.result,
    });
    if (topic === OFFSETS_TOPIC) completeTxnOffsets(ctx, self, req.producerId, req.result, partition);
    results.push({ topic, partition, error: null, baseOffset: marker.baseOffset });
    waiting.push({ topic, partition, requiredOffset: lastOffsetOf(marker) + 1, index: results.length - 1 });
    maybeIncrementHighWatermark(ctx, self, key);
  }
  checkPurgatory(ctx, self, 'logEnd');
  // Kafka appends markers with acks=-1 and the broker's request.timeout.ms: the coordinator hears
  // back once every marker is replicated, or REQUEST_TIMED_OUT for those that were not.
  const timerId = ctx.setTimer('produceTimeout', brokerSetting(ctx.config, 'request.timeout.ms'), {
    requestId: msg.id,
  });
  self.volatile.delayedProduces.push({
    from: msg.from,
    requestId: msg.id,
    timerId,
    results,
    waiting,
    acks: -1,
    responseKind: 'WriteTxnMarkersResponse',
  });
  checkPurgatory(ctx, self, 'highWatermark');
}
