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
        before: (h) => h.run(1000), // March's payments are written as the step begins
        after: (h) => {
          const set = h.sim
            .events()
            .filter((e) => e.type === 'consumer.positionSet' && e.reason === 'timestamp');
          expect(set).toHaveLength(1);
          const offset = set[0]!.type === 'consumer.positionSet' ? set[0]!.offset : -1;
          // The first record at or after 1 March: March's first payment, after February's 8–15.
          expect(offset).toBe(16);
          const leader = h.sim.snapshot().topics.find((t) => t.name === 'payments')!.partitions[0]!.leader;
          const log = h.sim.readLog(leader, 'payments', 0);
          const seek = h.sim
            .events()
            .find((e) => e.type === 'command.accepted' && e.command.type === 'consumer.seek')!;
          const target =
            seek.type === 'command.accepted' && seek.command.type === 'consumer.seek'
              ? seek.command.to
              : null;
          const ts =
            typeof target === 'object' && target && 'timestampMs' in target ? target.timestampMs : -1;
          expect(log.find((r) => r.offset === 16)!.timestamp).toBeGreaterThanOrEqual(ts);
          expect(log.find((r) => r.offset === 15)!.timestamp).toBeLessThan(ts);
          // Learners saw only "✓ Done": the step says the offset, why, and the re-read from there.
          const said = h.actor.getSnapshot().context.reveals['seek-time']!.text;
          expect(said).toContain('**offset 16**');
          expect(said).toMatch(
            /first payment whose timestamp is at or after it: “mar #01 €10”, written at [\d.]+ s\. The one before it, offset 15 \(“feb #08 €\d+”\), was written at [\d.]+ s: earlier/,
          );
          expect(said).toContain(
            'fraud-model moved back to offset 16 and read 3 payments from there again: offsets 16–18',
          );
          const reread = h.sim
            .events()
            .filter((e) => e.type === 'consumer.received' && e.consumer === 'fraud-model')
            .flatMap((e) => (e.type === 'consumer.received' ? e.records.map((r) => r.offset) : []));
          // Offsets 16–18 read twice: once live, once after the seek.
          expect(reread.filter((o) => o === 16)).toHaveLength(2);
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
        hint: /starts at the end of the log \(offset 19\)/,
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
          expect(h.actor.getSnapshot().context.message).toMatch(/audit \(group audit\) read all 11 payments/);
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
