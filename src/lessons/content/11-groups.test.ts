import { describe, expect, it } from 'vitest';
import type { Command } from '../../engine';
import { groupsLesson } from './11-groups';
import { walkLesson } from '../testing/walk';
import { comparisonSpec } from '../../engine';
import { execute, isHandle } from '../../cli';

const join = (group: string, names: string[]): Command[] =>
  names.flatMap((consumer): Command[] => [
    { type: 'consumer.create', consumer, groupId: group, config: { 'auto.offset.reset': 'earliest' } },
    { type: 'consumer.subscribe', consumer, topics: ['clicks'] },
  ]);

describe('lesson 11 on the real engine', () => {
  it('an extra member idles, a crash moves partitions (4 → 6), cooperative revokes only what moves', () => {
    const h = walkLesson(groupsLesson, {
      groups: {
        after: (h) =>
          expect(h.actor.getSnapshot().context.reveals['groups']!.text).toMatch(
            /Group A: a1 reads orders-\d and orders-\d\. A consumer alone in its group reads every partition/,
          ),
      },
      'predict-idle': {
        answer: 'share',
        after: (h) => expect(h.actor.getSnapshot().context.reveals['predict-idle']!.correct).toBe('idle'),
      },
      'predict-crash': {
        answer: 'four',
        after: (h) => expect(h.actor.getSnapshot().context.reveals['predict-crash']!.correct).toBe('six'),
      },
      'predict-coop': {
        answer: 'all',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-coop']!;
          expect(reveal.text).toMatch(/revoked 4 partitions in all/);
          expect(reveal.correct).toBe('moved');
        },
        maxMs: 60_000,
      },
      'challenge-three': {
        wrong: (h) => {
          h.act(join('mine', ['m1', 'm2', 'm3']));
          h.runUntil(
            () => h.sim.snapshot().groups.find((g) => g.groupId === 'mine')?.state === 'Stable',
            30_000,
          );
        },
        hint: /needs 12 ÷ 3 = 4 members/,
        solve: (h) => h.act(join('mine', ['m4'])),
        maxMs: 60_000,
      },
      'terminal-lag': {
        answer: 'p0',
        maxMs: 60_000,
        after: (h) => {
          expect(h.actor.getSnapshot().context.reveals['terminal-lag']!.correct).toBe('p1');
          const r = execute(
            h.sim,
            'kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe --group billing',
          );
          if (isHandle(r)) throw new Error('describe must finish at once');
          const lags = r.stdout
            .split('\n')
            .filter((l) => l.startsWith('billing '))
            .map((l) => Number(l.split(/ +/)[5]));
          expect(lags).toHaveLength(2);
          expect(lags[1]!).toBeGreaterThan(lags[0]!);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });

  it('ends with the same-seed comparison of eager and cooperative rebalancing', () => {
    const step = groupsLesson.steps.at(-1)!;
    expect(step.compare).toBe('rebalance');
    expect(comparisonSpec(step.compare!).sides.map((s) => s.settings)).toEqual([
      { 'partition.assignment.strategy': 'range' },
      { 'partition.assignment.strategy': 'cooperative-sticky' },
    ]);
  });
});
