/**
 * Incremental fetch sessions on the leader (KIP-227; Kafka's FetchSession / FetchSessionCache /
 * FetchManager). A fetcher (a follower's replica fetcher or a consumer) opens a session with a full
 * fetch; the leader remembers each partition's fetch position and what it last told the fetcher
 * (high watermark, log start offset). Later, incremental fetches list only the partitions whose
 * fetch data changed (and the ones to forget), and the answer lists only partitions with records,
 * a moved high watermark or log start, an error or a diverging epoch. Idle partitions then cost
 * next to nothing on the wire and in the fetcher.
 *
 * Kafka's rules kept here:
 * - epoch 0 (INITIAL) is a full fetch: a session id named with it is closed, and a new session is
 *   created when the answer is sent (if the cache has room or can evict); epoch -1 (FINAL) closes
 *   the session and creates none (sessionless). A request without session fields (the wire front
 *   end, external clients) is sessionless, like Fetch versions before 7.
 * - an incremental fetch names a session this broker does not have: FETCH_SESSION_ID_NOT_FOUND;
 *   the wrong epoch: INVALID_FETCH_SESSION_EPOCH (no partitions in either answer). The session's
 *   epoch moves on by one for each accepted incremental fetch (after Integer.MAX_VALUE comes 1).
 * - a session left with no partitions is removed and the fetch answered sessionless.
 * - the cache holds max.incremental.fetch.session.cache.slots sessions. When full, a new session
 *   may evict (FetchSessionCache.tryEvict): the least recently used one if it was unused for
 *   120 s; else the first of the evictable sessions ordered by (privileged, size, id) if it is worth
 *   less than the new one. Follower sessions are privileged; a privileged session may evict any
 *   consumer session or a session older than 120 s, a consumer session only sessions older than that.
 * Sessions live in the broker's volatile state (a restart forgets them, as Kafka's does), so the
 * engine's checkpoint and restore carry them like everything else.
 *
 * Kafka draws session ids at random; here they count up in the broker's durable state, so they
 * never repeat across restarts (which is what the random ids buy) and the broker's random stream
 * is left alone.
 */
import { brokerSetting } from '../config';
import type { ErrorCode } from '../errors';
import type { NodeContext } from '../kernel/kernel';
import type { FetchPartitionRequest, FetchPartitionResponse, ReplicaFetchRequest } from '../protocol/produce';
import type { BrokerNode } from './broker-state';
import { tpKey, type PartitionLog } from './partition-log';
import { fetchLimit } from './replica-read';
import type { CachedPartition, FetchContext, FetchSession, FetchSessionCache } from './fetch-session-types';

export type { CachedPartition, FetchContext, FetchSession, FetchSessionCache } from './fetch-session-types';

/** FetchMetadata.INVALID_SESSION_ID, INITIAL_EPOCH, FINAL_EPOCH. */
export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
/** KafkaServer.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS: a session unused this long is stale. */
export const SESSION_EVICTION_MS = 120_000;

/** FetchMetadata.nextEpoch. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  return epoch === 2_147_483_647 ? 1 : epoch + 1;
}

function cacheOf(self: BrokerNode): FetchSessionCache {
  return (self.volatile.fetchSessions ??= { sessions: {} });
}

/** The session a context reads, if it is incremental and the session is still cached. */
export function sessionOf(self: BrokerNode, fc: FetchContext): FetchSession | undefined {
  return fc.kind === 'incremental' ? self.volatile.fetchSessions?.sessions[fc.sessionId] : undefined;
}

/** FetchManager.newContext: decide how this fetch is read and answered. */
export function newFetchContext(ctx: NodeContext, self: BrokerNode, req: ReplicaFetchRequest): FetchContext {
  const sessionId = req.sessionId;
  const epoch = req.sessionEpoch ?? INITIAL_EPOCH;
  if (sessionId === undefined) return { kind: 'sessionless' };
  const cache = cacheOf(self);
  if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
    // Any session named in a full fetch is closed.
    if (sessionId !== INVALID_SESSION_ID) delete cache.sessions[sessionId];
    return epoch === FINAL_EPOCH ? { kind: 'sessionless' } : { kind: 'full' };
  }
  const session = cache.sessions[sessionId];
  if (!session) return { kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' };
  if (session.epoch !== epoch) return { kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' };
  // FetchSession.update: listed partitions are added or updated, forgotten ones removed.
  for (const p of req.partitions) {
    const key = tpKey(p.topic, p.partition);
    const cached = session.partitions[key];
    if (cached) updateRequestParams(cached, p);
    else session.partitions[key] = { ...p, highWatermark: -1, logStartOffset: -1 };
  }
  for (const p of req.forgottenPartitions ?? []) delete session.partitions[tpKey(p.topic, p.partition)];
  if (isEmpty(session)) {
    delete cache.sessions[sessionId];
    return { kind: 'sessionless' };
  }
  session.lastUsedMs = ctx.now();
  session.epoch = nextEpoch(session.epoch);
  return { kind: 'incremental', sessionId, requestEpoch: epoch };
}

function updateRequestParams(cached: CachedPartition, p: FetchPartitionRequest): void {
  cached.fetchOffset = p.fetchOffset;
  cached.currentLeaderEpoch = p.currentLeaderEpoch;
  cached.lastFetchedEpoch = p.lastFetchedEpoch;
  if (p.partitionMaxBytes === undefined) delete cached.partitionMaxBytes;
  else cached.partitionMaxBytes = p.partitionMaxBytes;
}

function isEmpty(session: FetchSession): boolean {
  for (const _ in session.partitions) return false;
  return true;
}

/**
 * CachedPartition.maybeUpdateResponseData: must this partition be in an incremental answer?
 * Records, a moved high watermark or log start offset, a diverging epoch or an error say yes (the
 * last stable offset is not compared, as in Kafka). Updates what the session remembers.
 */
export function mustRespond(cached: CachedPartition, r: FetchPartitionResponse): boolean {
  let must = r.batches.length > 0 || r.divergingEpoch !== undefined;
  if (cached.highWatermark !== r.highWatermark) {
    must = true;
    cached.highWatermark = r.highWatermark;
  }
  if (cached.logStartOffset !== r.logStartOffset) {
    must = true;
    cached.logStartOffset = r.logStartOffset;
  }
  // After an error or a divergence the partition is sent again once that clears (HW -1 differs).
  if (r.error !== null || r.divergingEpoch !== undefined) {
    cached.highWatermark = -1;
    must = true;
  }
  return must;
}

/**
 * A cached partition the answer would leave out without reading it: nothing readable past its
 * fetch offset, and the high watermark and log start offset are what the fetcher was last told
 * (the caller has checked leadership, epochs and the offset range). Reading it would give an
 * empty partition that mustRespond drops: this is the same answer, without the work.
 */
export function hasNothingNew(
  log: PartitionLog,
  req: Pick<ReplicaFetchRequest, 'replicaId' | 'isolationLevel'>,
  cached: CachedPartition,
): boolean {
  return (
    cached.highWatermark === log.highWatermark &&
    cached.logStartOffset === log.logStartOffset &&
    cached.fetchOffset >= fetchLimit(log, req)
  );
}

/**
 * The session fields of the answer, and the partitions it carries: all of them for a full or
 * sessionless fetch (a full fetch creates its session here, FullFetchContext), only those with
 * something to say for an incremental one (IncrementalFetchContext).
 */
export function sessionAnswer(
  ctx: NodeContext,
  self: BrokerNode,
  fc: FetchContext,
  req: ReplicaFetchRequest,
  partitions: FetchPartitionResponse[],
): { error?: ErrorCode; sessionId?: number; partitions: FetchPartitionResponse[] } {
  switch (fc.kind) {
    case 'sessionless':
      return req.sessionId === undefined ? { partitions } : { sessionId: INVALID_SESSION_ID, partitions };
    case 'error':
      return { error: fc.error, sessionId: INVALID_SESSION_ID, partitions: [] };
    case 'full':
      return { sessionId: maybeCreateSession(ctx, self, req, partitions), partitions };
    case 'incremental': {
      const session = sessionOf(self, fc);
      // The session moved on (a newer fetch on it was accepted meanwhile), or it was evicted
      // while this fetch waited: the answer says so rather than skip partitions it never saw.
      if (!session)
        return { error: 'FETCH_SESSION_ID_NOT_FOUND', sessionId: INVALID_SESSION_ID, partitions: [] };
      if (session.epoch !== nextEpoch(fc.requestEpoch))
        return { error: 'INVALID_FETCH_SESSION_EPOCH', sessionId: session.id, partitions: [] };
      const out = partitions.filter((r) => {
        const cached = session.partitions[tpKey(r.topic, r.partition)];
        return cached === undefined || mustRespond(cached, r);
      });
      return { sessionId: session.id, partitions: out };
    }
  }
}

/** FetchSessionCache.maybeCreateSession: the new session's id, or 0 when the cache has no room. */
function maybeCreateSession(
  ctx: NodeContext,
  self: BrokerNode,
  req: ReplicaFetchRequest,
  partitions: FetchPartitionResponse[],
): number {
  const cache = cacheOf(self);
  const privileged = req.replicaId >= 0;
  const slots = brokerSetting(ctx.config, 'max.incremental.fetch.session.cache.slots');
  const size = req.partitions.length;
  if (Object.keys(cache.sessions).length >= slots && !tryEvict(ctx, cache, privileged, size)) {
    return INVALID_SESSION_ID;
  }
  const responses = new Map(partitions.map((r) => [tpKey(r.topic, r.partition), r]));
  const cached: Record<string, CachedPartition> = {};
  for (const p of req.partitions) {
    const key = tpKey(p.topic, p.partition);
    const r = responses.get(key);
    const failed = !r || r.error !== null || r.divergingEpoch !== undefined;
    cached[key] = {
      ...p,
      highWatermark: failed ? -1 : r.highWatermark,
      logStartOffset: r ? r.logStartOffset : -1,
    };
  }
  const id = (self.durable.fetchSessionIdSeq ?? 0) + 1;
  self.durable.fetchSessionIdSeq = id;
  const now = ctx.now();
  cache.sessions[id] = {
    id,
    privileged,
    epoch: nextEpoch(INITIAL_EPOCH),
    createdMs: now,
    lastUsedMs: now,
    partitions: cached,
  };
  return id;
}

/** FetchSessionCache.tryEvict (see the header). */
function tryEvict(ctx: NodeContext, cache: FetchSessionCache, privileged: boolean, size: number): boolean {
  const now = ctx.now();
  const all = Object.values(cache.sessions);
  if (all.length === 0) return false;
  const lru = all.reduce((a, b) =>
    b.lastUsedMs < a.lastUsedMs || (b.lastUsedMs === a.lastUsedMs && b.id < a.id) ? b : a,
  );
  if (now - lru.lastUsedMs > SESSION_EVICTION_MS) {
    delete cache.sessions[lru.id];
    return true;
  }
  const old = (s: FetchSession) => now - s.createdMs > SESSION_EVICTION_MS;
  const evictable = all.filter((s) => (privileged ? !s.privileged || old(s) : old(s)));
  if (evictable.length === 0) return false;
  const count = (s: FetchSession) => Object.keys(s.partitions).length;
  // EvictableKey order: (privileged, size, id); the first is the least valuable.
  const cmp = (a: [boolean, number, number], b: [boolean, number, number]) =>
    Number(a[0]) - Number(b[0]) || a[1] - b[1] || a[2] - b[2];
  const keyOf = (s: FetchSession): [boolean, number, number] => [s.privileged, count(s), s.id];
  const first = evictable.reduce((a, b) => (cmp(keyOf(b), keyOf(a)) < 0 ? b : a));
  if (cmp([privileged, size, 0], keyOf(first)) < 0) return false;
  delete cache.sessions[first.id];
  return true;
}
