/**
 * The fetcher's side of an incremental fetch session (KIP-227; Kafka's FetchSessionHandler), used
 * by followers' replica fetchers and by consumers, one handler per leader broker. The first fetch
 * is full (session 0, epoch 0) and carries every partition; once the leader answers with a session
 * id, each fetch carries that id and the next epoch, and lists only the partitions that were added
 * or whose fetch data changed (offset, leader epoch, last fetched epoch, max bytes), plus the ones
 * to forget. The leader's cluster/fetch-session.ts keeps the other side.
 *
 * Kafka's rules kept here: a successful answer to a full fetch with session id 0 means no session
 * (the next fetch is full again); to an incremental fetch, the next epoch (after 2^31-1 comes 1).
 * FETCH_SESSION_ID_NOT_FOUND: start over with a full fetch and no session. Any other session error
 * (INVALID_FETCH_SESSION_EPOCH): a full fetch that closes the session and opens a new one. A fetch
 * that got no answer (timeout, lost, broker down): the same, as Kafka's handleError does.
 */
import type { FetchPartitionRequest, ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';

/** Plain data, kept in the fetcher's volatile state (so checkpoints carry it). */
export interface FetchSessionClient {
  /** 0: no session yet. */
  sessionId: number;
  /** The epoch the next fetch carries: 0 for a full fetch. */
  epoch: number;
  /** What the session holds, by `topic-partition` (what the leader remembers). */
  partitions: Record<string, FetchPartitionRequest>;
}

export function newFetchSessionClient(): FetchSessionClient {
  return { sessionId: 0, epoch: 0, partitions: {} };
}

function sameFetchData(a: FetchPartitionRequest, b: FetchPartitionRequest): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.lastFetchedEpoch === b.lastFetchedEpoch &&
    a.partitionMaxBytes === b.partitionMaxBytes
  );
}

/**
 * FetchSessionHandler.Builder.build: the session fields and partitions of the next fetch, given
 * every partition the fetcher wants now (`wanted`, by `topic-partition`; an entry that is the
 * very object the session holds is unchanged without comparing). The session then holds `wanted`.
 */
export function buildSessionFetch(
  s: FetchSessionClient,
  wanted: Record<string, FetchPartitionRequest>,
): Pick<ReplicaFetchRequest, 'sessionId' | 'sessionEpoch' | 'partitions' | 'forgottenPartitions'> {
  const full = s.epoch === 0;
  const partitions: FetchPartitionRequest[] = [];
  for (const k in wanted) {
    const p = wanted[k]!;
    const had = s.partitions[k];
    if (full || (had !== p && (!had || !sameFetchData(had, p)))) partitions.push(p);
  }
  const forgottenPartitions: { topic: string; partition: number }[] = [];
  if (!full) {
    for (const k in s.partitions) {
      const had = s.partitions[k]!;
      if (!(k in wanted)) forgottenPartitions.push({ topic: had.topic, partition: had.partition });
    }
  }
  s.partitions = wanted;
  return {
    sessionId: s.sessionId,
    sessionEpoch: s.epoch,
    partitions,
    ...(forgottenPartitions.length > 0 ? { forgottenPartitions } : {}),
  };
}

/**
 * FetchSessionHandler.handleResponse for the answer to the fetch built last. Returns false on a
 * session error: the answer carries no partition data then.
 */
export function handleSessionResponse(s: FetchSessionClient, res: ReplicaFetchResponse): boolean {
  if (res.error === 'FETCH_SESSION_ID_NOT_FOUND') {
    reset(s, 0);
    return false;
  }
  if (res.error) {
    reset(s, s.sessionId); // close this session and open a new one with a full fetch
    return false;
  }
  const id = res.sessionId ?? 0;
  if (id === 0) reset(s, 0);
  else if (s.epoch === 0) {
    s.sessionId = id;
    s.epoch = 1;
  } else s.epoch = s.epoch === 2_147_483_647 ? 1 : s.epoch + 1;
  return true;
}

/** FetchSessionHandler.handleError: no answer came; the next fetch is full (same session id). */
export function handleSessionError(s: FetchSessionClient): void {
  reset(s, s.sessionId);
}

function reset(s: FetchSessionClient, sessionId: number): void {
  s.sessionId = sessionId;
  s.epoch = 0;
  s.partitions = {};
}
