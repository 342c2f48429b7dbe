import { describe, expect, it } from 'vitest';
import { acksLesson } from './09-acks';
import { walkLesson } from '../testing/walk';
import { comparisonSpec } from '../../engine';

describe('lesson 9 on the real engine', () => {
  it('acks=1 loses acknowledged writes when the leader crashes, acks=all does not; min ISR refuses writes', () => {
    const h = walkLesson(acksLesson, {
      'three-producers': {
        after: (h) => {
          const leaders = h.sim
            .snapshot()
            .topics.filter((t) => t.name.startsWith('acks'))
            .map((t) => t.partitions[0]!.leader);
          expect(new Set(leaders).size).toBe(1); // the seed puts all three leaders on one broker
          // The latencies are measured from the events, and acks=0 < acks=1 < acks=all here.
          const text = h.actor.getSnapshot().context.reveals['three-producers']!.text;
          const [w0, w1, wall] = [/acks=0\) (\d+) ms/, /acks=1\) (\d+) ms/, /acks=all\) (\d+) ms/].map((re) =>
            Number(re.exec(text)?.[1]),
          );
          expect(w0).toBeLessThan(w1!);
          expect(w1).toBeLessThan(wall!);
        },
      },
      'predict-crash': {
        answer: 'none',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-crash']!;
          expect(reveal.text).toMatch(/3 acknowledged records gone/);
          expect(reveal.text).toMatch(/acks=all: 0 records acknowledged before the crash/);
          expect(reveal.text).toMatch(/Nothing acknowledged was lost/);
          expect(reveal.correct).toBe('acks1');
        },
      },
      'challenge-nee': {
        wrong: (h) => {
          h.act([{ type: 'producer.send', producer: 'pall', topic: 'acks-all', key: null, value: 'ok' }]);
          h.run(500);
        },
        hint: /at least min.insync.replicas=2/,
        solve: (h) => {
          const p = h.sim.snapshot().topics.find((t) => t.name === 'acks-all')!.partitions[0]!;
          const followers = p.replicas.filter((b) => b !== p.leader);
          h.act(followers.map((broker) => ({ type: 'broker.crash' as const, broker })));
          h.runUntil(
            () => h.sim.snapshot().topics.find((t) => t.name === 'acks-all')!.partitions[0]!.isr.length === 1,
            20_000,
          );
          h.act([
            { type: 'producer.send', producer: 'pall', topic: 'acks-all', key: null, value: 'refused' },
          ]);
        },
      },
    });
    expect(h.refused).toEqual([]);
    // The live checker saw the same loss, and knew acks=1 allows it.
    const lost = h.guarantees.findings().filter((f) => f.kind === 'lost-write');
    expect(lost.length).toBeGreaterThanOrEqual(3);
    expect(lost.every((f) => f.verdict === 'allowed' && f.producer === 'p1')).toBe(true);
  });

  it('ends with the same-seed comparison of acks=1 and acks=all', () => {
    const step = acksLesson.steps.at(-1)!;
    expect(step.compare).toBe('acks');
    // The comparison varies exactly the setting the lesson teaches.
    expect(comparisonSpec(step.compare!).sides.map((s) => s.settings)).toEqual([
      { acks: 1 },
      { acks: 'all' },
    ]);
  });
});
