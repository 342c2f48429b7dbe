import { describe, expect, it } from 'vitest';
import { fetchRoleOf, RPC_REQUEST_KINDS } from '../../engine';
import { FAMILY_OF_KIND, familyOf, styleOf } from './flight-style';

describe('the flight legend', () => {
  it('gives every RPC kind a family with a label, a shape and a colour', () => {
    for (const kind of RPC_REQUEST_KINDS) {
      const style = styleOf(FAMILY_OF_KIND[kind]);
      expect(style.label, kind).toBeTruthy();
      expect(style.shape, kind).toBeTruthy();
      expect(styleOf(familyOf(`${kind}Response`, undefined)), kind).toBeDefined();
    }
  });

  it('tells a metadata-log Fetch from a partition Fetch by its body, not by its ends', () => {
    const metadata = { topic: '__cluster_metadata', epoch: 1, replicaId: 'broker-1', fetchOffset: 0 };
    const follower = { replicaId: 2, maxWaitMs: 500, minBytes: 1, partitions: [] };
    const consumer = { replicaId: -1, maxWaitMs: 500, minBytes: 1, partitions: [] };
    const family = (kind: string, to: string, body: unknown) => familyOf(kind, fetchRoleOf(kind, to, body));
    expect(family('Fetch', 'controller-1', metadata)).toBe('metadata');
    expect(family('FetchResponse', 'broker-1', { topic: '__cluster_metadata' })).toBe('metadata');
    expect(family('Fetch', 'broker-1', follower)).toBe('replication');
    expect(family('FetchResponse', 'broker-2', { partitions: [] })).toBe('replication');
    // A streams app's consumer is named neither consumer: nor batch:, and still reads records.
    expect(family('Fetch', 'broker-1', consumer)).toBe('consume');
    expect(family('FetchResponse', 'streams:app', { partitions: [] })).toBe('consume');
  });
});
