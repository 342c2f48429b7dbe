/**
 * Lesson 14 — Exactly-once: an idempotent producer's retry is written once (the leader recognises
 * the producer id and sequence number: `partition.duplicateBatchDetected`); a transaction writes to two
 * partitions atomically (COMMIT markers, the LSO, read_committed); a producer that crashes mid-
 * transaction is rolled back after transaction.timeout.ms — read_committed never sees its records,
 * read_uncommitted does. Two consumers, one of each isolation level, read side by side throughout.
 *
 * Every reveal counts from the engine's events and snapshot.
 */
import type { ClusterSnapshot, Command, EngineEvent, EventOf } from '../../engine';
import type { FactView, Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list, partitionOf, plural } from '../facts';
import { eosStep, pipelineStep } from './eos-pipeline';

const TOPIC = 'ledger';
const TXN_ID = 'bank';
const READERS = { rc: 'read_committed', ru: 'read_uncommitted' } as const;
type Reader = keyof typeof READERS;

const leaderOf = (s: ClusterSnapshot, partition: number) => partitionOf(s, TOPIC, partition)?.leader ?? -1;
const producerOf = (s: ClusterSnapshot, id: string) => s.producers.find((p) => p.id === id);

/** Values `consumer` received from the ledger (in order). */
export function valuesOf(events: readonly EngineEvent[], consumer: Reader): string[] {
  return eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records.filter((r) => r.topic === TOPIC).map((r) => r.value ?? ''));
}

const send = (producer: string, partition: number, value: string): Command => ({
  type: 'producer.send',
  producer,
  topic: TOPIC,
  key: null,
  value,
  partition,
});

/** Both sides of a transfer, in one transaction: the debit on ledger-0, the credit on ledger-1. */
const transfer = (producer: string, tag: string, amount: number): Command[] => [
  { type: 'producer.beginTransaction', producer },
  send(producer, 0, `${tag}: alice −${amount}`),
  send(producer, 1, `${tag}: bob +${amount}`),
];

const has = (values: readonly string[], tag: string) => values.filter((v) => v.startsWith(`${tag}:`));

function ledgerLine(s: ClusterSnapshot): string {
  return [0, 1]
    .map((p) => {
      const r = leaderReplica(s, TOPIC, p);
      if (!r) return `ledger-${p}: no leader`;
      const lso = r.lastStableOffset ?? r.highWatermark;
      return `ledger-${p}: HW ${r.highWatermark}, LSO ${lso}`;
    })
    .join(' · ');
}

/** The two readers side by side: how many records each has been handed so far. */
function readersLine(s: ClusterSnapshot): string {
  return (Object.keys(READERS) as Reader[])
    .map((c) => `${c} (${READERS[c]}) got ${s.consumers.find((x) => x.id === c)?.received ?? 0}`)
    .join(' · ');
}

export const exactlyOnceLesson: Lesson = {
  id: '14-exactly-once',
  number: 14,
  title: 'Exactly-once',
  summary:
    'A retried send written once, an atomic write to two partitions, a crashed transaction rolled back, read-process-write with the offsets in the transaction; read_committed and read_uncommitted side by side.',
  seed: 14,
  options: {
    brokers: 3,
    brokerConfig: {
      'transaction.state.log.num.partitions': 3,
      'offsets.topic.num.partitions': 3,
      'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
    },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  },
  setup: [
    {
      type: 'topic.create',
      topic: TOPIC,
      partitions: 2,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 2 },
    },
    {
      type: 'producer.create',
      producer: 'pay',
      config: {
        acks: 'all',
        'enable.idempotence': true,
        'request.timeout.ms': 1000,
        'delivery.timeout.ms': 20_000,
      },
    },
    // bank's transactions wait for the learner, so its timeout is long (10 minutes).
    {
      type: 'producer.create',
      producer: 'bank',
      config: { 'transactional.id': TXN_ID, 'transaction.timeout.ms': 600_000 },
    },
    // refunds crashes mid-transaction: a short timeout, so the coordinator steps in soon.
    {
      type: 'producer.create',
      producer: 'refunds',
      config: { 'transactional.id': 'refunds', 'transaction.timeout.ms': 5000 },
    },
  ],
  // The transactional producer has its id and epoch before the first step.
  setupDone: (s) =>
    (partitionOf(s, TOPIC, 1)?.leader ?? -1) >= 0 &&
    (partitionOf(s, TOPIC, 0)?.leader ?? -1) >= 0 &&
    producerOf(s, 'bank')?.transactionState === 'READY' &&
    producerOf(s, 'refunds')?.transactionState === 'READY' &&
    (producerOf(s, 'pay')?.producerId ?? null) !== null,
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'predict-retry',
      kind: 'predict',
      title: 'A retry without a duplicate',
      onEnter: () =>
        (Object.keys(READERS) as Reader[]).flatMap((c): Command[] => [
          {
            type: 'consumer.create',
            consumer: c,
            config: {
              'isolation.level': READERS[c],
              'auto.offset.reset': 'earliest',
              'fetch.max.wait.ms': 500,
            },
          },
          {
            type: 'consumer.assign',
            consumer: c,
            partitions: [
              { topic: TOPIC, partition: 0 },
              { topic: TOPIC, partition: 1 },
            ],
          },
        ]),
      body: [
        'Two consumers read the topic `ledger` side by side: `rc` with `isolation.level=read_committed`, `ru` with `read_uncommitted`. Keep an eye on both in the status line.',
        'Producer `pay` sends “pay €10” to ledger-0. The lesson loses the leader’s answer on the way back, so `pay` does not know the payment was written: after `request.timeout.ms` it **retries**.',
        '`pay` is **idempotent**: it has a producer id, and numbers every batch with a sequence number.',
      ],
      question: 'How many copies of “pay €10” end up in ledger-0?',
      choices: [
        { id: 'one', label: 'One: the leader recognises the retry' },
        { id: 'two', label: 'Two: the retry is appended again' },
        { id: 'zero', label: 'None: the first attempt timed out, so it failed' },
      ],
      run: (s) => [
        { type: 'network.cut', from: `broker-${leaderOf(s, 0)}`, to: 'producer:pay', oneWay: true },
        send('pay', 0, 'pay €10'),
      ],
      then: [
        {
          when: ({ stepEvents }) =>
            eventsOf(stepEvents, 'producer.retryScheduled').some((e) => e.producer === 'pay'),
          commands: () => [{ type: 'network.heal' }],
        },
      ],
      until: {
        waitingFor: 'Waiting for pay to be acknowledged…',
        state: ({ stepEvents }) =>
          eventsOf(stepEvents, 'producer.acked').some((e) => e.producer === 'pay') &&
          valuesOf(stepEvents, 'ru').includes('pay €10'),
      },
      reveal: ({ stepEvents, snapshot }) => {
        const pid = producerOf(snapshot, 'pay')?.producerId;
        const sent = eventsOf(stepEvents, 'producer.batchSent').filter((e) => e.producer === 'pay').length;
        const appended = eventsOf(stepEvents, 'partition.appended').filter(
          (e) => e.topic === TOPIC && e.producerId === pid,
        );
        const dups = eventsOf(stepEvents, 'partition.duplicateBatchDetected').filter(
          (e) => e.producerId === pid,
        );
        const acked = eventsOf(stepEvents, 'producer.acked').find((e) => e.producer === 'pay');
        const copies = valuesOf(stepEvents, 'ru').filter((v) => v === 'pay €10').length;
        return {
          text: [
            `pay sent the batch ${plural(sent, 'time')}. The leader appended it ${plural(appended.length, 'time')}${appended[0] ? ` (offset ${appended[0].baseOffset})` : ''}.`,
            dups.length > 0
              ? `The retry carried the same producer id (${pid}) and sequence number (${dups[0]!.baseSequence}): the leader saw it already had that batch (**partition.duplicateBatchDetected**) and answered with the first offset${acked ? `, ${acked.offset}` : ''} instead of writing it again.`
              : 'No retry reached the leader as a duplicate.',
            `ru, which sees everything, read “pay €10” ${plural(copies, 'time')}. Without idempotence every retry would have been appended again.`,
          ].join('\n'),
          correct: appended.length === 1 ? 'one' : appended.length > 1 ? 'two' : 'zero',
        };
      },
      status: (s) =>
        `${ledgerLine(s)} · ${readersLine(s)} · pay: ${producerOf(s, 'pay')?.acked ?? 0} acknowledged.`,
    },
    {
      id: 'open-transaction',
      kind: 'wait',
      title: 'A transaction, open',
      body: [
        'A transfer has two sides: alice is debited on ledger-0, bob is credited on ledger-1. Both must happen, or neither.',
        'Producer `bank` has `transactional.id=bank`. It **begins a transaction**, writes both records, and does not commit yet. The records are in both logs — replicated, below the high watermark — but the **last stable offset** (LSO, the dashed orange line) stays before them: read_committed consumers read only below it.',
      ],
      actions: [
        {
          id: 'begin',
          label: 'Begin and write both sides of t1',
          commands: () => transfer('bank', 't1', 30),
        },
      ],
      fact: {
        waitingFor: 'Waiting for both records to be replicated…',
        state: ({ stepEvents }) => has(valuesOf(stepEvents, 'ru'), 't1').length === 2,
      },
      status: (s) =>
        `${ledgerLine(s)} · ${readersLine(s)} · bank: ${producerOf(s, 'bank')?.transactionState ?? '–'}.`,
    },
    {
      id: 'predict-commit',
      kind: 'predict',
      moments: ['commit'],
      title: 'Commit',
      body: [
        'ru has read both sides already; rc has read neither. Now bank commits: the **transaction coordinator** records the decision, then writes a **COMMIT marker** (a control record, a diamond on the replica row) to each partition of the transaction.',
      ],
      question: 'What does rc (read_committed) get?',
      choices: [
        { id: 'both', label: 'Both sides, once the transaction is committed' },
        { id: 'debit', label: 'Only the debit: ledger-1 is another partition and may lag' },
        { id: 'none', label: 'Nothing: read_committed skips transactional records' },
      ],
      run: () => [{ type: 'producer.commitTransaction', producer: 'bank' }],
      until: {
        waitingFor: 'Waiting for the markers and for rc…',
        // Committed and read, or (had it been left open past transaction.timeout.ms) aborted.
        state: ({ history, stepEvents }) =>
          has(valuesOf(history, 'rc'), 't1').length === 2 ||
          eventsOf(stepEvents, 'transaction.aborted').some((e) => e.transactionalId === TXN_ID),
      },
      reveal: ({ stepEvents, history }) => {
        const aborted = eventsOf(stepEvents, 'transaction.aborted').find((e) => e.transactionalId === TXN_ID);
        if (aborted)
          return {
            text: `The coordinator had already aborted t1 (reason: ${aborted.reason}): it stayed open longer than bank’s transaction.timeout.ms. rc got none of it, and never will — a transaction is all or nothing.`,
            correct: 'none',
          };
        const markers = eventsOf(stepEvents, 'partition.markerWritten')
          .filter((e) => e.topic === TOPIC && e.control === 'COMMIT')
          .sort((a, b) => a.partition - b.partition);
        const rc = has(valuesOf(history, 'rc'), 't1');
        // The decision: the coordinator moved the transaction to PrepareCommit (then wrote markers).
        const decidedAt = eventsOf(stepEvents, 'transaction.stateChanged').find(
          (e) => e.transactionalId === TXN_ID && e.to === 'PrepareCommit',
        )?.atMs;
        const polls = eventsOf(history, 'consumer.received').filter(
          (e) => e.consumer === 'rc' && e.records.some((r) => r.value?.startsWith('t1:')),
        );
        const early = polls.filter((e) => decidedAt === undefined || e.atMs < decidedAt).length;
        const spread = polls.length > 1 ? polls.at(-1)!.atMs - polls[0]!.atMs : 0;
        return {
          text: [
            `COMMIT markers: ${list(markers.map((m) => `ledger-${m.partition} offset ${m.offset}`))}. The LSO of each partition moved past the transaction.`,
            `rc got ${list(rc.map((v) => `“${v}”`))}` +
              (polls.length > 1
                ? ` in ${polls.length} polls ${spread} ms apart (each partition’s marker lands on its own)`
                : ' in one poll') +
              (early === 0 ? ', and none of it before the commit was decided.' : '.') +
              ' A read_committed reader never gets a side of a transaction that could still be rolled back.',
          ].join('\n'),
          correct: rc.length === 2 ? 'both' : rc.length === 1 ? 'debit' : 'none',
        };
      },
      status: (s) => `${ledgerLine(s)} · ${readersLine(s)}.`,
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      title: 'A crash mid-transaction',
      body: [
        'Another service, `refunds` (transactional.id=refunds), begins transfer t2 and writes both sides — and its process crashes before it commits. Nobody is left to commit or abort.',
        'The coordinator keeps a timer per transaction: `transaction.timeout.ms` (5000 ms for refunds). When it runs out, the coordinator **aborts** the transaction itself and writes **ABORT markers**.',
      ],
      question: 'What do the two consumers see of t2?',
      choices: [
        { id: 'both', label: 'Both see t2: the records were written and replicated' },
        { id: 'ru-only', label: 'ru sees t2; rc never does' },
        { id: 'neither', label: 'Neither: the abort deletes the records' },
      ],
      run: () => transfer('refunds', 't2', 500),
      then: [
        {
          when: ({ stepEvents, snapshot }) =>
            eventsOf(stepEvents, 'partition.appended').filter(
              (e) => e.topic === TOPIC && e.producerId === producerOf(snapshot, 'refunds')?.producerId,
            ).length >= 2,
          commands: () => [{ type: 'node.crash', node: 'producer:refunds' }],
        },
      ],
      until: {
        waitingFor: 'Waiting for the coordinator to time the transaction out…',
        state: ({ stepEvents, snapshot }) =>
          eventsOf(stepEvents, 'transaction.aborted').some((e) => e.transactionalId === 'refunds') &&
          eventsOf(stepEvents, 'partition.markerWritten').filter((e) => e.control === 'ABORT').length >= 2 &&
          [0, 1].every((p) => {
            const r = leaderReplica(snapshot, TOPIC, p);
            return !!r && (r.lastStableOffset ?? r.highWatermark) === r.highWatermark;
          }),
      },
      reveal: ({ stepEvents }) => {
        const aborted = eventsOf(stepEvents, 'transaction.aborted').find(
          (e) => e.transactionalId === 'refunds',
        )!;
        const markers = eventsOf(stepEvents, 'partition.markerWritten')
          .filter((e) => e.control === 'ABORT')
          .sort((a, b) => a.partition - b.partition);
        const ru = has(valuesOf(stepEvents, 'ru'), 't2').sort();
        const rc = has(valuesOf(stepEvents, 'rc'), 't2');
        return {
          text: [
            `The coordinator aborted t2 (reason: ${aborted.reason}${aborted.reason === 'timeout' ? ': nobody committed within transaction.timeout.ms' : ''})` +
              `, and wrote ABORT markers at ${list(markers.map((m) => `ledger-${m.partition} offset ${m.offset}`))}.`,
            `ru (read_uncommitted) read ${ru.length > 0 ? list(ru.map((v) => `“${v}”`)) : 'nothing of t2'}: it reads to the high watermark, aborted or not.`,
            `rc (read_committed) read ${rc.length > 0 ? list(rc) : 'nothing of t2'}: it waited at the LSO, then skipped the aborted records. The records are still in the log — an abort does not delete, it marks.`,
          ].join('\n'),
          correct: ru.length > 0 && rc.length === 0 ? 'ru-only' : rc.length > 0 ? 'both' : 'neither',
        };
      },
      status: (s) => {
        const t = s.transactions?.find((x) => x.transactionalId === 'refunds');
        return `${ledgerLine(s)} · ${readersLine(s)} · transaction refunds: ${t?.state ?? '–'}.`;
      },
    },
    pipelineStep,
    eosStep,
    {
      id: 'challenge-abort',
      kind: 'challenge',
      title: 'Roll one back yourself',
      body: [
        'In the **Produce** tab create a producer with acks “all, in transactions”. Under **Transactions** press Begin, send a record or two to `ledger`, then decide.',
      ],
      goal: 'Write records to ledger in a transaction and abort it: ru reads them, rc never does.',
      tools: ['produce', 'inspect'],
      check: (view) => checkAbort(view),
      status: (s) => {
        const mine = s.producers.filter(
          (p) => p.transactionalId && !['bank', 'refunds', 'settler'].includes(p.id),
        );
        const txns = mine.map((p) => `${p.id}: ${p.transactionState}`).join(' · ');
        return `${ledgerLine(s)} · ${readersLine(s)}${txns ? ` · ${txns}` : ''}.`;
      },
    },
  ],
};

/** The challenge: a transaction with ledger records, aborted on request, read by ru and not rc. */
export function checkAbort({ stepEvents }: FactView) {
  const touchesLedger = (e: { partitions: { topic: string }[] }) =>
    e.partitions.some((p) => p.topic === TOPIC);
  const aborted = eventsOf(stepEvents, 'transaction.aborted')
    // Aborted by the learner, or by the coordinator if they left it open past its timeout.
    .filter((e) => e.reason !== 'fenced' && e.transactionalId !== 'refunds' && touchesLedger(e))
    .at(-1);
  // The records of the aborted transaction, by position (a value may repeat one that was committed
  // before): what its producer id appended to ledger after its last begin and before the abort.
  const writtenIn = (producer: string, producerId: number, beforeSeq: number) => {
    const begun =
      eventsOf(stepEvents, 'producer.transactionBegun')
        .filter((e) => e.producer === producer && e.seq < beforeSeq)
        .at(-1)?.seq ?? 0;
    return eventsOf(stepEvents, 'partition.appended').filter(
      (e) => e.seq > begun && e.seq < beforeSeq && e.topic === TOPIC && e.producerId === producerId,
    );
  };
  const readOf = (reader: Reader, ranges: readonly EventOf<'partition.appended'>[]) =>
    eventsOf(stepEvents, 'consumer.received')
      .filter((e) => e.consumer === reader)
      .flatMap((e) => e.records)
      .filter((r) =>
        ranges.some(
          (a) =>
            a.partition === r.partition &&
            r.topic === TOPIC &&
            r.offset >= a.baseOffset &&
            r.offset <= a.lastOffset,
        ),
      )
      .map((r) => r.value ?? '');
  if (aborted) {
    const producer = eventsOf(stepEvents, 'producer.transactionAborted').find(
      (e) => e.transactionalId === aborted.transactionalId,
    )?.producer;
    const ranges = producer ? writtenIn(producer, aborted.producerId, aborted.seq) : [];
    const ru = readOf('ru', ranges);
    const rc = readOf('rc', ranges);
    if (rc.length === 0 && ru.length === 0 && ranges.length > 0)
      return {
        ok: false as const,
        hint: `Transaction ${aborted.transactionalId} is aborted; ru has not read its records yet. Press Check again in a moment.`,
      };
    if (rc.length === 0)
      return {
        ok: true as const,
        message:
          `Transaction ${aborted.transactionalId} aborted: ABORT markers on ${list(aborted.partitions.filter((p) => p.topic === TOPIC).map((p) => `${p.topic}-${p.partition}`))}. ` +
          `ru read ${list(ru.map((v) => `“${v}”`))}; rc read none of them: they stay in the log, marked aborted.`,
      };
  }
  const committed = eventsOf(stepEvents, 'transaction.committed').find(touchesLedger);
  if (committed)
    return {
      ok: false as const,
      hint: `Transaction ${committed.transactionalId} was committed, so rc reads its records too. Begin another transaction, send to ledger, and press Abort instead of Commit.`,
    };
  const open = eventsOf(stepEvents, 'producer.transactionBegun').at(-1);
  if (open)
    return {
      ok: false as const,
      hint: `${open.producer} has begun a transaction. Send a record to ledger with it, then press Abort.`,
    };
  return {
    ok: false as const,
    hint: 'Create a producer in the Produce tab with acks “all, in transactions”, then press Begin under Transactions.',
  };
}
