/**
 * Membership primitives shared by the group protocol, commits and close (AbstractCoordinator):
 * losing the coordinator, asking for a rebalance, losing the generation (and with it every owned
 * partition), failing for good, and giving partitions up. Reference §3.3 (client side).
 */
import type { NodeContext } from '../kernel/kernel';
import type { TopicPartition } from '../types';
import {
  takeRequest,
  wakeAt,
  type ConsumerNode,
  type GroupMembership,
  type RequestKind,
} from './consumer-state';

/** Requests whose fate dies with the coordinator connection (Kafka disconnects it). */
const COORDINATOR_BOUND: ReadonlySet<RequestKind> = new Set<RequestKind>([
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'OffsetFetch',
]);

export function membership(self: ConsumerNode): GroupMembership | null {
  return self.volatile.group;
}

/** Subscribed: the consumer takes part in its group's rebalances (not a manual assignment). */
export function isGroupMember(self: ConsumerNode): boolean {
  return self.durable.subscription !== null && self.volatile.group !== null;
}

/**
 * The coordinator is gone or moved (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, no answer, broker
 * down). Kafka closes the connection, failing what was in flight on it, and looks the coordinator
 * up again. The member keeps its id and generation: a new coordinator that loaded the group from
 * __consumer_offsets still knows it. A join or sync in progress starts over with a new JoinGroup.
 * Commits and LeaveGroup in flight settle by their own answer or timeout.
 */
export function markCoordinatorUnknown(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  const g = v.group;
  if (!g || !g.coordinator) return;
  g.coordinator = null;
  for (const id of Object.keys(v.requests)) {
    const req = v.requests[Number(id)]!;
    if (!COORDINATOR_BOUND.has(req.info.kind)) continue;
    takeRequest(ctx, v, req.msgId);
    if (req.info.kind === 'OffsetFetch') {
      for (const p of Object.values(v.assigned)) if (p.pendingRequest === req.msgId) p.pendingRequest = null;
    }
  }
  if (g.phase === 'joining' || g.phase === 'assigning' || g.phase === 'syncing') {
    g.phase = 'idle';
    g.pendingAssignment = null;
  }
  wakeAt(ctx, v, ctx.now());
}

/** Something calls for a new rebalance; the member rejoins once its current round is over. */
export function requestRejoin(ctx: NodeContext, self: ConsumerNode): void {
  const g = self.volatile.group;
  if (!g || g.failed) return;
  g.rejoinNeeded = true;
  wakeAt(ctx, self.volatile, ctx.now());
}

/**
 * Give up partitions: their positions, buffered records and pending lookups go. `announce` emits
 * consumer.revoked (onPartitionsRevoked / onPartitionsLost) for a group member.
 */
export function dropPartitions(
  ctx: NodeContext,
  self: ConsumerNode,
  keys: string[],
  announce: boolean,
): void {
  const v = self.volatile;
  if (keys.length === 0) return;
  const dropped: TopicPartition[] = [];
  for (const key of keys) {
    const p = v.assigned[key];
    if (!p) continue;
    dropped.push({ topic: p.topic, partition: p.partition });
    delete v.assigned[key];
  }
  const gone = new Set(keys);
  v.buffer = v.buffer.filter((b) => !gone.has(b.key));
  const groupId = self.durable.groupId;
  if (announce && groupId !== null && dropped.length > 0) {
    ctx.emit('consumer.revoked', { consumer: self.durable.name, groupId, partitions: dropped });
  }
}

/**
 * The coordinator no longer knows this generation (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION): every
 * owned partition is lost, without a commit, since another member may own it by now; then rejoin.
 * ILLEGAL_GENERATION keeps the member id (Kafka 3.x), UNKNOWN_MEMBER_ID drops it.
 */
export function resetGeneration(ctx: NodeContext, self: ConsumerNode, resetMemberId: boolean): void {
  const v = self.volatile;
  const g = v.group;
  if (!g) return;
  dropPartitions(ctx, self, Object.keys(v.assigned), true);
  for (const id of Object.keys(v.requests)) {
    const kind = v.requests[Number(id)]!.info.kind;
    if (kind === 'JoinGroup' || kind === 'SyncGroup') takeRequest(ctx, v, Number(id));
  }
  g.generation = -1;
  g.protocol = null;
  g.leaderId = '';
  if (resetMemberId) g.memberId = '';
  g.phase = 'idle';
  g.joinPrepared = false;
  g.pendingAssignment = null;
  g.rejoinNeeded = false;
  wakeAt(ctx, v, ctx.now());
}

/**
 * A fatal group error (FENCED_INSTANCE_ID, INVALID_SESSION_TIMEOUT, INCONSISTENT_GROUP_PROTOCOL, ...):
 * Kafka throws it from poll() and the application stops using the group. The member gives up its
 * partitions and takes no further part; crashing and restarting the consumer starts it afresh.
 */
export function failGroup(ctx: NodeContext, self: ConsumerNode, error: string, message: string): void {
  const g = self.volatile.group;
  if (!g || g.failed) return;
  dropPartitions(ctx, self, Object.keys(self.volatile.assigned), true);
  g.failed = error;
  g.phase = 'idle';
  g.generation = -1;
  g.pendingAssignment = null;
  ctx.emit('consumer.failed', { consumer: self.durable.name, error, message });
}

/** The member's generation is usable for commits: in a completed rebalance. */
export function stableGeneration(self: ConsumerNode): { generation: number; memberId: string } | null {
  const g = self.volatile.group;
  if (!g || g.phase !== 'stable' || g.generation < 0) return null;
  return { generation: g.generation, memberId: g.memberId };
}
