/**
 * Consumer groups live in the replicated internal topic `__consumer_offsets` (reference §3.5):
 * offset commits and group metadata are records there, keyed so the latest per key wins (the topic
 * is compacted). Records are readable JSON, so a learner inspecting the topic sees what it holds.
 * A broker that becomes leader of one of its partitions rebuilds those groups from the log.
 */
import type { NodeContext } from '../kernel/kernel';
import { newBatch } from '../protocol/produce';
import type { BrokerNode, Group, InternalWait } from './broker-state';
import { appendAsLeader, tpKey, type PartitionLog } from './partition-log';
import { checkPurgatory } from './purgatory';
import { maybeIncrementHighWatermark } from './replica-manager';
import { leaderRole } from './replica-read';

export const OFFSETS_TOPIC = '__consumer_offsets';
/** offsets.commit.timeout.ms: how long a write to __consumer_offsets may take to replicate. */
export const OFFSETS_COMMIT_TIMEOUT_MS = 5000;

export interface OffsetValue {
  offset: number;
  metadata: string;
  commitTimestamp: number;
}

export interface GroupMetadataValue {
  generation: number;
  protocol: string | null;
  leader: string | null;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    assignment: { topic: string; partition: number }[];
  }[];
}

export const offsetKey = (groupId: string, topic: string, partition: number) =>
  `offset:${groupId}:${topic}:${partition}`;
export const groupKey = (groupId: string) => `group:${groupId}`;

export function emptyGroup(groupId: string, offsetsPartition: number): Group {
  return {
    groupId,
    offsetsPartition,
    state: 'Empty',
    generation: 0,
    protocol: null,
    leader: null,
    members: {},
    pending: {},
    timer: null,
    initialDelayRemainingMs: null,
    joinedDuringDelay: false,
    offsets: {},
  };
}

/**
 * Append records to a __consumer_offsets partition this broker leads; `wait` (if any) waits in the
 * purgatory and is answered once the records are replicated (the HW passes them: group-writes.ts).
 * Returns false if this broker does not lead it.
 */
export function appendInternal(
  ctx: NodeContext,
  self: BrokerNode,
  partition: number,
  records: { key: string; value: unknown }[],
  wait?: Omit<InternalWait, 'key' | 'requiredOffset' | 'deadlineMs'>,
): boolean {
  const key = tpKey(OFFSETS_TOPIC, partition);
  const role = leaderRole(self, key);
  const log = self.durable.logs[key];
  if (!role || !log) return false;
  const now = ctx.now();
  const stamped = appendAsLeader(
    log,
    // A null value is a tombstone (DeleteGroups): compaction removes the key.
    newBatch(
      records.map((r) => ({
        key: r.key,
        value: r.value === null ? null : JSON.stringify(r.value),
        timestamp: now,
      })),
    ),
    role.leaderEpoch,
  );
  if (wait) {
    self.volatile.internalWaits.push({
      ...wait,
      key,
      requiredOffset: stamped.baseOffset + records.length,
      deadlineMs: now + OFFSETS_COMMIT_TIMEOUT_MS,
    });
  }
  if (maybeIncrementHighWatermark(ctx, self, key)) checkPurgatory(ctx, self, 'groupWrite');
  checkPurgatory(ctx, self, 'logEnd');
  return true;
}

/** Rebuild the groups stored in one __consumer_offsets partition from its log (latest value per key wins). */
export function loadGroups(self: BrokerNode, partition: number, log: PartitionLog): void {
  const groups = self.volatile.groups;
  for (const b of log.batches) {
    for (const r of b.records) {
      if (!r.key) continue;
      const [kind, groupId, ...rest] = r.key.split(':');
      if (!groupId) continue;
      if (r.value === null) {
        // A tombstone written by DeleteGroups: the offset, or the whole group, is gone.
        const deleted = groups[groupId];
        if (kind === 'group') delete groups[groupId];
        else if (deleted && kind === 'offset') {
          const partitionNo = Number(rest.pop());
          delete deleted.offsets[tpKey(rest.join(':'), partitionNo)];
        }
        continue;
      }
      const group = (groups[groupId] ??= emptyGroup(groupId, partition));
      if (kind === 'offset') {
        const partitionNo = Number(rest.pop());
        const topic = rest.join(':');
        const v = JSON.parse(r.value) as OffsetValue;
        group.offsets[tpKey(topic, partitionNo)] = {
          topic,
          partition: partitionNo,
          offset: v.offset,
          metadata: v.metadata,
        };
      } else if (kind === 'group') {
        const v = JSON.parse(r.value) as GroupMetadataValue;
        group.generation = v.generation;
      }
    }
  }
}

/**
 * Forget the groups of a partition this broker no longer leads: each goes Dead here (Kafka's
 * onResignation), its waiting members are told NOT_COORDINATOR and look for the new coordinator,
 * which loads the group from __consumer_offsets.
 */
export function unloadGroups(ctx: NodeContext, self: BrokerNode, partition: number): void {
  for (const [id, g] of Object.entries(self.volatile.groups)) {
    if (g.offsetsPartition !== partition) continue;
    if (g.timer !== null) ctx.cancelTimer(g.timer);
    ctx.emit('group.stateChanged', {
      groupId: id,
      broker: self.durable.brokerId,
      from: g.state,
      to: 'Dead',
      generation: g.generation,
    });
    for (const m of Object.values(g.members)) {
      if (m.awaitingJoin !== null)
        ctx.send(m.node, 'JoinGroupResponse', { error: 'NOT_COORDINATOR' }, m.awaitingJoin);
      if (m.awaitingSync !== null)
        ctx.send(m.node, 'SyncGroupResponse', { error: 'NOT_COORDINATOR', partitions: [] }, m.awaitingSync);
    }
    delete self.volatile.groups[id];
  }
}
