/**
 * Lesson 17 — Windows and stream time (Stream processing part): "count each user's purchases per
 * hour and alert above 10", with a grace period, suppress(untilWindowCloses), a record arriving
 * late but inside the grace, the window that stays silent because stream time only moves with new
 * records, and a record too late to count. Event times are given with each send (the purchase's
 * own time); everything said comes from the application's tasks in the snapshot, its
 * `streams.dropped` events and what a consumer of `alerts` read.
 */
import type { ClusterSnapshot, Command, TopologyStep } from '../../engine';
import type { Lesson } from '../lesson-types';
import { eventsOf, list, plural } from '../facts';
import { appOf, appRunning, clock, nodeCounts, receivedFrom, streamTimeOf, tasksLine } from './streams-facts';

const APP = 'purchase-alerts';
const IN = 'purchases';
const OUT = 'alerts';
const H = 3_600_000;
const M = 60_000;
const GRACE_MS = 10 * M;
/** The hour the story is about: [09:00, 10:00), closing at 10:10 of stream time. */
const HOUR_START = 9 * H;
const CLOSE_MS = HOUR_START + H + GRACE_MS;

export const WINDOWED_TOPOLOGY: TopologyStep[] = [
  { id: 'purchases', op: 'stream', topic: IN },
  { id: 'by-user', op: 'groupByKey', from: 'purchases' },
  {
    id: 'hourly',
    op: 'windowedBy',
    from: 'by-user',
    windows: { type: 'tumbling', sizeMs: H, graceMs: GRACE_MS },
  },
  { id: 'count', op: 'aggregate', from: 'hourly', kind: 'count', store: 'purchases-per-hour' },
  { id: 'final', op: 'suppress', from: 'count' },
  { id: 'results', op: 'toStream', from: 'final' },
  { id: 'many', op: 'filter', from: 'results', predicate: 'value > 10' },
  { id: 'alert', op: 'to', from: 'many', topic: OUT },
];

const buy = (user: string, atMs: number, what = 'item'): Command => ({
  type: 'producer.send',
  producer: 'shop',
  topic: IN,
  key: user,
  value: `${what} at ${clock(atMs)}`,
  timestamp: atMs,
});

const MORNING: Command[] = [
  ...Array.from({ length: 10 }, (_, i) => buy('ann', HOUR_START + (3 + i * 5) * M)),
  buy('bob', HOUR_START + 20 * M),
  buy('bob', HOUR_START + 40 * M),
];

const counted = (s: ClusterSnapshot) => nodeCounts(s, APP, 'AGGREGATE');

/** The suppress processor's own stream time (it keeps its own, as Kafka's does). */
const suppressTime = (s: ClusterSnapshot) => {
  let t = -1;
  for (const inst of appOf(s, APP)?.instances ?? [])
    for (const task of inst.tasks)
      for (const [name, st] of Object.entries(task.stats))
        if (name.includes('-SUPPRESS-')) t = Math.max(t, st.streamTimeMs);
  return t;
};

const timeLine = (s: ClusterSnapshot) => {
  const c = counted(s);
  return `stream time ${clock(streamTimeOf(s, APP))} · suppress’s stream time ${clock(suppressTime(s))} · count: ${c.processed} in, ${c.dropped} dropped · ${tasksLine(s, APP)}`;
};

const alertsRead = (events: Parameters<typeof receivedFrom>[0]) =>
  receivedFrom(events, 'watch', OUT).map((r) => `⟨${r.key}, ${r.value}⟩`);

export const windowsLesson: Lesson = {
  id: '17-windows-and-time',
  number: 17,
  title: 'Windows and stream time',
  summary:
    'Count each user’s purchases per hour and alert above 10: grace, a late record, and why a window stays silent.',
  seed: 17,
  options: { brokers: 3, brokerConfig: { 'offsets.topic.num.partitions': 3 } },
  setup: [
    { type: 'topic.create', topic: IN, partitions: 1, replicationFactor: 3 },
    { type: 'topic.create', topic: OUT, partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'shop', config: { acks: 'all' } },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'app',
      kind: 'wait',
      title: 'Count per user, per hour',
      body: [
        'The shop wants an alert when a user buys more than 10 times in an hour. In Kafka Streams: `groupByKey()` (the key is the user), `windowedBy(TimeWindows.ofSizeAndGrace(1 h, 10 min))`, `count()`, `suppress(untilWindowCloses)`, then keep counts above 10 and write them to `alerts`.',
        'Windows are in **event time**: each purchase carries the time it was made (its record timestamp), and the hour it belongs to is `[09:00, 10:00)`, aligned to the epoch. The count lives in a **state store**, `purchases-per-hour`, backed by a changelog topic.',
        'The record cache is off here (`statestore.cache.max.bytes=0`) and `commit.interval.ms=1000`, so every update reaches the next processor at once.',
      ],
      onEnter: (): Command[] => [
        {
          type: 'streams.create',
          app: APP,
          topology: { steps: WINDOWED_TOPOLOGY },
          config: { 'statestore.cache.max.bytes': 0, 'commit.interval.ms': 1000 },
        },
        { type: 'streams.start', app: APP, instance: 'a' },
        { type: 'consumer.create', consumer: 'watch', config: { 'auto.offset.reset': 'earliest' } },
        { type: 'consumer.assign', consumer: 'watch', partitions: [{ topic: OUT, partition: 0 }] },
      ],
      fact: {
        waitingFor: 'Waiting for instance a to run its task…',
        state: ({ snapshot }) => appRunning(snapshot, APP, 1),
      },
      outcome: ({ snapshot }) =>
        `${tasksLine(snapshot, APP)}. Internal topics: ${list(appOf(snapshot, APP)!.internalTopics.map((t) => t.name))}.`,
      status: timeLine,
    },
    {
      id: 'morning',
      kind: 'wait',
      title: 'A busy morning',
      body: [
        'ann buys 10 times between 09:03 and 09:48; bob twice. Watch the task’s **stream time**: the largest timestamp it has seen, never the clock on the wall.',
      ],
      actions: [{ id: 'morning', label: 'Send the morning’s 12 purchases', commands: () => MORNING }],
      fact: {
        waitingFor: 'Waiting for the 12 purchases to be counted…',
        state: ({ snapshot }) => counted(snapshot).processed >= 12,
      },
      outcome: ({ snapshot }) =>
        `The count processor took ${counted(snapshot).processed} purchases; the task’s stream time is ${clock(streamTimeOf(snapshot, APP))}, the last purchase’s time. ann has 10 in [09:00, 10:00): not above 10 yet.`,
      status: timeLine,
    },
    {
      id: 'predict-grace',
      kind: 'predict',
      title: 'Late, but within the grace',
      body: [
        'bob buys at 10:05. Then a purchase ann made at 09:58 arrives: her phone was offline for a while. Stream time is already 10:05, past the end of the 09:00 hour.',
        'The window was defined with a **grace** of 10 minutes: a record may still update it while `windowEnd > streamTime − grace`.',
      ],
      question: 'Is ann’s 09:58 purchase counted in her 09:00 hour?',
      choices: [
        { id: 'yes', label: 'Yes: 10:00 > 10:05 − 10 min, the window still takes it' },
        { id: 'no', label: 'No: the hour was over when it arrived' },
        { id: 'new', label: 'It starts a new window of its own' },
      ],
      run: () => [buy('bob', HOUR_START + H + 5 * M), buy('ann', HOUR_START + 58 * M, 'late item')],
      until: {
        waitingFor: 'Waiting for both purchases to be processed…',
        state: ({ snapshot }) => {
          const c = counted(snapshot);
          return c.processed >= 14;
        },
      },
      reveal: ({ snapshot, stepEvents }) => {
        const drops = eventsOf(stepEvents, 'streams.dropped');
        return {
          text: [
            drops.length === 0
              ? `Counted. Stream time was ${clock(streamTimeOf(snapshot, APP))}; the window [09:00, 10:00) closes at 10:10 (end + grace), so ann’s hour now holds 11 purchases.`
              : `Dropped: ${drops[0]!.message}`,
            'A record that arrives after newer ones is **out of order**; grace says how long a window waits for such stragglers.',
          ].join('\n'),
          correct: drops.length === 0 ? 'yes' : 'no',
        };
      },
      status: timeLine,
    },
    {
      id: 'predict-silent',
      kind: 'predict',
      title: 'Why is my window silent?',
      body: ['ann has 11 purchases in her 09:00 hour: above 10. The application commits every second.'],
      question: 'Is there an alert for ann in `alerts` after the next commit?',
      choices: [
        { id: 'yes', label: 'Yes: the count is above 10' },
        { id: 'suppressed', label: 'No: suppress holds it until the window closes' },
        { id: 'wall', label: 'Yes, as soon as it is 10:10 on the wall clock' },
      ],
      until: {
        waitingFor: 'Waiting for the next commit…',
        state: ({ history }) => {
          const processed = eventsOf(history, 'streams.processed').at(-1);
          const committed = eventsOf(history, 'streams.committed').at(-1);
          return !!processed && !!committed && committed.seq > processed.seq;
        },
      },
      reveal: ({ snapshot, history }) => {
        const alerts = alertsRead(history);
        return {
          text: [
            `The application committed; alerts holds ${plural(alerts.length, 'record')}${alerts.length ? `: ${list(alerts)}` : ''}.`,
            `**suppress(untilWindowCloses)** emits a window’s final result only when its own stream time reaches window end + grace: 10:10. It is ${clock(suppressTime(snapshot))}. Stream time moves only when a **new record** arrives; however long you wait, with no new purchases it stays at ${clock(streamTimeOf(snapshot, APP))} and the window stays open.`,
            'This is the most asked question about Kafka Streams windows. Kafka has no wall-clock way to close them (a proposal to add one was closed as needing a KIP).',
          ].join('\n'),
          correct: alerts.length === 0 ? 'suppressed' : 'yes',
        };
      },
      status: timeLine,
    },
    {
      id: 'challenge-close',
      kind: 'challenge',
      title: 'Close the window',
      body: [
        'Make ann’s alert come out, without sending anything for ann. Each button sends one purchase by bob, made at that time.',
      ],
      actions: [
        { id: 'bob-1008', label: 'bob buys at 10:08', commands: () => [buy('bob', HOUR_START + H + 8 * M)] },
        { id: 'bob-1015', label: 'bob buys at 10:15', commands: () => [buy('bob', HOUR_START + H + 15 * M)] },
      ],
      goal: 'Get ann’s alert into `alerts`.',
      check: ({ snapshot, history, stepEvents }) => {
        const ann = receivedFrom(history, 'watch', OUT).filter((r) => r.key?.startsWith('[ann@'));
        if (ann.length > 0)
          return {
            ok: true,
            message: `Stream time reached ${clock(streamTimeOf(snapshot, APP))}, past 10:10: suppress let go of ann’s final count and the filter passed it to alerts: ⟨${ann[0]!.key}, ${ann[0]!.value}⟩ (the key is the window’s: user, start and end in epoch ms).`,
          };
        const sent = eventsOf(stepEvents, 'command.accepted').filter(
          (e) => e.command.type === 'producer.send',
        );
        const st = streamTimeOf(snapshot, APP);
        if (sent.length > counted(snapshot).processed - 14)
          return {
            ok: false,
            hint: 'A purchase is on its way to the application: press Check again in a moment.',
          };
        if (st >= CLOSE_MS)
          return { ok: false, hint: 'The window has closed; the alert is being written. Check again.' };
        return {
          ok: false,
          hint: `Stream time is ${clock(st)} and suppress’s is ${clock(suppressTime(snapshot))}: the window [09:00, 10:00) closes at 10:10 (end + grace). Only a record with a newer timestamp moves it.`,
        };
      },
      status: timeLine,
    },
    {
      id: 'predict-late',
      kind: 'predict',
      title: 'Too late',
      body: ['Another purchase ann made at 09:59 arrives now. Her hour has been closed and its alert sent.'],
      question: 'What happens to it?',
      choices: [
        { id: 'dropped', label: 'Dropped: its window closed, it is too late' },
        { id: 'counted', label: 'Counted, and a corrected alert follows' },
        { id: 'next', label: 'Counted in the 10:00 hour instead' },
      ],
      run: () => [buy('ann', HOUR_START + 59 * M, 'very late item')],
      until: {
        waitingFor: 'Waiting for the purchase to be processed…',
        event: 'streams.dropped',
        state: ({ stepEvents, snapshot, entry }) =>
          eventsOf(stepEvents, 'streams.dropped').length > 0 ||
          (!!entry && counted(snapshot).processed > counted(entry).processed),
      },
      reveal: ({ stepEvents }) => {
        const drop = eventsOf(stepEvents, 'streams.dropped')[0];
        return {
          text: drop
            ? [
                `Dropped, and counted in the task’s dropped-records metric. Kafka logs exactly this: ${drop.message}`,
                'The record’s window ended at 10:00; expiration = stream time − grace. It is not added to any other window: a record belongs to the windows its own timestamp falls in.',
              ].join('\n')
            : 'It was counted: the window had not closed yet.',
          correct: drop ? 'dropped' : 'counted',
        };
      },
      status: timeLine,
    },
    {
      id: 'wrap',
      kind: 'narrative',
      title: 'Time, the Kafka Streams way',
      body: [
        '**Stream time** is the largest timestamp a task (and each processor) has seen; it never goes back and never moves without records. A window takes records until stream time passes its end + grace; suppress emits its final result then, and not before.',
        'Open the **Streams** view: the window plot draws every purchase at its event time (across) and when it was processed (down), the hour as a band, the close line at 10:10 and the dropped record as a ✕.',
        'Not modelled here: wall-clock punctuators, suppress buffers with a size limit (`maxRecords`, `emitEarlyWhenFull`), and `EmitStrategy.onWindowClose()`.',
      ],
      status: timeLine,
    },
  ],
};
