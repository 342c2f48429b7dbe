import { describe, expect, it } from 'vitest';
import type { QueueSnapshot, ServiceSnapshot } from '../../engine';
import { narrateQueue } from './narrate-queue';
import {
  MESSAGE_GAP,
  MESSAGE_W,
  QUEUE_COUNTS_W,
  QUEUE_LABEL_W,
  queueCounts,
  queueRowView,
  serviceCards,
} from './queue-view';

function queue(n: number, over: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return {
    name: 'orders',
    node: 'queue-1',
    alive: true,
    visibilityTimeoutMs: 3000,
    messages: Array.from({ length: n }, (_, i) => ({
      messageId: `m${i + 1}`,
      body: `order-${i + 1}`,
      state: i === 0 ? 'in-flight' : 'ready',
      sender: 'sender:shop',
      sentAtMs: i,
      receiveCount: i === 0 ? 1 : 0,
      consumer: i === 0 ? 'worker:billing' : null,
      visibleAtMs: i === 0 ? 3000 : null,
    })),
    ready: n - 1,
    inFlight: 1,
    sent: n + 2,
    deleted: 2,
    redelivered: 0,
    waiting: 0,
    ...over,
  };
}

describe('the queue row', () => {
  it('shows the oldest messages that fit and counts the rest', () => {
    const width = QUEUE_LABEL_W + QUEUE_COUNTS_W + 3 * (MESSAGE_W + MESSAGE_GAP);
    expect(queueRowView(queue(3), width).cells.map((c) => c.message.body)).toEqual([
      'order-1',
      'order-2',
      'order-3',
    ]);
    const crowded = queueRowView(queue(10), width);
    expect(crowded.cells.map((c) => c.key)).toEqual(['m1', 'm2']);
    expect(crowded.hidden).toBe(8);
    expect(queueCounts(queue(3))).toEqual(['2 ready', '1 in flight', '2 deleted']);
  });

  it('words each service by its role', () => {
    const base = {
      alive: true,
      queue: 'orders',
      count: 3,
      holding: [],
      runs: null,
      nextRunAtMs: null,
      balances: null,
      topic: null,
    };
    const cards = serviceCards([
      {
        ...base,
        id: 'billing',
        node: 'worker:billing',
        role: 'worker',
        state: 'processing',
        holding: ['m4'],
      },
      {
        ...base,
        id: 'nightly',
        node: 'batch:nightly',
        role: 'batch',
        state: 'sleeping',
        runs: 2,
        nextRunAtMs: 6000,
      },
      {
        ...base,
        id: 'accounts',
        node: 'service:accounts',
        role: 'account',
        state: 'polling',
        balances: { alice: 70, bob: 50 },
      },
    ] satisfies ServiceSnapshot[]);
    expect(cards.map((c) => c.details[0])).toEqual([
      'streaming · handling m4 · 3 done',
      'asleep · next run 6 s · 3 done',
      'alice 70 · bob 50',
    ]);
    expect(cards[1]!.asleep).toBe(true);
  });

  it('narrates a queue’s story, and a batch job once per run', () => {
    const at = { seq: 1, atMs: 0 };
    expect(
      narrateQueue({
        ...at,
        type: 'queue.messageDeleted',
        node: 'queue-1',
        queue: 'orders',
        messageId: 'm1',
        consumer: 'worker:billing',
      })?.text,
    ).toBe('worker:billing acked m1: queue orders deleted it for good.');
    expect(
      narrateQueue({
        ...at,
        type: 'queue.messageReceived',
        node: 'queue-1',
        queue: 'orders',
        messageId: 'm1',
        consumer: 'batch:nightly',
        receiveCount: 1,
      }),
    ).toBeUndefined();
  });
});
