/**
 * DeleteRecords (KIP-107), as Kafka's partition leader runs it (Partition.deleteRecordsOnLeader and
 * UnifiedLog.maybeIncrementLogStartOffset): the only way Kafka's protocol removes records from a
 * log on request, and it removes everything *before* an offset, never one record in the middle.
 * The leader moves its log start offset there (offset -1 means the high watermark) and drops the
 * segments wholly below it; its followers move theirs at their next fetch, from the log start
 * offset in the leader's answer. A topic whose cleanup.policy has no `delete` answers
 * POLICY_VIOLATION; an offset past the high watermark, or negative, OFFSET_OUT_OF_RANGE.
 *
 * Kafka's answer waits in purgatory (DelayedDeleteRecords) until every live replica's log start
 * has reached the offset, and carries that low watermark; here the leader answers at once with
 * its own log start, and the followers' moves are seen in their `log.segmentsDeleted` events.
 */
import { EngineError } from '../errors';
import { topicSetting } from '../config';
import type { Kernel } from '../kernel/kernel';
import type { BrokerDurable, BrokerNode } from '../cluster/broker-state';
import { leaderRole } from '../cluster/replica-manager';
import { deleteSegmentsBefore, tpKey } from '../cluster/partition-log';

/** DeleteRecordsRequest's offset meaning "up to the high watermark". */
export const HIGH_WATERMARK = -1;

/** The live broker leading `topic`-`partition`, or the error the Admin client reports. */
function leaderOf(kernel: Kernel, topic: string, partition: number): BrokerNode {
  let known = false;
  for (const n of Object.values(kernel.state.nodes)) {
    if (n.kind !== 'broker' || !n.alive || !n.volatile) continue;
    const b = n as BrokerNode;
    if (b.volatile.image.topics[topic]?.partitions[partition]) known = true;
    if (leaderRole(b, tpKey(topic, partition)) && b.durable.logs[tpKey(topic, partition)]) return b;
  }
  if (!known) {
    throw new EngineError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `This server does not host this topic-partition: ${topic}-${partition}.`,
    );
  }
  throw new EngineError('LEADER_NOT_AVAILABLE', `${topic}-${partition} has no leader.`);
}

/** Check now (nothing changes on failure); the returned function runs it on the leader. */
export function deleteRecords(kernel: Kernel, topic: string, partition: number, offset: number): () => void {
  const broker = leaderOf(kernel, topic, partition);
  return () =>
    kernel.invoke<BrokerDurable, BrokerNode['volatile']>(broker.id, (ctx, self) => {
      const tp = tpKey(topic, partition);
      const log = self.durable.logs[tp]!;
      const config = self.volatile.image.topics[topic]?.config ?? {};
      const before = log.logStartOffset;
      const answer = (error: 'POLICY_VIOLATION' | 'OFFSET_OUT_OF_RANGE' | null, message: string | null) =>
        ctx.emit('records.deleted', {
          broker: self.durable.brokerId,
          topic,
          partition,
          offset,
          error,
          message,
          logStartOffsetBefore: before,
          logStartOffset: log.logStartOffset,
          highWatermark: log.highWatermark,
        });
      const policy = String(topicSetting(ctx.config, config, 'cleanup.policy'));
      if (!policy.split(',').includes('delete')) {
        return answer(
          'POLICY_VIOLATION',
          `Records of partition ${tp} can not be deleted due to the configured policy`,
        );
      }
      const target = offset === HIGH_WATERMARK ? log.highWatermark : offset;
      if (target < 0)
        return answer('OFFSET_OUT_OF_RANGE', `The offset ${target} for partition ${tp} is not valid`);
      if (target > log.highWatermark) {
        return answer(
          'OFFSET_OUT_OF_RANGE',
          `Cannot increment the log start offset to ${target} of partition ${tp} since it is larger than the high watermark ${log.highWatermark}`,
        );
      }
      if (target > log.logStartOffset) {
        const segments = deleteSegmentsBefore(log, target);
        ctx.emit('log.segmentsDeleted', {
          broker: self.durable.brokerId,
          topic,
          partition,
          segments,
          logStartOffset: log.logStartOffset,
          reason: 'delete-records',
        });
      }
      answer(null, null);
    });
}
