/**
 * Turning metadata into replica roles: when the broker's image says it leads or follows a
 * partition (or no longer does), the replica manager changes role. A new leader records its epoch
 * in the log's epoch cache; every follower starts out "caught up" (Kafka resets follower state at
 * election, reference §4.2); a lost leadership answers waiting requests with NOT_LEADER_OR_FOLLOWER.
 */
import type { NodeContext } from '../kernel/kernel';
import { topicSetting } from '../config';
import type { BrokerNode, LeaderRole } from './broker-state';
import { assignEpoch, createLog, tpKey } from './partition-log';
import { checkPurgatory } from './purgatory';
import { maybeIncrementHighWatermark } from './replica-manager';
import { sendReplicaFetch } from './replica-fetcher';
import { loadGroups, OFFSETS_TOPIC, unloadGroups } from './group-storage';
import { ledPartitions, loadTxnOffsets, TXN_TOPIC, unloadTxns } from './txn-storage';
import { loadTxns } from './txn-writes';

export function applyRoles(ctx: NodeContext, self: BrokerNode): void {
  if (!self.volatile.serving) return;
  const ledBefore = ledOffsetsPartitions(self);
  const txnLedBefore = ledPartitions(self, TXN_TOPIC);
  const me = self.durable.brokerId;
  const seen = new Set<string>();
  const fetchFrom = new Set<number>();
  for (const topic of Object.values(self.volatile.image.topics)) {
    for (const p of topic.partitions) {
      if (!p || !p.replicas.includes(me)) continue;
      const key = tpKey(topic.name, p.partition);
      seen.add(key);
      const log = (self.durable.logs[key] ??= createLog(topic.name, p.partition, {
        segmentBytes: topicSetting(ctx.config, topic.config, 'segment.bytes'),
        segmentMs: topicSetting(ctx.config, topic.config, 'segment.ms'),
      }));
      const current = self.volatile.roles[key];
      if (p.leader === me) {
        if (current?.role === 'leader' && current.leaderEpoch === p.leaderEpoch) {
          if (p.partitionEpoch > current.partitionEpoch) {
            current.isr = [...p.isr];
            current.partitionEpoch = p.partitionEpoch;
            current.pendingIsr = null;
          }
          continue;
        }
        const now = ctx.now();
        const role: LeaderRole = {
          role: 'leader',
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          replicas: [...p.replicas],
          isr: [...p.isr],
          pendingIsr: null,
          followers: Object.fromEntries(
            p.replicas
              .filter((b) => b !== me)
              .map((b) => [b, { leo: -1, lastCaughtUpMs: now, lastFetchLeaderLeo: 0, lastFetchMs: now }]),
          ),
        };
        self.volatile.roles[key] = role;
        assignEpoch(log, p.leaderEpoch);
        maybeIncrementHighWatermark(ctx, self, key);
      } else if (p.leader >= 0) {
        if (
          current?.role === 'follower' &&
          current.leader === p.leader &&
          current.leaderEpoch === p.leaderEpoch
        ) {
          continue;
        }
        self.volatile.roles[key] = { role: 'follower', leader: p.leader, leaderEpoch: p.leaderEpoch };
        fetchFrom.add(p.leader);
      } else {
        delete self.volatile.roles[key]; // offline: nobody leads
      }
    }
  }
  for (const key of Object.keys(self.volatile.roles)) if (!seen.has(key)) delete self.volatile.roles[key];
  for (const key of Object.keys(self.durable.logs)) {
    const log = self.durable.logs[key]!;
    if (!self.volatile.image.topics[log.topic]) delete self.durable.logs[key]; // topic deleted
  }
  // Coordinator moves: a new leader of a __consumer_offsets partition loads its groups.
  const ledAfter = ledOffsetsPartitions(self);
  for (const p of ledBefore) if (!ledAfter.includes(p)) unloadGroups(ctx, self, p);
  for (const p of ledAfter) {
    if (ledBefore.includes(p)) continue;
    loadGroups(self, p, self.durable.logs[tpKey(OFFSETS_TOPIC, p)]!);
    loadTxnOffsets(self, p, self.durable.logs[tpKey(OFFSETS_TOPIC, p)]!);
  }
  // The same for transaction coordinators and __transaction_state.
  const txnLedAfter = ledPartitions(self, TXN_TOPIC);
  for (const p of txnLedBefore) if (!txnLedAfter.includes(p)) unloadTxns(self, p);
  for (const p of txnLedAfter) {
    if (!txnLedBefore.includes(p)) loadTxns(ctx, self, p, self.durable.logs[tpKey(TXN_TOPIC, p)]!);
  }
  // Requests waiting on partitions this broker no longer leads get their answer now.
  checkPurgatory(ctx, self, 'leadership');
  for (const leader of fetchFrom) sendReplicaFetch(ctx, self, leader);
}

function ledOffsetsPartitions(self: BrokerNode): number[] {
  const out: number[] = [];
  for (const [key, role] of Object.entries(self.volatile.roles)) {
    if (role.role === 'leader' && key.startsWith(`${OFFSETS_TOPIC}-`))
      out.push(Number(key.slice(OFFSETS_TOPIC.length + 1)));
  }
  return out;
}
