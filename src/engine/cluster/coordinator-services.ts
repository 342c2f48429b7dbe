/**
 * Consumer-facing broker services around the group coordinator: FindCoordinator (creating
 * __consumer_offsets on first use, as Kafka does), routing group requests to the coordinator's
 * group state, OffsetCommit / OffsetFetch (reference §3.5) and ListOffsets (reference §8.5).
 */
import type { ErrorCode } from '../errors';
import { coordinatorPartition } from '../group/java-hash';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import { brokerNodeId } from '../core-module';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
} from '../protocol/consume';
import type { BrokerNode } from './broker-state';
import { appendInternal, OFFSETS_TOPIC, offsetKey, type OffsetValue } from './group-storage';
import { lastStableOffset, tpKey } from './partition-log';
import { recordOffset } from '../protocol/produce';
import { handleFindTxnCoordinator } from './txn-coordinator';
import { leaderRole } from './replica-read';
import { coordinatedGroup, requestOffsetsTopic } from './coordinator-lookup';

// These moved to coordinator-lookup.ts; they stay importable from here.
export { coordinatedGroup, requestOffsetsTopic, type CreateInternalTopicRequest } from './coordinator-lookup';

export function handleFindCoordinator(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<FindCoordinatorRequest>,
) {
  if (msg.body.keyType === 'TRANSACTION') return handleFindTxnCoordinator(ctx, self, msg);
  const reply = (body: FindCoordinatorResponse) =>
    ctx.send(msg.from, 'FindCoordinatorResponse', body, msg.id);
  const topic = self.volatile.image.topics[OFFSETS_TOPIC];
  if (!topic) {
    requestOffsetsTopic(ctx, self);
    return reply({ error: 'COORDINATOR_NOT_AVAILABLE', nodeId: -1, node: null });
  }
  const p = topic.partitions[coordinatorPartition(msg.body.key, topic.partitions.length)];
  if (!p || p.leader < 0) return reply({ error: 'COORDINATOR_NOT_AVAILABLE', nodeId: -1, node: null });
  reply({ error: null, nodeId: p.leader, node: brokerNodeId(p.leader) });
}

export function handleOffsetCommit(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<OffsetCommitRequest>,
): void {
  const req = msg.body;
  const answer = (error: ErrorCode | null) => {
    const res: OffsetCommitResponse = {
      partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })),
    };
    ctx.send(msg.from, 'OffsetCommitResponse', res, msg.id);
  };
  const g = coordinatedGroup(self, req.groupId);
  if (typeof g === 'string') return answer(g);
  // ClassicGroup#validateOffsetCommit (reference §3.5).
  if (g.state === 'Dead') return answer('COORDINATOR_NOT_AVAILABLE');
  const simple = req.generationId < 0 && req.memberId === '';
  if (simple && g.state !== 'Empty') return answer('ILLEGAL_GENERATION');
  if (!simple) {
    if (!g.members[req.memberId]) return answer('UNKNOWN_MEMBER_ID');
    if (req.generationId !== g.generation) return answer('ILLEGAL_GENERATION');
    if (g.state === 'CompletingRebalance') return answer('REBALANCE_IN_PROGRESS');
    g.members[req.memberId]!.lastHeartbeatMs = ctx.now();
  }
  const now = ctx.now();
  const records = req.offsets.map((o) => ({
    key: offsetKey(req.groupId, o.topic, o.partition),
    value: { offset: o.offset, metadata: o.metadata, commitTimestamp: now } satisfies OffsetValue,
  }));
  const body: OffsetCommitResponse = {
    partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error: null })),
  };
  appendInternal(ctx, self, g.offsetsPartition, records, {
    reply: { to: msg.from, kind: 'OffsetCommitResponse', body, inReplyTo: msg.id },
    commit: { groupId: req.groupId, offsets: req.offsets.map((o) => ({ ...o })) },
  });
}

export function handleOffsetFetch(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<OffsetFetchRequest>,
): void {
  const g = coordinatedGroup(self, msg.body.groupId);
  const res: OffsetFetchResponse =
    typeof g === 'string'
      ? { error: g, partitions: [] }
      : {
          error: null,
          partitions: msg.body.partitions.map((p) =>
            // The consumer asks for stable offsets (requireStable, KIP-447): while a transaction
            // has an offset for this partition pending, it must wait and ask again.
            pendingTxnOffset(self, msg.body.groupId, p)
              ? { ...p, offset: -1, error: 'UNSTABLE_OFFSET_COMMIT' as const }
              : { ...p, offset: g.offsets[tpKey(p.topic, p.partition)]?.offset ?? -1, error: null },
          ),
        };
  ctx.send(msg.from, 'OffsetFetchResponse', res, msg.id);
}

function pendingTxnOffset(
  self: BrokerNode,
  groupId: string,
  p: { topic: string; partition: number },
): boolean {
  const byProducer = self.volatile.txnOffsets?.[groupId];
  if (!byProducer) return false;
  return Object.values(byProducer).some((list) =>
    list.some((o) => o.topic === p.topic && o.partition === p.partition),
  );
}

export function handleListOffsets(
  ctx: NodeContext,
  self: BrokerNode,
  msg: RpcMessage<ListOffsetsRequest>,
): void {
  const res: ListOffsetsResponse = {
    partitions: msg.body.partitions.map((p) => {
      const key = tpKey(p.topic, p.partition);
      const log = self.durable.logs[key];
      if (!leaderRole(self, key) || !log)
        return { ...p, error: 'NOT_LEADER_OR_FOLLOWER', offset: -1, timestamp: -1 };
      if (p.timestamp === -2) return { ...p, error: null, offset: log.logStartOffset, timestamp: -1 };
      // LATEST is the HW, or the LSO under read_committed (reference §7.4, §8.5).
      const end = msg.body.isolationLevel === 'read_committed' ? lastStableOffset(log) : log.highWatermark;
      if (p.timestamp === -1) return { ...p, error: null, offset: end, timestamp: -1 };
      // The first offset whose timestamp is at or after the one asked, below the HW/LSO; else -1.
      for (const b of log.batches) {
        if (b.isControl) continue;
        for (let i = 0; i < b.records.length; i++) {
          const offset = recordOffset(b, i);
          if (offset >= end) break;
          if (b.records[i]!.timestamp >= p.timestamp) {
            return { ...p, error: null, offset, timestamp: b.records[i]!.timestamp };
          }
        }
      }
      return { ...p, error: null, offset: -1, timestamp: -1 };
    }),
  };
  ctx.send(msg.from, 'ListOffsetsResponse', res, msg.id);
}
