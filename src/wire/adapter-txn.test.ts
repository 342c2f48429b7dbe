/**
 * TxnOffsetCommit v0-1 (what KafkaJS 2.2.4 sends) carries no group metadata: the engine's request
 * gets Kafka's schema defaults (generation -1, member ""), which the group coordinator accepts from
 * a producer that is not a member (KIP-447 checks apply only to v3+ callers that give them).
 */
import { describe, expect, it } from 'vitest';
import { route } from './adapter';
import { apiByName } from './apis';

describe('TxnOffsetCommit through the wire adapter', () => {
  it('fills the group metadata a v1 request does not carry with Kafka’s defaults', () => {
    const routed = route(
      apiByName('TxnOffsetCommit'),
      1,
      {
        transactionalId: 'payment-writer',
        groupId: 'payment-processor',
        producerId: 7,
        producerEpoch: 0,
        topics: [
          { name: 'orders', partitions: [{ partition: 0, committedOffset: 1, committedMetadata: null }] },
        ],
      },
      'code-txn',
      { clusterId: 'test', address: (id) => ({ host: 'localhost', port: 9091 + id }) },
    );
    expect(routed.type).toBe('rpc');
    if (routed.type !== 'rpc') return;
    expect(routed.body).toEqual({
      transactionalId: 'payment-writer',
      groupId: 'payment-processor',
      producerId: 7,
      producerEpoch: 0,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [{ topic: 'orders', partition: 0, offset: 1 }],
    });
    expect(routed.reply({ error: null })).toEqual({
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partition: 0, errorCode: 0 }] }],
    });
  });
});
