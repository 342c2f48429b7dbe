import { describe, expect, it } from 'vitest';
import { messagingLesson } from './01-messaging';
import { walkLesson } from '../testing/walk';
import { eventsOf } from '../facts';
import { queueOf } from './queue-helpers';

describe('lesson 1 on the real engine', () => {
  it('orders pile up, a worker streams them, a batch job takes them in bulk, and the channel decouples', () => {
    const h = walkLesson(messagingLesson, {
      'pile-up': {
        after: (h) => {
          expect(queueOf(h.sim.snapshot(), 'orders')!.ready).toBeGreaterThanOrEqual(3);
          expect(eventsOf(h.sim.events(), 'queue.messageReceived')).toEqual([]);
        },
      },
      'predict-streaming': {
        answer: 'all-at-once',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-streaming']!;
          expect(reveal.correct).toBe('one-by-one');
          expect(reveal.text).toContain('one at a time');
          // One at a time: every receive handed out a single message to billing.
          const handled = eventsOf(h.sim.events(), 'worker.handled');
          expect(handled.length).toBeGreaterThanOrEqual(3);
          expect(new Set(handled.map((e) => e.messageId)).size).toBe(handled.length);
        },
      },
      'predict-batch': {
        answer: 'all',
        after: (h) => {
          const [batch] = eventsOf(h.sim.events(), 'batch.handled');
          expect(batch!.bodies.length).toBeGreaterThanOrEqual(3);
          const started = eventsOf(h.sim.events(), 'batch.started')[0]!;
          const created = h.sim.commandLog().find((c) => c.command.type === 'batchJob.create')!;
          expect(started.atMs - created.atMs).toBe(5000);
          expect(h.actor.getSnapshot().context.reveals['predict-batch']!.text).toContain('together');
        },
      },
      'challenge-decouple': {
        press: [],
        wrong: (h) => {
          h.act([{ type: 'node.crash', node: 'sender:shop' }]);
          h.run(200);
        },
        hint: /The shop is down/,
        solve: (h) => {
          h.act([
            { type: 'node.restart', node: 'sender:shop' },
            { type: 'node.crash', node: 'batch:invoicing' },
          ]);
        },
        after: (h) => {
          const s = h.sim.snapshot();
          expect(queueOf(s, 'orders')!.ready).toBeGreaterThanOrEqual(3);
          expect(s.services!.filter((c) => c.role !== 'sender').every((c) => !c.alive)).toBe(true);
        },
      },
      'catch-up': {
        after: (h) => {
          h.run(3000);
          expect(h.sim.snapshot().services!.every((c) => c.alive)).toBe(true);
          expect(queueOf(h.sim.snapshot(), 'orders')!.ready).toBeLessThanOrEqual(1);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });

  it('the challenge is not passed while a consumer still runs', () => {
    const h = walkLesson(messagingLesson, {
      'challenge-decouple': {
        press: [],
        wrong: (h) => h.run(4000),
        hint: /batch:invoicing still consumes orders/,
        solve: (h) => h.act([{ type: 'node.crash', node: 'batch:invoicing' }]),
      },
    });
    expect(h.refused).toEqual([]);
  });
});
