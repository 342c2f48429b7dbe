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
      'change-the-past': {
        press: [],
        wrong: (h) => {
          h.send({ type: 'user.action', action: 'delete-9' });
          h.send({ type: 'user.action', action: 'delete-1' });
          h.run(1000);
          // Offset 9 is past the high watermark: Kafka's answer, and nothing moved by it.
          const answers = h.sim.events().flatMap((e) => (e.type === 'records.deleted' ? [e] : []));
          expect(answers.map((a) => a.error)).toEqual(['OFFSET_OUT_OF_RANGE', null]);
          expect(answers[1]).toMatchObject({ logStartOffsetBefore: 0, logStartOffset: 1 });
        },
        hint: /OFFSET_OUT_OF_RANGE: “Cannot increment the log start offset to 9 of partition orders-0 since it is larger than the high watermark 5”.*now starts at offset 1: order-1 \(offset 0\) is gone, but order-2 is still there/,
        solve: (h) => {
          h.send({ type: 'user.action', action: 'correct' });
          h.send({ type: 'user.action', action: 'delete-2' });
          h.run(1000);
        },
        after: (h) => {
          const message = h.actor.getSnapshot().context.message ?? '';
          expect(message).toMatch(/from 1 to 2: offsets 0 and 1 can no longer be read/);
          expect(message).toMatch(/correction is a new record at offset 5/);
          // Every replica's log starts at 2; order-3 keeps offset 2.
          const p = h.sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
          const log = h.sim
            .readLog(p.leader, 'orders', 0)
            .filter((r) => r.offset >= p.replicaStates[0]!.logStartOffset);
          expect(log.map((r) => [r.offset, r.value])).toEqual([
            [2, 'order-3'],
            [3, 'order-4'],
            [4, 'order-5'],
            [5, 'order-2 (fixed)'],
          ]);
        },
      },
      table: {
        before: (h) => h.run(1000),
        after: (h) => {
          const said = h.actor.getSnapshot().context.reveals['table']!.text;
          expect(said).toContain('offset 0 · AccountCreated · accountId=acc-1, owner=Ada, currency=EUR');
          expect(said).toContain('offset 2 · AccountCreated · accountId=acc-3');
          expect(said).toContain(
            '**money-deposited** (1 row, all MoneyDeposited):\noffset 0 · MoneyDeposited · accountId=acc-1, amount=100.00',
          );
          const t = h.sim.snapshot().topics.find((x) => x.name === 'account-created')!.partitions[0]!;
          expect(h.sim.readLog(t.leader, 'account-created', 0).map((r) => r.headers?.['event-type'])).toEqual(
            ['AccountCreated', 'AccountCreated', 'AccountCreated'],
          );
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
