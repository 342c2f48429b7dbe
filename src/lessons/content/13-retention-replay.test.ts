import { describe, expect, it } from 'vitest';
import { retentionReplayLesson } from './13-retention-replay';
import { walkLesson } from '../testing/walk';
import { execute, isHandle, targetOf } from '../../cli';
import type { HeadlessLesson } from '../testing/headless';

const leaderOf = (h: HeadlessLesson) => {
  const p = h.sim.snapshot().topics.find((t) => t.name === 'payments')!.partitions[0]!;
  return p.replicaStates.find((r) => r.broker === p.leader)!;
};

describe('lesson 13 on the real engine', () => {
  it('segments, retention past a committed offset, a replay from earliest and from a timestamp', () => {
    const h = walkLesson(retentionReplayLesson, {
      segments: {
        after: (h) => {
          expect(leaderOf(h).segmentBaseOffsets).toEqual([0, 4]);
          expect(leaderOf(h).logStartOffset).toBe(0);
        },
      },
      'predict-out-of-range': {
        answer: 'committed',
        maxMs: 60_000,
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-out-of-range']!;
          expect(reveal.correct).toBe('reset');
          expect(reveal.text).toMatch(/OFFSET_OUT_OF_RANGE/);
          expect(reveal.text).toMatch(/deleted 2 segments on the leader: the log now starts at offset 8/);
          expect(leaderOf(h).logStartOffset).toBe(8);
          const reset = h.sim
            .events()
            .filter((e) => e.type === 'consumer.positionSet' && e.consumer === 'reports')
            .map((e) => (e.type === 'consumer.positionSet' ? [e.offset, e.reason] : []));
          expect(reset).toContainEqual([8, 'reset-earliest']);
        },
      },
      'predict-replay': {
        answer: 'all',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-replay']!;
          expect(reveal.correct).toBe('kept');
          expect(reveal.text).toMatch(/read 8 payments, offsets 8–15/);
        },
      },
      'seek-time': {
        after: (h) => {
          const set = h.sim
            .events()
            .filter((e) => e.type === 'consumer.positionSet' && e.reason === 'timestamp');
          expect(set).toHaveLength(1);
          // Learners saw only "✓ Done": the step says the offset the seek landed on, and why.
          const offset = set[0]!.type === 'consumer.positionSet' ? set[0]!.offset : -1;
          const said = h.actor.getSnapshot().context.reveals['seek-time']!.text;
          expect(said).toContain(`offset ${offset}**`);
          expect(said).toMatch(/timestamp \(virtual time [\d.]+ s/);
          expect(said).toMatch(/log start offset|first payment written at or after|log end/);
        },
      },
      'challenge-replay': {
        wrong: (h) => {
          h.act([
            {
              type: 'consumer.create',
              consumer: 'late',
              groupId: 'late',
              config: { 'auto.offset.reset': 'latest' },
            },
            { type: 'consumer.subscribe', consumer: 'late', topics: ['payments'] },
          ]);
          h.run(4000);
        },
        hint: /starts at the end of the log \(offset 16\)/,
        solve: (h) => {
          h.act([
            {
              type: 'consumer.create',
              consumer: 'audit',
              groupId: 'audit',
              config: { 'auto.offset.reset': 'earliest' },
            },
            { type: 'consumer.subscribe', consumer: 'audit', topics: ['payments'] },
          ]);
        },
        after: (h) => {
          expect(h.actor.getSnapshot().context.message).toMatch(/audit \(group audit\) read all 8 payments/);
        },
      },
      'terminal-reset': {
        wrong: (h) => {
          h.run(3000);
          const r = execute(
            h.sim,
            'kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --reset-offsets --group reports --topic payments --to-earliest --dry-run',
          );
          expect(isHandle(r) ? null : r.stdout).toMatch(/NEW-OFFSET/);
        },
        hint: /use --execute/,
        solve: (h) => {
          const r = execute(
            h.sim,
            'kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --reset-offsets --group reports --topic payments --to-earliest --execute',
          );
          if (!isHandle(r)) throw new Error(r.stdout + r.stderr);
          for (let i = 0; i < 100 && r.poll(targetOf(h.sim)).exitCode === undefined; i++) h.run(50);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
