/**
 * The consumer's fetcher and poll loop (Kafka's Fetcher and FetchCollector; reference §9): one
 * long-poll Fetch per leader broker for the partitions that have a position and nothing buffered,
 * records buffered per partition, and the application's poll() handing out at most
 * max.poll.records at a time, one `consumer.received` event per poll. The broker never returns
 * records at or above the high watermark (read_uncommitted) — the consumer relies on that, as
 * Kafka's does.
 */
import type { NodeContext } from '../kernel/kernel';
import {
  lastOffsetOf,
  recordOffset,
  type FetchPartitionRequest,
  type FetchPartitionResponse,
  type ReplicaFetchRequest,
  type ReplicaFetchResponse,
} from '../protocol/produce';
import { abortedBatches } from '../protocol/txn';
import {
  buildSessionFetch,
  handleSessionError,
  handleSessionResponse,
  newFetchSessionClient,
} from './fetch-session-handler';
import { queueCommit, consumedOffsets } from './consumer-commits';
import { brokerNode, leaderEpochOf, leaderOf, requestMetadata } from './consumer-metadata';
import { resetByPolicy } from './consumer-positions';
import {
  appBlocked,
  appBusy,
  tpKey,
  wakeAt,
  sendRequest,
  type ConsumerNode,
  type Outstanding,
  type PartitionState,
  type ReceivedRecord,
} from './consumer-state';

/** Send a Fetch to every leader that has fetchable partitions and no fetch in flight. */
export function maybeFetch(ctx: NodeContext, self: ConsumerNode, nowMs: number): void {
  const v = self.volatile;
  // Kafka's classic consumer sends fetches from poll(): not while the application is blocked.
  if (appBlocked(v)) return;
  const byLeader = new Map<number, PartitionState[]>();
  for (const p of Object.values(v.assigned)) {
    if (p.need !== 'ready' || p.fetching || p.buffered) continue;
    if (p.retryAtMs > nowMs) {
      wakeAt(ctx, v, p.retryAtMs);
      continue;
    }
    const leader = leaderOf(self, p.topic, p.partition);
    if (leader < 0) {
      requestMetadata(ctx, self);
      continue;
    }
    if (v.fetchInFlight[leader]) continue;
    const list = byLeader.get(leader);
    if (list) list.push(p);
    else byLeader.set(leader, [p]);
  }
  for (const [leader, parts] of byLeader) sendFetch(ctx, self, leader, parts);
}

function sendFetch(ctx: NodeContext, self: ConsumerNode, leader: number, parts: PartitionState[]): void {
  const v = self.volatile;
  const config = self.durable.config;
  const offsets: Record<string, number> = {};
  const wanted: Record<string, FetchPartitionRequest> = {};
  for (const p of parts) {
    const key = tpKey(p.topic, p.partition);
    offsets[key] = p.position!;
    p.fetching = true;
    wanted[key] = {
      topic: p.topic,
      partition: p.partition,
      fetchOffset: p.position!,
      // KIP-320: a stale leader answers FENCED_LEADER_EPOCH instead of serving old data.
      currentLeaderEpoch: leaderEpochOf(self, p.topic, p.partition),
      lastFetchedEpoch: -1,
      partitionMaxBytes: config.maxPartitionFetchBytes,
    };
  }
  // The fetch session with this leader (KIP-227): after the first, full fetch, only the
  // partitions whose position changed are listed; the leader remembers the rest.
  const sessions = (v.fetchSessions ??= {});
  const body: ReplicaFetchRequest = {
    replicaId: -1,
    maxWaitMs: config.fetchMaxWaitMs,
    minBytes: config.fetchMinBytes,
    isolationLevel: config.isolationLevel,
    ...buildSessionFetch((sessions[leader] ??= newFetchSessionClient()), wanted),
  };
  sendRequest(ctx, self, brokerNode(self, leader), 'Fetch', body, { kind: 'Fetch', broker: leader, offsets });
  v.fetchInFlight[leader] = true;
}

/** The fetch is over, answered or not: its partitions may be fetched again. */
function release(self: ConsumerNode, req: Outstanding): Record<string, number> {
  const v = self.volatile;
  if (req.info.kind !== 'Fetch') return {};
  v.fetchInFlight[req.info.broker] = false;
  for (const key in req.info.offsets) {
    const p = v.assigned[key];
    if (p) p.fetching = false;
  }
  return req.info.offsets;
}

export function onFetchResponse(
  ctx: NodeContext,
  self: ConsumerNode,
  req: Outstanding,
  body: ReplicaFetchResponse,
): void {
  const v = self.volatile;
  const offsets = release(self, req);
  const nowMs = ctx.now();
  const session = req.info.kind === 'Fetch' ? v.fetchSessions?.[req.info.broker] : undefined;
  // A session error carries no data: the partitions are fetched again, with a full fetch.
  if (session && !handleSessionResponse(session, body)) return;
  for (const r of body.partitions) {
    const key = tpKey(r.topic, r.partition);
    const sent = offsets[key];
    const p = v.assigned[key];
    // Stale: revoked, sought or reset while the fetch was out (Kafka discards such data).
    if (sent === undefined || !p || p.need !== 'ready' || p.position !== sent) continue;
    if (r.error === null) {
      // Lag is measured to what this consumer may read: the LSO under read_committed (Kafka's records-lag).
      p.highWatermark =
        self.durable.config.isolationLevel === 'read_committed' ? r.lastStableOffset : r.highWatermark;
      buffer(v, p, key, sent, r);
    } else if (r.error === 'OFFSET_OUT_OF_RANGE') {
      resetByPolicy(ctx, self, p, sent);
    } else {
      // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, ...: learn the leader again.
      requestMetadata(ctx, self);
      p.retryAtMs = nowMs + self.durable.config.retryBackoffMs;
    }
  }
}

/** The hot path: keep the records at or after the fetch offset (a batch may start before it). */
function buffer(
  v: ConsumerNode['volatile'],
  p: PartitionState,
  key: string,
  fetchOffset: number,
  r: FetchPartitionResponse,
): void {
  const records: ReceivedRecord[] = [];
  const { topic, partition } = p;
  // read_committed: batches of aborted transactions are dropped (reference §7.4).
  const aborted = abortedBatches(r.batches, r.abortedTransactions);
  for (const b of r.batches) {
    if (b.isControl || aborted?.has(b)) continue; // markers never reach the application
    const base = b.baseOffset;
    const rs = b.records;
    if (b.offsetDeltas) {
      // A compacted batch: its records' offsets have gaps.
      for (let i = 0; i < rs.length; i++) {
        const offset = recordOffset(b, i);
        if (offset >= fetchOffset)
          records.push({ topic, partition, offset, key: rs[i]!.key, value: rs[i]!.value });
      }
      continue;
    }
    for (let i = base < fetchOffset ? fetchOffset - base : 0; i < rs.length; i++) {
      const rec = rs[i]!;
      records.push({ topic, partition, offset: base + i, key: rec.key, value: rec.value });
    }
  }
  if (records.length === 0) {
    // Only markers, aborted records or compacted gaps: the position still moves past them.
    const last = r.batches[r.batches.length - 1];
    if (last && lastOffsetOf(last) + 1 > fetchOffset) p.position = lastOffsetOf(last) + 1;
    return;
  }
  v.buffer.push({ key, records, next: 0, expectedPosition: fetchOffset });
  p.buffered = true;
}

/** No answer, or the broker was down: back off, learn the leaders again, fetch again. */
export function onFetchFailed(ctx: NodeContext, self: ConsumerNode, req: Outstanding): void {
  const offsets = release(self, req);
  const session = req.info.kind === 'Fetch' ? self.volatile.fetchSessions?.[req.info.broker] : undefined;
  if (session) handleSessionError(session);
  const retryAtMs = ctx.now() + self.durable.config.retryBackoffMs;
  for (const key in offsets) {
    const p = self.volatile.assigned[key];
    if (p) p.retryAtMs = retryAtMs;
  }
  requestMetadata(ctx, self);
}

/**
 * The application's poll(): up to max.poll.records buffered records, "processed" at once; the
 * positions move past them. More left over: the next poll follows straight away (a 0 ms timer,
 * so each poll is its own step in the trace).
 */
export function poll(ctx: NodeContext, self: ConsumerNode): void {
  const v = self.volatile;
  if (v.buffer.length === 0 || v.pollTimer !== null || appBlocked(v)) return;
  if (appBusy(v, ctx.now())) return wakeAt(ctx, v, v.busyUntilMs);
  const max = self.durable.config.maxPollRecords;
  const out: ReceivedRecord[] = [];
  while (v.buffer.length > 0 && out.length < max) {
    const b = v.buffer[0]!;
    const p = v.assigned[b.key];
    if (!p || p.need !== 'ready' || p.position !== b.expectedPosition) {
      v.buffer.shift(); // sought or reset since: these records are stale
      if (p) p.buffered = false;
      continue;
    }
    const end = Math.min(b.records.length, b.next + (max - out.length));
    for (let i = b.next; i < end; i++) out.push(b.records[i]!);
    b.next = end;
    p.position = b.records[end - 1]!.offset + 1;
    b.expectedPosition = p.position;
    if (b.next >= b.records.length) {
      v.buffer.shift();
      p.buffered = false;
    }
  }
  if (out.length === 0) return;
  v.received += out.length;
  ctx.emit('consumer.received', { consumer: self.durable.name, records: out });
  const config = self.durable.config;
  v.polledAtMs = ctx.now();
  if (config.processingMsPerRecord > 0) {
    v.busyUntilMs = ctx.now() + out.length * config.processingMsPerRecord;
    wakeAt(ctx, v, v.busyUntilMs);
  }
  // auto.commit.interval.ms=0: the auto-commit timer is always expired, so every poll commits.
  if (config.enableAutoCommit && config.autoCommitIntervalMs === 0) {
    const g = v.group;
    if (!g || self.durable.subscription === null || g.phase === 'stable') {
      queueCommit(ctx, self, 'auto', consumedOffsets(self));
    }
  }
  if (v.buffer.length > 0) v.pollTimer = ctx.setTimer('poll', 0);
}
