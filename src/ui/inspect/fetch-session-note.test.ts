import { describe, expect, it } from 'vitest';
import { fetchSessionNote } from './fetch-session-note';

describe('fetch session note', () => {
  it('names the session, the epoch and how many partitions a fetch carried', () => {
    expect(fetchSessionNote('Fetch', { sessionId: 0, sessionEpoch: 0, partitions: [{}, {}] })).toBe(
      'Full fetch: lists all 2 partitions and asks the leader to open a fetch session.',
    );
    expect(
      fetchSessionNote('Fetch', { sessionId: 4, sessionEpoch: 9, partitions: [], forgottenPartitions: [{}] }),
    ).toBe(
      'Incremental fetch, session 4 epoch 9: lists 0 changed partitions, forgets 1; the leader remembers the rest.',
    );
    expect(fetchSessionNote('FetchResponse', { sessionId: 4, partitions: [{}] })).toMatch(
      /^Session 4: carries 1 partition with news/,
    );
    expect(
      fetchSessionNote('FetchResponse', {
        error: 'FETCH_SESSION_ID_NOT_FOUND',
        sessionId: 0,
        partitions: [],
      }),
    ).toMatch(/^Session error FETCH_SESSION_ID_NOT_FOUND/);
  });

  it('says nothing for messages without session fields', () => {
    expect(fetchSessionNote('Fetch', { replicaId: 2, partitions: [] })).toBeNull();
    expect(fetchSessionNote('Produce', { sessionId: 1, partitions: [] })).toBeNull();
  });
});
