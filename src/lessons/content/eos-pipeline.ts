/**
 * Lesson 14's read-process-write steps (issue 15: exactly-once end to end). The lesson plays the
 * application, as Kafka's recipe has it: a read_committed consumer `proc` (group `settler`) reads
 * transfers; per batch the transactional producer `settler` begins, writes one result per transfer
 * to `ledger`, adds the consumer's next offsets to the transaction (sendOffsetsToTransaction:
 * AddOffsetsToTxn + TxnOffsetCommit) and commits. The first attempt crashes before its commit; the
 * restarted instance's initTransactions aborts it, and the consumer, finding no committed offset,
 * reads the same transfers again. Every reveal counts from the engine's events and snapshot.
 */
import type { ClusterSnapshot, Command, EngineEvent } from '../../engine';
import type { FactView, PredictStep, WaitStep } from '../lesson-types';
import { eventsOf, leaderReplica, list, partitionOf, plural, sendsIn as sendsInOf } from '../facts';

const INPUT = 'transfers';
const OUTPUT = 'ledger';
const GROUP = 'settler';
const INPUTS = ['x1: carol → dave 30', 'x2: erin → frank 70'];
const tagOf = (value: string) => value.slice(0, value.indexOf(':'));

const settlerOf = (s: ClusterSnapshot) => s.producers.find((p) => p.id === 'settler');
const committedOffset = (s: ClusterSnapshot) =>
  s.groups.find((g) => g.groupId === GROUP)?.offsets.find((o) => o.topic === INPUT && o.partition === 0)
    ?.offset;

/** Events after the last restart of `node` (all of them if it never restarted). */
function sinceRestart(events: readonly EngineEvent[], node: string): readonly EngineEvent[] {
  let at = -1;
  events.forEach((e, i) => {
    if ((e.type === 'consumer.restarted' || e.type === 'producer.restarted') && e.node === node) at = i;
  });
  return events.slice(at + 1);
}
const restarted = (events: readonly EngineEvent[], node: string) =>
  events.some((e) => (e.type === 'consumer.restarted' || e.type === 'producer.restarted') && e.node === node);

/** The transfers `proc` has read in `events`: offset and value. */
function inputsRead(events: readonly EngineEvent[]) {
  return eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === 'proc')
    .flatMap((e) => e.records.filter((r) => r.topic === INPUT));
}

/** One attempt of the application: process what proc read, results and offsets in one transaction. */
function processBatch(view: FactView, commit: boolean): Command[] {
  const read = inputsRead(sinceRestart(view.stepEvents, 'consumer:proc'));
  if (read.length === 0) return [];
  const next = Math.max(...read.map((r) => r.offset)) + 1;
  return [
    { type: 'producer.beginTransaction', producer: 'settler' },
    ...read.map((r, i): Command => ({
      type: 'producer.send',
      producer: 'settler',
      topic: OUTPUT,
      key: null,
      value: `${tagOf(r.value ?? '')}: settled`,
      partition: i % 2,
    })),
    {
      type: 'producer.sendOffsetsToTransaction',
      producer: 'settler',
      groupId: GROUP,
      offsets: [{ topic: INPUT, partition: 0, offset: next }],
    },
    ...(commit ? [{ type: 'producer.commitTransaction', producer: 'settler' } as Command] : []),
  ];
}

export const pipelineStep: WaitStep = {
  id: 'pipeline',
  kind: 'wait',
  title: 'Read, process, write: exactly once end to end',
  body: [
    'Most applications do not only write: they **read** an input, **process** it and **write** a result. A `settler` service reads transfer requests from `transfers` and writes one result per transfer to `ledger`.',
    'If it wrote its results and then committed its consumer offset separately, a crash between the two would make it process a transfer twice. Kafka’s answer: put the consumer’s offsets **inside the same transaction** as the results (`sendOffsetsToTransaction`: AddOffsetsToTxn, then TxnOffsetCommit to the group coordinator). Results and offsets commit together, or are aborted together.',
    'The lesson creates the topic `transfers` and the transactional producer `settler` (transactional.id=settler).',
  ],
  onEnter: (): Command[] => [
    {
      type: 'topic.create',
      topic: INPUT,
      partitions: 1,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 2 },
    },
    {
      type: 'producer.create',
      producer: 'settler',
      config: { 'transactional.id': 'settler', 'transaction.timeout.ms': 60_000 },
    },
  ],
  fact: {
    waitingFor: 'Waiting for transfers to have a leader and settler to finish initTransactions…',
    state: ({ snapshot }) =>
      (partitionOf(snapshot, INPUT, 0)?.leader ?? -1) >= 0 &&
      settlerOf(snapshot)?.transactionState === 'READY',
  },
  // What initTransactions gave settler: the epoch a restarted settler will bump, fencing this one.
  outcome: ({ snapshot }) => {
    const t = settlerOf(snapshot);
    return `settler finished initTransactions: the transaction coordinator gave transactional.id settler **producer id ${t?.producerId ?? '–'}, epoch ${t?.producerEpoch ?? '–'}**. An instance started later with the same transactional.id gets a higher epoch, and the coordinator fences this one. transfers-0 is led by broker-${partitionOf(snapshot, INPUT, 0)?.leader ?? '–'}.`;
  },
  status: (s) => {
    const t = settlerOf(s);
    return `transfers-0 leader ${partitionOf(s, INPUT, 0)?.leader ?? '–'} · settler: ${t?.transactionState ?? '–'}.`;
  },
};

/** Both transfers read by proc since its last restart (the attempt's input). */
const readBoth = (view: FactView, afterRestart: boolean) =>
  (!afterRestart || restarted(view.stepEvents, 'consumer:proc')) &&
  inputsRead(afterRestart ? sinceRestart(view.stepEvents, 'consumer:proc') : view.stepEvents).length >=
    INPUTS.length;

/**
 * The first attempt's results are acknowledged and its offsets are in the log: the transaction
 * holds group settler's __consumer_offsets partition (AddOffsetsToTxn) and that partition's high
 * watermark moved since the transaction began (the TxnOffsetCommit's record; nothing else writes
 * there during this step).
 */
function firstAttemptWritten({ stepEvents, snapshot }: FactView): boolean {
  const acked = sendsInOf(stepEvents).filter((r) => r.producer === 'settler' && r.offset !== undefined);
  const txn = snapshot.transactions?.find((t) => t.transactionalId === 'settler');
  const offsets = txn?.partitions.find((p) => p.topic === '__consumer_offsets');
  const begun = eventsOf(stepEvents, 'producer.transactionBegun').find((e) => e.producer === 'settler');
  return (
    acked.length >= INPUTS.length &&
    !!offsets &&
    !!begun &&
    eventsOf(stepEvents, 'partition.highWatermarkMoved').some(
      (e) => e.seq > begun.seq && e.topic === offsets.topic && e.partition === offsets.partition,
    )
  );
}

/** Each result value, and how many times `reader` got it. */
function resultsRead(events: readonly EngineEvent[], reader: 'rc' | 'ru'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of eventsOf(events, 'consumer.received'))
    if (e.consumer === reader)
      for (const r of e.records)
        if (r.topic === OUTPUT && r.value?.endsWith(': settled'))
          counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
  return counts;
}
const countsText = (counts: Map<string, number>) =>
  counts.size === 0
    ? 'nothing'
    : list(
        [...counts].sort().map(([v, n]) => `“${v}” ${n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`}`),
      );

export const eosStep: PredictStep = {
  id: 'predict-eos',
  kind: 'predict',
  moments: ['commit'],
  title: 'A crash between processing and commit',
  body: [
    'Two transfers arrive. `proc` (group settler, read_committed) reads them; settler begins a transaction, writes “x1: settled” and “x2: settled” to ledger and adds proc’s next offset to the transaction — and then the process **crashes before it commits**. A supervisor restarts it at once: initTransactions, then proc reads from the group’s committed offset.',
  ],
  question: 'How many times does rc (read_committed) see each transfer’s result?',
  choices: [
    { id: 'twice', label: 'Twice: once from the crashed attempt, once from the retry' },
    { id: 'once', label: 'Once: the crashed attempt is aborted, and its transfers are processed again once' },
    { id: 'never', label: 'Never: the crashed attempt consumed the transfers' },
  ],
  run: () => [
    {
      type: 'consumer.create',
      consumer: 'proc',
      groupId: GROUP,
      config: {
        'isolation.level': 'read_committed',
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': false,
      },
    },
    { type: 'consumer.assign', consumer: 'proc', partitions: [{ topic: INPUT, partition: 0 }] },
    ...INPUTS.map((value): Command => ({
      type: 'producer.send',
      producer: 'pay',
      topic: INPUT,
      key: null,
      value,
    })),
  ],
  then: [
    // Attempt 1: process, put the offsets in the transaction, no commit yet…
    { when: (view) => readBoth(view, false), commands: (_, view) => processBatch(view, false) },
    // …and crash with both written; the supervisor restarts the producer at once.
    {
      when: firstAttemptWritten,
      commands: () => [
        { type: 'node.crash', node: 'producer:settler' },
        { type: 'node.crash', node: 'consumer:proc' },
        { type: 'node.restart', node: 'producer:settler' },
      ],
    },
    // initTransactions done (the old transaction is aborted): then the consumer polls again.
    {
      when: ({ stepEvents }) =>
        eventsOf(stepEvents, 'producer.transactionsInitialized').some((e) => e.producer === 'settler'),
      commands: () => [{ type: 'node.restart', node: 'consumer:proc' }],
    },
    // Attempt 2: the same transfers again, this time committed with their offsets.
    { when: (view) => readBoth(view, true), commands: (_, view) => processBatch(view, true) },
  ],
  until: {
    waitingFor: 'Waiting for the crash, the abort, the retry and its commit…',
    state: ({ stepEvents, snapshot }) =>
      eventsOf(stepEvents, 'transaction.committed').some((e) => e.transactionalId === 'settler') &&
      committedOffset(snapshot) === INPUTS.length &&
      [...resultsRead(stepEvents, 'rc').keys()].length >= INPUTS.length &&
      [0, 1].every((p) => {
        const r = leaderReplica(snapshot, OUTPUT, p);
        return !!r && (r.lastStableOffset ?? r.highWatermark) === r.highWatermark;
      }),
  },
  reveal: ({ stepEvents, snapshot }) => {
    const aborted = eventsOf(stepEvents, 'transaction.aborted').find((e) => e.transactionalId === 'settler');
    const committed = eventsOf(stepEvents, 'transaction.committed').find(
      (e) => e.transactionalId === 'settler',
    );
    const inTxn = (e: { partitions: { topic: string; partition: number }[] } | undefined) =>
      list((e?.partitions ?? []).map((p) => `${p.topic}-${p.partition}`));
    const again = inputsRead(sinceRestart(stepEvents, 'consumer:proc'));
    const rc = resultsRead(stepEvents, 'rc');
    const ru = resultsRead(stepEvents, 'ru');
    const once = [...rc.values()].every((n) => n === 1) && rc.size === INPUTS.length;
    return {
      text: [
        aborted
          ? `The crashed attempt’s transaction (${inTxn(aborted)}) was **aborted** (reason: ${aborted.reason}${aborted.reason === 'fenced' ? ': the restarted settler’s initTransactions bumped the epoch and the coordinator rolled the old one back' : ''}): its results and its offset commit were thrown away together.`
          : 'The crashed attempt was not aborted yet.',
        `Group settler had no committed offset, so the restarted proc read ${plural(again.length, 'transfer')} again, offsets ${list(again.map((r) => r.offset))}: each processed once more, not twice more.`,
        committed
          ? `The retry committed ${inTxn(committed)} in one transaction: the results and group settler’s offset ${committedOffset(snapshot) ?? '–'} together.`
          : '',
        `rc (read_committed) saw ${countsText(rc)}${once ? ': each transfer’s effect exactly once' : ''}. ru (read_uncommitted) saw ${countsText(ru)}: the aborted attempt’s records are still in the log, marked aborted.`,
      ]
        .filter(Boolean)
        .join('\n'),
      correct: once ? 'once' : [...rc.values()].some((n) => n > 1) ? 'twice' : 'never',
    };
  },
  status: (s) =>
    `settler: ${settlerOf(s)?.transactionState ?? '–'} · group settler committed offset ${committedOffset(s) ?? 'none'} · ` +
    `rc got ${s.consumers.find((c) => c.id === 'rc')?.received ?? 0}, ru got ${s.consumers.find((c) => c.id === 'ru')?.received ?? 0}.`,
};
