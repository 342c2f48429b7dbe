/**
 * The fetcher's side of a fetch session (Kafka's FetchSessionHandler): what each fetch lists, and
 * how an answer or a failure moves the session id and epoch.
 */
import { describe, expect, it } from 'vitest';
import type { FetchPartitionRequest } from '../protocol/produce';
import {
  buildSessionFetch,
  handleSessionError,
  handleSessionResponse,
  newFetchSessionClient,
} from './fetch-session-handler';

const p = (partition: number, fetchOffset: number): FetchPartitionRequest => ({
  topic: 't',
  partition,
  fetchOffset,
  currentLeaderEpoch: 0,
  lastFetchedEpoch: -1,
});
const byKey = (...ps: FetchPartitionRequest[]) => Object.fromEntries(ps.map((x) => [`t-${x.partition}`, x]));

describe('fetch session handler', () => {
  it('sends everything first, then only what changed and what to forget', () => {
    const s = newFetchSessionClient();
    const full = buildSessionFetch(s, byKey(p(0, 5), p(1, 7)));
    expect(full).toEqual({ sessionId: 0, sessionEpoch: 0, partitions: [p(0, 5), p(1, 7)] });
    expect(handleSessionResponse(s, { sessionId: 42, partitions: [] })).toBe(true);
    const idle = buildSessionFetch(s, byKey(p(0, 5), p(1, 7)));
    expect(idle).toEqual({ sessionId: 42, sessionEpoch: 1, partitions: [] });
    handleSessionResponse(s, { sessionId: 42, partitions: [] });
    const moved = buildSessionFetch(s, byKey(p(0, 9), p(2, 0)));
    expect(moved).toEqual({
      sessionId: 42,
      sessionEpoch: 2,
      partitions: [p(0, 9), p(2, 0)],
      forgottenPartitions: [{ topic: 't', partition: 1 }],
    });
  });

  it('no session from the leader: every fetch stays full', () => {
    const s = newFetchSessionClient();
    buildSessionFetch(s, byKey(p(0, 1)));
    handleSessionResponse(s, { sessionId: 0, partitions: [] });
    expect(buildSessionFetch(s, byKey(p(0, 1)))).toMatchObject({
      sessionId: 0,
      sessionEpoch: 0,
      partitions: [p(0, 1)],
    });
  });

  it('FETCH_SESSION_ID_NOT_FOUND starts over; another session error or no answer closes and reopens', () => {
    const s = newFetchSessionClient();
    buildSessionFetch(s, byKey(p(0, 1)));
    handleSessionResponse(s, { sessionId: 9, partitions: [] });
    expect(
      handleSessionResponse(s, { error: 'INVALID_FETCH_SESSION_EPOCH', sessionId: 0, partitions: [] }),
    ).toBe(false);
    expect(buildSessionFetch(s, byKey(p(0, 1)))).toMatchObject({
      sessionId: 9,
      sessionEpoch: 0,
      partitions: [p(0, 1)],
    });
    handleSessionResponse(s, { sessionId: 10, partitions: [] });
    handleSessionError(s);
    expect(buildSessionFetch(s, byKey(p(0, 1)))).toMatchObject({ sessionId: 10, sessionEpoch: 0 });
    expect(
      handleSessionResponse(s, { error: 'FETCH_SESSION_ID_NOT_FOUND', sessionId: 0, partitions: [] }),
    ).toBe(false);
    expect(buildSessionFetch(s, byKey(p(0, 1)))).toMatchObject({ sessionId: 0, sessionEpoch: 0 });
  });

  it('the epoch wraps from 2^31-1 to 1', () => {
    const s = { sessionId: 3, epoch: 2_147_483_647, partitions: {} };
    handleSessionResponse(s, { sessionId: 3, partitions: [] });
    expect(s.epoch).toBe(1);
  });
});
