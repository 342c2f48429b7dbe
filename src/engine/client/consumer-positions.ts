/**
 * Where each assigned partition reads from (KafkaConsumer.updateFetchPositions): the group's
 * committed offset (OffsetFetch), else auto.offset.reset (reference §3.5); seeks to an offset, the
 * beginning, the end or a timestamp, resolved lazily with ListOffsets (reference §8.5).
 */
import type { NodeContext } from '../kernel/kernel';
import type {
  ListOffsetsRequest,
  ListOffsetsResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
} from '../protocol/consume';
import type { SeekTarget } from '../types';
import { brokerNode, leaderOf, requestMetadata } from './consumer-metadata';
import {
  sendRequest,
  tpKey,
  wakeAt,
  type ConsumerNode,
  type Outstanding,
  type PartitionState,
  type PositionReason,
} from './consumer-state';

/** ListOffsets' special timestamps (reference §8.5). */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export function setPosition(
  ctx: NodeContext,
  self: ConsumerNode,
  p: PartitionState,
  offset: number,
  reason: PositionReason,
): void {
  p.position = offset;
  p.need = 'ready';
  p.pendingRequest = null;
  p.retryAtMs = 0;
  ctx.emit('consumer.positionSet', {
    consumer: self.durable.name,
    topic: p.topic,
    partition: p.partition,
    offset,
    reason,
  });
}

/** Look the position up with ListOffsets at `timestamp` (-2, -1 or a time in ms). */
export function needLookup(p: PartitionState, timestamp: number, reason: PositionReason): void {
  p.need = 'reset';
  p.resetTimestamp = timestamp;
  p.resetReason = reason;
  p.pendingRequest = null;
  p.retryAtMs = 0;
}

/**
 * auto.offset.reset (reference §3.5): no committed offset, or the fetch position is out of range.
 * With `none` Kafka's poll() throws; here the partition waits for a seek and the failure is told.
 */
export function resetByPolicy(
  ctx: NodeContext,
  self: ConsumerNode,
  p: PartitionState,
  outOfRange: number | null,
): void {
  const policy = self.durable.config.autoOffsetReset;
  switch (policy) {
    case 'earliest':
      return needLookup(p, EARLIEST_TIMESTAMP, 'reset-earliest');
    case 'latest':
      return needLookup(p, LATEST_TIMESTAMP, 'reset-latest');
    case 'none': {
      p.need = 'stalled';
      p.pendingRequest = null;
      const tp = tpKey(p.topic, p.partition);
      ctx.emit('consumer.failed', {
        consumer: self.durable.name,
        ...(outOfRange === null
          ? {
              error: 'NO_OFFSET_FOR_PARTITION',
              message: `Undefined offset with no reset policy for partitions: [${tp}]`,
            }
          : {
              error: 'OFFSET_OUT_OF_RANGE',
              message: `Fetch position ${outOfRange} is out of range for partition ${tp}, and auto.offset.reset is none.`,
            }),
      });
      return;
    }
  }
}

/** Where a partition starts when it is newly assigned: the group's offset, or the reset policy. */
export function startPosition(ctx: NodeContext, self: ConsumerNode, p: PartitionState): void {
  if (self.durable.groupId !== null) p.need = 'committed';
  else resetByPolicy(ctx, self, p, null);
}

/** consumer.seek: the next fetch starts at the new position; anything fetched before is stale. */
export function seek(ctx: NodeContext, self: ConsumerNode, p: PartitionState, to: SeekTarget): void {
  const v = self.volatile;
  const key = tpKey(p.topic, p.partition);
  v.buffer = v.buffer.filter((b) => b.key !== key);
  p.buffered = false;
  if (typeof to === 'number') setPosition(ctx, self, p, to, 'seek');
  else if (to === 'beginning') needLookup(p, EARLIEST_TIMESTAMP, 'seek');
  else if (to === 'end') needLookup(p, LATEST_TIMESTAMP, 'seek');
  else needLookup(p, to.timestampMs, 'timestamp');
  wakeAt(ctx, v, ctx.now());
}

// ----- committed offsets (OffsetFetch) -----

export function maybeFetchCommitted(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  const coordinator = v.group?.coordinator;
  const groupId = self.durable.groupId;
  if (!coordinator || groupId === null) return;
  const parts: PartitionState[] = [];
  for (const p of Object.values(v.assigned)) {
    if (p.need !== 'committed' || p.pendingRequest !== null) continue;
    if (p.retryAtMs > nowMs) wakeAt(ctx, v, p.retryAtMs);
    else parts.push(p);
  }
  if (parts.length === 0) return;
  const body: OffsetFetchRequest = {
    groupId,
    partitions: parts.map((p) => ({ topic: p.topic, partition: p.partition })),
  };
  const msgId = sendRequest(ctx, self, coordinator.node, 'OffsetFetch', body, { kind: 'OffsetFetch' });
  for (const p of parts) p.pendingRequest = msgId;
}

/** Returns the group-level error, if any, for the caller to act on (the coordinator moved...). */
export function onOffsetFetchResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: OffsetFetchResponse,
): string | null {
  const v = self.volatile;
  if (body.error === null) {
    for (const r of body.partitions) {
      const p = v.assigned[tpKey(r.topic, r.partition)];
      if (!p || p.pendingRequest !== req.msgId) continue; // revoked, sought or asked again since
      p.pendingRequest = null;
      if (r.error !== null) {
        p.retryAtMs = ctx.now() + self.durable.config.retryBackoffMs;
      } else if (r.offset >= 0) {
        p.committed = r.offset;
        setPosition(ctx, self, p, r.offset, 'committed');
      } else {
        p.committed = null;
        resetByPolicy(ctx, self, p, null);
      }
    }
  }
  // Whatever was not answered is asked again.
  for (const p of Object.values(v.assigned)) if (p.pendingRequest === req.msgId) p.pendingRequest = null;
  wakeAt(ctx, v, ctx.now());
  return body.error;
}

// ----- offset lookups (ListOffsets) -----

export function maybeListOffsets(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  const byLeader = new Map<number, PartitionState[]>();
  for (const p of Object.values(v.assigned)) {
    if (p.need !== 'reset' || p.pendingRequest !== null) continue;
    if (p.retryAtMs > nowMs) {
      wakeAt(ctx, v, p.retryAtMs);
      continue;
    }
    const leader = leaderOf(self, p.topic, p.partition);
    if (leader < 0) {
      requestMetadata(ctx, self);
      continue;
    }
    const list = byLeader.get(leader);
    if (list) list.push(p);
    else byLeader.set(leader, [p]);
  }
  for (const [leader, parts] of byLeader) {
    const body: ListOffsetsRequest = {
      replicaId: -1,
      isolationLevel: self.durable.config.isolationLevel,
      partitions: parts.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: p.resetTimestamp })),
    };
    const msgId = sendRequest(ctx, self, brokerNode(self, leader), 'ListOffsets', body, {
      kind: 'ListOffsets',
    });
    for (const p of parts) p.pendingRequest = msgId;
  }
}

export function onListOffsetsResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: ListOffsetsResponse,
): void {
  const v = self.volatile;
  const nowMs = ctx.now();
  for (const r of body.partitions) {
    const p = v.assigned[tpKey(r.topic, r.partition)];
    if (!p || p.pendingRequest !== req.msgId) continue;
    p.pendingRequest = null;
    if (r.error !== null) {
      // Not the leader (any more), or no leader: learn the new one, then ask again.
      requestMetadata(ctx, self);
      p.retryAtMs = nowMs + self.durable.config.retryBackoffMs;
    } else if (r.offset >= 0) {
      setPosition(ctx, self, p, r.offset, p.resetReason);
    } else if (p.resetTimestamp >= 0) {
      // No record at or after the timestamp: offsetsForTimes gives null, and the seek goes to the end.
      p.resetTimestamp = LATEST_TIMESTAMP;
    } else {
      p.retryAtMs = nowMs + self.durable.config.retryBackoffMs;
    }
  }
  onListOffsetsFailed(ctx, self, req);
}

/** No answer (or some partitions unanswered): look them up again after the backoff. */
export function onListOffsetsFailed(ctx: NodeContext, self: ConsumerNode, req: Outstanding): void {
  const v = self.volatile;
  let retry = false;
  for (const p of Object.values(v.assigned)) {
    if (p.pendingRequest !== req.msgId) continue;
    p.pendingRequest = null;
    p.retryAtMs = ctx.now() + self.durable.config.retryBackoffMs;
    retry = true;
  }
  if (retry) requestMetadata(ctx, self);
  wakeAt(ctx, v, ctx.now());
}
