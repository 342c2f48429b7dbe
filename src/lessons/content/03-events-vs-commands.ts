/**
 * Lesson 3 — Events vs commands: `InitiateTransaction` is a command (a request, sent to the one
 * service that must act on it, through a queue); the account service decides it and records what
 * happened as events (`AccountBalanceChanged`, `TransactionCompleted`, `TransactionFailed`) in a
 * Kafka topic, where any number of readers can follow them.
 */
import type { ClusterSnapshot, Command } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list, plural, setupTopicsExist } from '../facts';
import { queueLine, queueOf, serviceOf, transfer } from './queue-helpers';

const QUEUE = 'transactions';
const TOPIC = 'account-events';
const SERVICE = 'service:accounts';

const setup: Command[] = [
  { type: 'topic.create', topic: TOPIC, partitions: 1, replicationFactor: 1 },
  { type: 'queue.create', queue: QUEUE, visibilityTimeoutMs: 3000 },
  { type: 'sender.create', sender: 'bank-app' },
];

const send = (transactionId: string, from: string, to: string, amount: number): Command => ({
  type: 'queue.send',
  sender: 'bank-app',
  queue: QUEUE,
  body: transfer(transactionId, from, to, amount),
});

function balancesLine(s: ClusterSnapshot): string {
  const b = serviceOf(s, SERVICE)?.balances;
  if (!b) return 'The account service is starting.';
  return `Balances: ${Object.entries(b)
    .map(([account, amount]) => `${account} ${amount}`)
    .join(', ')}. ${TOPIC} holds ${plural(leaderReplica(s, TOPIC, 0)?.highWatermark ?? 0, 'event')}.`;
}

export const eventsVsCommandsLesson: Lesson = {
  id: '03-events-vs-commands',
  number: 3,
  title: 'Events vs commands',
  summary:
    'A command asks for something and may be refused; events record what happened, for anyone to read.',
  seed: 3,
  options: { brokers: 1, controllers: 1, network: { latencyMsMin: 40, latencyMsMax: 70 } },
  setup,
  setupDone: (s) => setupTopicsExist(setup)(s) && queueOf(s, QUEUE) !== undefined,
  speed: 0.5,
  tools: ['inspect'],
  steps: [
    {
      id: 'command',
      kind: 'narrative',
      title: 'A command asks',
      body: [
        'A banking app wants Alice to pay Bob. It sends the **command** `InitiateTransaction` — an imperative: “please move 30 from alice to bob”. A command can be refused.',
        'Commands go to the **one** service responsible for them, here `accounts`, through the queue `transactions`: exactly one handler must act on each.',
        '`accounts` keeps the balances (alice 100, bob 20). For each command it decides, then publishes what happened as **events** to the Kafka topic `account-events`, with real Produce requests.',
      ],
      onEnter: () => [
        {
          type: 'accountService.create',
          service: 'accounts',
          queue: QUEUE,
          topic: TOPIC,
          balances: { alice: 100, bob: 20 },
          processingMs: 200,
        },
      ],
      status: balancesLine,
    },
    {
      id: 'predict-transfer',
      kind: 'predict',
      title: 'Alice pays Bob 30',
      body: ['The app sends `InitiateTransaction {transactionId: t1, from: alice, to: bob, amount: 30}`.'],
      question: 'Which events will accounts publish?',
      choices: [
        { id: 'completed', label: 'AccountBalanceChanged for alice and for bob, then TransactionCompleted' },
        { id: 'command', label: 'The InitiateTransaction command itself, copied to the topic' },
        { id: 'failed', label: 'TransactionFailed' },
      ],
      run: () => [send('t1', 'alice', 'bob', 30)],
      until: {
        waitingFor: 'Waiting for accounts to process t1…',
        event: 'account.transactionProcessed',
        where: (e) => e.type === 'account.transactionProcessed' && e.transactionId === 't1',
        state: ({ history }) =>
          eventsOf(history, 'account.transactionProcessed').some((e) => e.transactionId === 't1'),
      },
      reveal: ({ history }) => {
        const e = eventsOf(history, 'account.transactionProcessed').find((x) => x.transactionId === 't1');
        if (!e) return { text: 't1 has not been processed yet.', correct: 'completed' };
        return {
          text: `accounts had enough in alice’s account, so it published ${list(e.events)} to ${e.topic} at offsets ${e.baseOffset}–${e.baseOffset + e.events.length - 1}, then acked the command. Balances now: alice ${e.balances.alice}, bob ${e.balances.bob}. Events are named in the past tense: they are facts, not requests.`,
          correct: 'completed',
        };
      },
      status: balancesLine,
    },
    {
      id: 'audit',
      kind: 'wait',
      title: 'Anyone can read the events',
      body: [
        'The command was consumed and deleted from the queue: it was a request to one service. The events stay in the log, where any service can follow them — an audit trail, a notification service, a fraud check — without the account service knowing about them.',
        'Start an `audit` consumer on the topic.',
      ],
      actions: [
        {
          id: 'audit',
          label: 'Start an audit consumer on account-events',
          commands: () => [
            {
              type: 'consumer.create',
              consumer: 'audit',
              groupId: 'audit',
              config: { 'auto.offset.reset': 'earliest' },
            },
            { type: 'consumer.subscribe', consumer: 'audit', topics: [TOPIC] },
          ],
        },
      ],
      fact: {
        waitingFor: 'Waiting for the audit consumer to read the three events…',
        state: ({ snapshot }) => (snapshot.consumers.find((c) => c.id === 'audit')?.received ?? 0) >= 3,
      },
      status: (s) =>
        `${queueLine(s, QUEUE)} audit has read ${s.consumers.find((c) => c.id === 'audit')?.received ?? 0} events.`,
    },
    {
      id: 'challenge-refuse',
      kind: 'challenge',
      title: 'A command can be refused',
      body: [
        'An event cannot be refused — it already happened. A command can. Make the account service refuse a transaction, so that it publishes `TransactionFailed`.',
        'Each button sends one `InitiateTransaction` command. Press Check once accounts has processed it.',
      ],
      goal: 'Get accounts to publish a TransactionFailed event.',
      tools: ['inspect'],
      actions: [
        { id: 'bob-alice-40', label: 'bob pays alice 40', commands: () => [send('t2', 'bob', 'alice', 40)] },
        {
          id: 'alice-bob-500',
          label: 'alice pays bob 500',
          commands: () => [send('t3', 'alice', 'bob', 500)],
        },
        { id: 'alice-bob-50', label: 'alice pays bob 50', commands: () => [send('t4', 'alice', 'bob', 50)] },
      ],
      check: ({ stepEvents, snapshot }) => {
        const processed = eventsOf(stepEvents, 'account.transactionProcessed');
        const failed = processed.find((e) => e.outcome === 'failed');
        if (failed)
          return {
            ok: true,
            message: `accounts refused ${failed.transactionId} (${failed.reason}) and published TransactionFailed. The balances did not change: ${Object.entries(
              failed.balances,
            )
              .map(([a, b]) => `${a} ${b}`)
              .join(', ')}. The command was a request; the event records the refusal.`,
          };
        const done = processed.at(-1);
        if (done)
          return {
            ok: false,
            hint: `${done.transactionId} could be paid, so accounts completed it (balances now ${Object.entries(
              done.balances,
            )
              .map(([a, b]) => `${a} ${b}`)
              .join(', ')}). Send a transfer the payer cannot afford.`,
          };
        const waiting = queueOf(snapshot, QUEUE);
        if (waiting && waiting.ready + waiting.inFlight > 0)
          return { ok: false, hint: 'accounts is still working on your command: check again in a moment.' };
        return { ok: false, hint: 'No command has been sent in this step yet: press one of the buttons.' };
      },
      status: balancesLine,
    },
    {
      id: 'summary',
      kind: 'narrative',
      title: 'Commands in, events out',
      body: [
        '**Commands** are imperatives addressed to one owner: `InitiateTransaction`. They may be refused, and once handled they are done — a queue suits them.',
        '**Events** are facts in the past tense: `AccountBalanceChanged`, `TransactionCompleted`, `TransactionFailed`. They are never refused, never changed, and many services read them — a log suits them.',
        'The rest of the course is about that log: Kafka’s brokers, topics, partitions and replicas.',
      ],
      status: balancesLine,
    },
  ],
};
