import { describe, expect, it } from 'vitest';
import { topicsLesson } from './05-topics';
import { walkLesson } from '../testing/walk';
import { execute, isHandle } from '../../cli';

describe('lesson 5 on the real engine', () => {
  it('offsets follow on at the end, reading removes nothing, and the topic challenge checks the state', () => {
    const h = walkLesson(topicsLesson, {
      'predict-offsets': {
        answer: 'restart',
        after: (h) => {
          const reveal = h.actor.getSnapshot().context.reveals['predict-offsets']!;
          expect(reveal.correct).toBe('next');
          expect(reveal.text).toContain('offsets 3 and 4');
        },
      },
      read: {
        after: (h) => {
          const leader = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!.leader;
          expect(h.sim.readLog(leader, 'orders', 0).map((r) => r.value)).toHaveLength(5);
        },
      },
      'challenge-topic': {
        wrong: (h) => {
          h.act([{ type: 'topic.create', topic: 'payments', partitions: 2, replicationFactor: 1 }]);
          h.run(1000);
        },
        hint: /has 2 partition\(s\)/,
        solve: (h) => {
          h.act([{ type: 'topic.delete', topic: 'payments' }]);
          h.run(1000);
          h.act([{ type: 'topic.create', topic: 'payments', partitions: 3, replicationFactor: 2 }]);
          h.run(1000);
          h.act([
            { type: 'producer.send', producer: 'p1', topic: 'payments', key: 'a', value: '1' },
            { type: 'producer.send', producer: 'p1', topic: 'payments', key: 'b', value: '2' },
          ]);
        },
      },
      'terminal-topic': {
        wrong: (h) => {
          const r = execute(
            h.sim,
            'kafka-topics.sh --bootstrap-server broker-1:9092 --create --topic invoices --partitions 3 --replication-factor 3',
          );
          expect(r).toEqual({ stdout: 'Created topic invoices.\n', stderr: '', exitCode: 0 });
          h.run(1000);
        },
        hint: /no min.insync.replicas=2 override/,
        solve: (h) => {
          const del = execute(
            h.sim,
            'kafka-topics --bootstrap-server broker-1:9092 --delete --topic invoices',
          );
          expect(isHandle(del) ? null : del.exitCode).toBe(0);
          h.run(2000);
          execute(
            h.sim,
            'kafka-topics --bootstrap-server broker-1:9092 --create --topic invoices --partitions 3 --replication-factor 3 --config min.insync.replicas=2',
          );
          h.run(1000);
        },
      },
    });
    expect(h.refused).toEqual([]);
  });
});
