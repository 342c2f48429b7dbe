import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../engine';
import { isrLesson } from './08-isr';
import { walkLesson } from '../testing/walk';
import { startHeadless, type HeadlessLesson } from '../testing/headless';

const orders0 = (h: HeadlessLesson) =>
  h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;

describe('lesson 8 on the real engine', () => {
  it('a slow follower leaves the ISR and rejoins; the challenge accepts a crash and rejects too early a check', () => {
    const h = walkLesson(isrLesson, {
      'predict-slow': {
        answer: 'stays',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-slow']!;
          expect(reveal.correct).toBe('leaves');
          expect(reveal.text).toMatch(/shrink the ISR/);
          expect(orders0(h).isr).toHaveLength(2);
          // The stall is measured from the engine: the acks=all write waited until the follower left
          // the ISR (seconds), the one after took milliseconds.
          const events = h.sim.events();
          const at = (type: string, where: (e: never) => boolean) =>
            events.find((e) => e.type === type && where(e as never))!.atMs;
          const sent = (value: string) =>
            events.find(
              (e): e is EventOf<'command.accepted'> =>
                e.type === 'command.accepted' &&
                e.command.type === 'producer.send' &&
                e.command.value === value,
            )!;
          const acked = (value: string) =>
            at('producer.acked', (e: { commandId: number }) => e.commandId === sent(value).commandId);
          const shrunk = at('partition.changed', (e: { isr: number[] }) => e.isr.length === 2);
          const stall = acked('while slow') - sent('while slow').atMs;
          expect(stall).toBeGreaterThan(3000); // replica.lag.time.max.ms
          expect(acked('while slow')).toBeGreaterThanOrEqual(shrunk);
          const fast = acked('after it left') - sent('after it left').atMs;
          expect(fast).toBeLessThan(200);
          expect(reveal.text).toContain(
            `acknowledged **${stall.toLocaleString('en')} ms** after it was sent`,
          );
          expect(reveal.text).toContain(`took **${fast.toLocaleString('en')} ms**`);
        },
      },
      'challenge-shrink': {
        wrong: () => {},
        hint: /Stop one follower from keeping up/,
        solve: (h) => {
          const p = orders0(h);
          const follower = p.replicas.find((b) => b !== p.leader)!;
          h.act([{ type: 'broker.crash', broker: follower }]);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});

/** Up to the slow-follower reveal: the ISR has just shrunk. */
function afterShrink(): HeadlessLesson {
  const h = startHeadless(isrLesson);
  h.runUntil(() => h.actor.getSnapshot().matches('step'), 30_000);
  h.send({ type: 'user.next' });
  h.send({ type: 'user.answer', choice: 'leaves' });
  expect(h.untilComplete(30_000)).toBe(true);
  return h;
}

describe('lesson 8: what learners hit', () => {
  it('the reveal prints the ISR the change set, not the one from before it', () => {
    const h = afterShrink();
    const reveal = h.actor.getSnapshot().context.reveals['predict-slow']!;
    const isr = orders0(h).isr;
    expect(isr).toHaveLength(2);
    expect(reveal.text).toContain(`ISR of orders-0: broker-${isr[0]} and broker-${isr[1]} (`);
  });

  it('"Catching up" needs the learner to make the link fast again', () => {
    const h = afterShrink();
    h.send({ type: 'user.next' });
    // Left slow, the follower creeps back in by itself: the step must still wait for the learner.
    h.run(30_000);
    expect(h.actor.getSnapshot().matches({ step: 'complete' })).toBe(false);
    h.send({ type: 'user.action', action: 'heal' });
    expect(h.untilComplete(30_000)).toBe(true);
    expect(orders0(h).isr).toHaveLength(3);
  });

  it('a crashed follower: the hint names broker.session.timeout.ms, and the ISR shrinks when it says', () => {
    const h = afterShrink();
    h.send({ type: 'user.next' });
    h.send({ type: 'user.action', action: 'heal' });
    expect(h.untilComplete(30_000)).toBe(true);
    h.send({ type: 'user.next' });
    const p = orders0(h);
    const follower = p.replicas.find((b) => b !== p.leader)!;
    const crashedAt = h.sim.snapshot().nowMs;
    h.act([{ type: 'broker.crash', broker: follower }]);
    h.run(3500);
    h.send({ type: 'user.check' });
    expect(h.actor.getSnapshot().context.hint).toMatch(/broker\.session\.timeout\.ms. \(9000 ms\)/);
    expect(h.runUntil(() => orders0(h).isr.length < 3, 20_000)).toBe(true);
    expect(h.sim.snapshot().nowMs - crashedAt).toBeGreaterThan(8000);
  });
});
