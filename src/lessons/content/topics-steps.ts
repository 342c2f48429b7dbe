/**
 * Two steps of lesson 5 (issue 15's teaching gaps): a topic as a table of events of one type
 * (`account-created` holds AccountCreated events, a MoneyDeposited goes to its own topic), and the
 * append-only log tried and refused (Kafka has no update request; DeleteRecords removes everything
 * before an offset, never one record in the middle). Every outcome and check reads the engine's
 * events and snapshot.
 */
import type { ClusterSnapshot, Command, EngineEvent } from '../../engine';
import type { ChallengeStep, FactView, WaitStep } from '../lesson-types';
import { eventsOf, leaderReplica, list, plural, sendsIn } from '../facts';

// ----- a topic is a table of events of one type -----

interface Fields {
  [field: string]: string;
}
/** An event as the services in this story write it: its type in a header, its fields as JSON. */
const event = (topic: string, type: string, key: string, fields: Fields): Command => ({
  type: 'producer.send',
  producer: 'p1',
  topic,
  key,
  value: JSON.stringify(fields),
  headers: { 'event-type': type },
});

const ACCOUNTS: readonly Fields[] = [
  { accountId: 'acc-1', owner: 'Ada', currency: 'EUR' },
  { accountId: 'acc-2', owner: 'Grace', currency: 'GBP' },
  { accountId: 'acc-3', owner: 'Alan', currency: 'EUR' },
];

const created = (topic: string): Command => ({
  type: 'topic.create',
  topic,
  partitions: 1,
  replicationFactor: 1,
});

const recordsIn = (s: ClusterSnapshot, topic: string) => leaderReplica(s, topic, 0)?.logEndOffset ?? 0;

/** The rows of `topic` as the acknowledged sends of this step wrote them: offset, key, fields. */
function table(events: readonly EngineEvent[], topic: string): string[] {
  // The event type travels in a header; sendsIn pairs values with their offsets.
  const typeOf = new Map<string, string>();
  for (const e of eventsOf(events, 'command.accepted'))
    if (e.command.type === 'producer.send' && e.command.topic === topic)
      typeOf.set(e.command.value, e.command.headers?.['event-type'] ?? '–');
  return sendsIn(events)
    .filter((r) => r.topic === topic && r.offset !== undefined)
    .sort((a, b) => a.offset! - b.offset!)
    .map((r) => {
      const fields = Object.entries(JSON.parse(r.value) as Fields)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      return `offset ${r.offset} · ${typeOf.get(r.value)} · ${fields}`;
    });
}

export const topicAsTable: WaitStep = {
  id: 'table',
  kind: 'wait',
  moments: ['ack'],
  title: 'A topic is a table of one kind of event',
  body: [
    'Name a topic after **one type of event**. Think of it as a table: every row is an event of that type, with the same fields. `account-created` holds AccountCreated events, each with an `accountId`, an `owner` and a `currency`, keyed by the account.',
    'A deposit is a different fact with different fields (an amount, no owner): it goes to its own topic, `money-deposited`. A service that welcomes new customers reads `account-created` and never has to skip deposits it does not understand, and each topic gets the retention, partitions and readers its own events need.',
    'The lesson has created both topics. Write three accounts, then a deposit, and compare the two logs.',
  ],
  onEnter: () => [created('account-created'), created('money-deposited')],
  actions: [
    {
      id: 'accounts',
      label: 'Write 3 AccountCreated events',
      commands: () => [...ACCOUNTS.map((a) => event('account-created', 'AccountCreated', a.accountId!, a))],
    },
    {
      id: 'deposit',
      label: 'Write a MoneyDeposited event',
      commands: () => [
        event('money-deposited', 'MoneyDeposited', 'acc-1', { accountId: 'acc-1', amount: '100.00' }),
      ],
    },
  ],
  fact: {
    waitingFor: 'Waiting for the three accounts and the deposit to be appended…',
    // Acknowledged (the rows the outcome lists), and in the snapshot too.
    state: ({ snapshot, stepEvents, history }) => {
      const events = stepEvents.length ? stepEvents : history;
      return (
        table(events, 'account-created').length >= ACCOUNTS.length &&
        table(events, 'money-deposited').length >= 1 &&
        recordsIn(snapshot, 'account-created') >= ACCOUNTS.length &&
        recordsIn(snapshot, 'money-deposited') >= 1
      );
    },
  },
  outcome: ({ stepEvents, history }) => {
    const events = stepEvents.length ? stepEvents : history;
    const accounts = table(events, 'account-created');
    const deposits = table(events, 'money-deposited');
    return [
      `**account-created** (${plural(accounts.length, 'row')}, all AccountCreated):`,
      ...accounts,
      `**money-deposited** (${plural(deposits.length, 'row')}, all MoneyDeposited):`,
      ...deposits,
      'Each topic has its own offsets from 0: two tables, each with one shape of row.',
    ].join('\n');
  },
  status: (s) =>
    `account-created holds ${recordsIn(s, 'account-created')} · money-deposited holds ${recordsIn(s, 'money-deposited')}.`,
};

// ----- append-only, tried and refused -----

const ORDERS = 'orders';
const deleteBefore = (offset: number) => (): Command[] => [
  { type: 'records.delete', topic: ORDERS, partition: 0, offset },
];
const ordersStart = (s: ClusterSnapshot) => leaderReplica(s, ORDERS, 0)?.logStartOffset ?? 0;
const ordersEnd = (s: ClusterSnapshot) => leaderReplica(s, ORDERS, 0)?.logEndOffset ?? 0;

export const appendOnlyRefused: ChallengeStep = {
  id: 'change-the-past',
  kind: 'challenge',
  title: 'Try to change the past',
  body: [
    'order-2, at offset 1, has a mistake. In a database you would UPDATE that row, or DELETE it. Kafka’s protocol has **no request to update a record**, and none to delete one record from the middle of a log: a producer can only append.',
    'The one deletion a client can ask for is **DeleteRecords**: the partition leader moves the log’s **log start offset** and every record **before** it is gone (retention and compaction are the broker’s own deletions). Try it with the buttons — each asks the leader of orders-0 for real.',
  ],
  actions: [
    { id: 'delete-1', label: 'DeleteRecords: orders-0 before offset 1', commands: deleteBefore(1) },
    { id: 'delete-9', label: 'DeleteRecords: orders-0 before offset 9', commands: deleteBefore(9) },
    { id: 'delete-2', label: 'DeleteRecords: orders-0 before offset 2', commands: deleteBefore(2) },
    {
      id: 'correct',
      label: 'Append a correction: order-2 (fixed)',
      commands: () => [
        { type: 'producer.send', producer: 'p1', topic: ORDERS, key: null, value: 'order-2 (fixed)' },
      ],
    },
  ],
  goal: 'Make order-2 (offset 1) unreadable, without changing the offset of any record after it.',
  check: (view) => checkChangeThePast(view),
  status: (s) => `orders-0: log start offset ${ordersStart(s)} · log end offset ${ordersEnd(s)}.`,
};

/** Where the lesson's own orders were appended (from their acknowledgements), by value. */
function offsetsOfOrders(events: readonly EngineEvent[]): Map<string, number> {
  const at = new Map<string, number>();
  for (const r of sendsIn(events))
    if (r.topic === ORDERS && r.offset !== undefined && !at.has(r.value)) at.set(r.value, r.offset);
  return at;
}

export function checkChangeThePast({ snapshot, stepEvents, history }: FactView) {
  const answers = eventsOf(stepEvents, 'records.deleted').filter((e) => e.topic === ORDERS);
  const refused = answers.filter((e) => e.error !== null).at(-1);
  const start = ordersStart(snapshot);
  const at = offsetsOfOrders(history);
  // The step's story: order-2 is the mistake; order-1 comes before it, order-3 after it.
  const [one, two, three] = [at.get('order-1') ?? 0, at.get('order-2') ?? 1, at.get('order-3') ?? 2];
  const fix = sendsIn(stepEvents).find((r) => r.topic === ORDERS && r.offset !== undefined);
  const fixLine = fix
    ? ` Your correction is a new record at offset ${fix.offset}: the log keeps what happened and, after it, what was corrected.`
    : '';
  if (start > two) {
    const moved = answers.find((e) => e.error === null && e.logStartOffset > two);
    const after =
      start <= three
        ? `order-3 is still at offset ${three}: nothing after the log start moved.`
        : `order-3 (offset ${three}) went too: everything before offset ${start} is gone.`;
    return {
      ok: true as const,
      message:
        `The leader moved the log start offset of orders-0 from ${moved?.logStartOffsetBefore ?? 0} to ${start}: offsets ${list(Array.from({ length: start }, (_, i) => i))} can no longer be read, order-1 included — Kafka cannot take one record out of the middle. ` +
        `${after}${fixLine}`,
    };
  }
  const refusal = refused
    ? `The leader answered ${refused.error}: “${refused.message}”. DeleteRecords can only move the log start up to the high watermark (${refused.highWatermark}). `
    : '';
  if (start > one)
    return {
      ok: false as const,
      hint: `${refusal}The log of orders-0 now starts at offset ${start}: order-1 (offset ${one}) is gone, but order-2 is still there at offset ${two}. DeleteRecords deletes everything before the offset you give.`,
    };
  return {
    ok: false as const,
    hint: `${refusal}order-2 is still readable at offset ${two}${fix ? ` (your correction at offset ${fix.offset} is appended after it, the original stays)` : ''}. Which DeleteRecords offset removes it?`,
  };
}
