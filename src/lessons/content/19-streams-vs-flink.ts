/**
 * Lesson 19 — Kafka Streams against Flink on the same input. One topology (count each user's clicks
 * per 10 s window, grace 2 s) runs twice over the same topic: as a Kafka Streams application
 * (suppress until the window closes, exactly_once_v2) and as a Flink job (watermarks with 2 s of
 * bounded out-of-orderness, a two-phase-commit Kafka sink). Two read_committed consumers read the two
 * output topics side by side. One record ahead in time, one out of order, then a crash of each.
 *
 * Every reveal counts from the engine's events and snapshot.
 */
import {
  formatWatermark,
  NO_WATERMARK,
  partitionForKey,
  type ClusterSnapshot,
  type Command,
  type EngineEvent,
  type TopologyStep,
} from '../../engine';
import type { FactView, Lesson } from '../lesson-types';
import { eventsOf, list, plural } from '../facts';

const INPUT = 'clicks';
const STREAMS_OUT = 'streams-counts';
const FLINK_OUT = 'flink-counts';
const APP = 'clicks-app';
const INSTANCE = 'app-1';
const STREAMS_NODE = `streams:${INSTANCE}`;
/** Two users whose clicks land on different partitions of `clicks` (checked in the lesson's test). */
export const USERS = ['ann', 'ben'] as const;

function pipeline(sink: string, suppress: boolean): TopologyStep[] {
  return [
    { id: 'in', op: 'stream', topic: INPUT },
    { id: 'g', op: 'groupByKey', from: 'in' },
    { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 10000, graceMs: 2000 } },
    { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'click-counts' },
    ...(suppress ? [{ id: 'sup', op: 'suppress', from: 'c' } as TopologyStep] : []),
    { id: 's', op: 'toStream', from: suppress ? 'sup' : 'c' },
    { id: 'to', op: 'to', from: 's', topic: sink },
  ];
}

const click = (user: string, timestamp: number): Command => ({
  type: 'producer.send',
  producer: 'web',
  topic: INPUT,
  key: user,
  value: 'click',
  timestamp,
});

const seconds = (ms: number) => (ms === NO_WATERMARK ? 'none' : `${ms / 1000} s`);

/** Windowed results a reader got: `ann [0 s, 10 s) = 2`. */
function results(events: readonly EngineEvent[], consumer: string): { key: string; text: string }[] {
  return eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) =>
      e.records.map((r) => {
        const m = /^\[(.+)@(\d+)\/(\d+)\]$/.exec(r.key ?? '');
        const key = m ? m[1]! : (r.key ?? '');
        const range = m ? ` [${Number(m[2]) / 1000} s, ${Number(m[3]) / 1000} s)` : '';
        return { key: `${key}@${m?.[2] ?? ''}`, text: `${key}${range} = ${r.value ?? ''}` };
      }),
    );
}

const emitted = (events: readonly EngineEvent[], consumer: string, user: string, startMs: number) =>
  results(events, consumer).filter((r) => r.key === `${user}@${startMs}`);

function flinkJob(s: ClusterSnapshot) {
  return s.flink?.job ?? null;
}

/** "source-0 (clicks-0) 10.999 s, source-1 (clicks-1) none → agg tasks: none". */
function watermarkLine(s: ClusterSnapshot): string {
  const job = flinkJob(s);
  if (!job) return 'Flink: no job yet';
  if (job.status !== 'RUNNING') return `Flink job ${job.status}`;
  const src = job.subtasks
    .filter((t) => t.task.startsWith('source-'))
    .map((t) => `${t.task} ${formatWatermark(t.watermarkMs)}`);
  const agg = job.subtasks
    .filter((t) => t.task.startsWith('agg-'))
    .map((t) => formatWatermark(t.watermarkMs));
  return `Flink watermarks: ${src.join(', ')} → windows see ${list([...new Set(agg)])}`;
}

function streamTimeLine(s: ClusterSnapshot): string {
  const app = s.streamsApps?.find((a) => a.app === APP);
  const tasks = app?.instances.flatMap((i) => (i.alive ? i.tasks : [])) ?? [];
  if (tasks.length === 0) return 'Streams: no running task';
  return `Streams stream time: ${tasks
    .map((t) => `task ${t.id} ${t.streamTimeMs < 0 ? 'none' : `${t.streamTimeMs} ms`}`)
    .join(', ')}`;
}

const status = (s: ClusterSnapshot) => `${streamTimeLine(s)} · ${watermarkLine(s)}`;

/** Flink has processed the records with these timestamps (its sources saw them). */
const flinkSaw = (events: readonly EngineEvent[], ts: number) =>
  eventsOf(events, 'flink.processed').some((e) => e.timestamps.includes(ts));
const streamsSaw = (events: readonly EngineEvent[], ts: number) =>
  eventsOf(events, 'streams.processed').some((e) => e.app === APP && e.timestamps.includes(ts));
/** A checkpoint completed after `atMs`: whatever Flink emitted before it is visible to read_committed. */
const checkpointAfter = (events: readonly EngineEvent[], atMs: number) =>
  eventsOf(events, 'flink.checkpointCompleted').some((e) => e.atMs > atMs);
const lastAt = (events: readonly EngineEvent[], ts: number) =>
  eventsOf(events, 'flink.processed').find((e) => e.timestamps.includes(ts))?.atMs ?? Infinity;

function readers(): Command[] {
  return [
    { consumer: 'rc-streams', topic: STREAMS_OUT },
    { consumer: 'rc-flink', topic: FLINK_OUT },
  ].flatMap(({ consumer, topic }): Command[] => [
    {
      type: 'consumer.create',
      consumer,
      config: {
        'isolation.level': 'read_committed',
        'auto.offset.reset': 'earliest',
        'fetch.max.wait.ms': 200,
      },
    },
    { type: 'consumer.assign', consumer, partitions: [{ topic, partition: 0 }] },
  ]);
}

function whoEmitted(view: FactView, user: string, startMs: number) {
  const s = emitted(view.history, 'rc-streams', user, startMs).length > 0;
  const f = emitted(view.history, 'rc-flink', user, startMs).length > 0;
  return s && f ? 'both' : s ? 'streams' : f ? 'flink' : 'neither';
}

/** ann's open window [0 s, 10 s) in Flink's window subtasks (its count), if any. */
const annWindow = (s: ClusterSnapshot) =>
  flinkJob(s)
    ?.subtasks.flatMap((t) => t.windows)
    .find((w) => w.key === USERS[0] && w.startMs === 0)?.value ?? undefined;

const WHO = [
  { id: 'streams', label: 'Kafka Streams only' },
  { id: 'flink', label: 'Flink only' },
  { id: 'both', label: 'Both' },
  { id: 'neither', label: 'Neither yet' },
];

export const streamsVsFlinkLesson: Lesson = {
  id: '19-streams-vs-flink',
  number: 19,
  title: 'Kafka Streams against Flink',
  summary:
    'The same windowed count as a Kafka Streams app and as a Flink job: stream time against watermarks, a record out of order, and a crash of each.',
  seed: 19,
  options: {
    brokers: 3,
    brokerConfig: {
      'transaction.state.log.num.partitions': 3,
      'offsets.topic.num.partitions': 3,
      'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
    },
  },
  setup: [
    { type: 'topic.create', topic: INPUT, partitions: 2, replicationFactor: 3 },
    { type: 'topic.create', topic: STREAMS_OUT, partitions: 1, replicationFactor: 3 },
    { type: 'topic.create', topic: FLINK_OUT, partitions: 1, replicationFactor: 3 },
    { type: 'producer.create', producer: 'web', config: { acks: 'all' } },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'intro',
      kind: 'narrative',
      title: 'One pipeline, two engines',
      onEnter: () => [
        ...readers(),
        {
          type: 'streams.create',
          app: APP,
          topology: { steps: pipeline(STREAMS_OUT, true) },
          // A short session, so the restarted instance's group does not wait 45 s for the dead member.
          config: {
            'processing.guarantee': 'exactly_once_v2',
            'session.timeout.ms': 6000,
            'heartbeat.interval.ms': 1500,
          },
        },
        { type: 'streams.start', app: APP, instance: INSTANCE },
        {
          type: 'flink.start',
          taskManagers: 3,
          config: {
            'taskmanager.numberOfTaskSlots': 1,
            // Fast enough to teach (Flink's defaults are 10 s and 50 s), slow enough not to crowd the view.
            'heartbeat.interval': 1000,
            'heartbeat.timeout': 3000,
            'restart-strategy.fixed-delay.delay': 500,
          },
        },
        {
          type: 'flink.submit',
          job: 'clicks-job',
          topology: { steps: pipeline(FLINK_OUT, false) },
          config: {
            'parallelism.default': 2,
            'execution.checkpointing.interval': 1000,
            'sink.delivery-guarantee': 'exactly-once',
          },
        },
      ],
      body: [
        'One pipeline: read `clicks`, group by user, count per **tumbling 10 s window** with **2 s of grace**, write the results. It runs twice over the same topic.',
        '**Kafka Streams** (`clicks-app`, one instance on `streams:app-1`): a library inside your application. Each task keeps a **stream time**: the largest timestamp it has seen. `suppress(untilWindowCloses)` emits a window once stream time passes its end + grace. Results go to `streams-counts` (exactly_once_v2).',
        '**Flink** (`clicks-job`): its own cluster beside Kafka — a **JobManager** and three **TaskManagers** with one slot each, the job at parallelism 2. Its sources keep a **watermark**: the largest timestamp seen minus 2 s of bounded out-of-orderness minus 1 ms, and every operator takes the **minimum** over its inputs. A window fires when the watermark passes its end. Results go to `flink-counts` through a two-phase-commit sink: a Kafka transaction per checkpoint.',
        'Two read_committed consumers read both output topics side by side.',
      ],
      status,
    },
    {
      id: 'both-running',
      kind: 'wait',
      title: 'Both running',
      body: [
        'Kafka Streams joins its consumer group and gets one task per input partition. Flink’s TaskManagers register their slots with the JobManager, which deploys two source subtasks and two window subtasks and starts **checkpoints** every second.',
      ],
      fact: {
        waitingFor: 'Waiting for the Streams tasks and the Flink job’s first checkpoint…',
        state: ({ snapshot }) => {
          const job = flinkJob(snapshot);
          const tasks = snapshot.streamsApps?.find((a) => a.app === APP)?.instances[0]?.tasks ?? [];
          return (
            job?.status === 'RUNNING' &&
            job.lastCompleted !== null &&
            job.subtasks.length === 4 &&
            tasks.length === 2 &&
            tasks.every((t) => t.state === 'running')
          );
        },
      },
      outcome: ({ snapshot }) => {
        const job = flinkJob(snapshot)!;
        const placed = job.subtasks.map((t) => `${t.task} on ${t.taskManager.replace('flink:', '')}`);
        return `Flink placed ${list(placed)}; checkpoint ${job.lastCompleted!.id} is complete. Kafka Streams runs tasks ${list(
          snapshot.streamsApps![0]!.instances[0]!.tasks.map((t) => t.id),
        )}.`;
      },
      status,
    },
    {
      id: 'predict-ahead',
      kind: 'predict',
      title: 'One partition runs ahead',
      body: [
        `ann’s clicks go to clicks-${partitionForKey(USERS[0], 2)}, ben’s to clicks-${partitionForKey(USERS[1], 2)}. The lesson sends ann at 1 s, ben at 2 s, then ann again at **13 s** — past the end of the window [0 s, 10 s) plus 2 s.`,
      ],
      question: 'Who writes ann’s count for [0 s, 10 s) now?',
      choices: WHO,
      run: () => [click(USERS[0], 1000), click(USERS[1], 2000), click(USERS[0], 13000)],
      until: {
        waitingFor: 'Waiting for both engines to process the three clicks (and a Flink checkpoint after)…',
        state: ({ history }) =>
          streamsSaw(history, 13000) &&
          flinkSaw(history, 13000) &&
          flinkSaw(history, 2000) &&
          checkpointAfter(history, lastAt(history, 13000)) &&
          emitted(history, 'rc-streams', USERS[0], 0).length > 0,
      },
      reveal: (view) => {
        const job = flinkJob(view.snapshot)!;
        const wm = (task: string) => job.subtasks.find((t) => t.task === task)?.watermarkMs ?? NO_WATERMARK;
        const s = emitted(view.history, 'rc-streams', USERS[0], 0);
        return {
          text: [
            `Kafka Streams wrote ${s.map((r) => r.text).join(', ') || 'nothing'}: ann’s task has its own stream time, 13 s, and 13 s ≥ 10 s + 2 s, so the window closed there.`,
            `Flink’s source-0 watermark is ${seconds(wm('source-0'))} and source-1’s is ${seconds(wm('source-1'))}; the window subtasks take the **minimum**, ${seconds(Math.min(wm('source-0'), wm('source-1')))}. ${
              whoEmitted(view, USERS[0], 0) === 'both' || whoEmitted(view, USERS[0], 0) === 'flink'
                ? 'It fired anyway.'
                : 'The window [0 s, 10 s) ends at 9.999 s, so Flink waits: ben’s partition holds the watermark back.'
            }`,
          ].join('\n'),
          correct: whoEmitted(view, USERS[0], 0),
        };
      },
      status,
    },
    {
      id: 'predict-late',
      kind: 'predict',
      title: 'A click out of order',
      body: ['Now a click of ann’s at **9 s** arrives — after her click at 13 s. It belongs to [0 s, 10 s).'],
      question: 'Who counts it?',
      choices: WHO,
      run: () => [click(USERS[0], 9000)],
      until: {
        waitingFor: 'Waiting for both engines to process the 9 s click…',
        // Flink's window subtask has it once ann's [0 s, 10 s) changed there (or it was dropped as late).
        state: ({ history, stepEvents, snapshot, entry }) =>
          streamsSaw(history, 9000) &&
          flinkSaw(history, 9000) &&
          (eventsOf(stepEvents, 'flink.lateRecordDropped').length > 0 ||
            (entry !== undefined && annWindow(snapshot) !== annWindow(entry))),
      },
      reveal: ({ stepEvents, snapshot }) => {
        const dropped = eventsOf(stepEvents, 'streams.dropped').find((e) => e.timestampMs === 9000);
        const late = eventsOf(stepEvents, 'flink.lateRecordDropped').find((e) => e.timestampMs === 9000);
        const row = annWindow(snapshot);
        const streamsCounted = !dropped;
        const flinkCounted = !late;
        return {
          text: [
            dropped
              ? `Kafka Streams dropped it: “${dropped.message}”. Its stream time (13 s) had already closed the window.`
              : 'Kafka Streams counted it.',
            late
              ? `Flink dropped it too: its watermark was ${seconds(late.watermarkMs)}.`
              : `Flink counted it: its watermark is still held back by ben’s partition, so the window is open${row !== undefined ? ` (ann [0 s, 10 s) now holds ${row})` : ''}.`,
          ].join('\n'),
          correct:
            streamsCounted && flinkCounted
              ? 'both'
              : streamsCounted
                ? 'streams'
                : flinkCounted
                  ? 'flink'
                  : 'neither',
        };
      },
      status,
    },
    {
      id: 'ben-catches-up',
      kind: 'wait',
      title: 'The slow partition catches up',
      body: [
        'ben clicks at 14 s. That moves clicks-1 forward — in Streams, only ben’s task; in Flink, the minimum over both partitions.',
      ],
      actions: [{ id: 'ben', label: 'Send ben’s click at 14 s', commands: () => [click(USERS[1], 14000)] }],
      fact: {
        waitingFor: 'Waiting for Flink to fire [0 s, 10 s) and commit its transaction…',
        state: ({ history }) =>
          emitted(history, 'rc-flink', USERS[0], 0).length > 0 &&
          emitted(history, 'rc-streams', USERS[1], 0).length > 0,
      },
      outcome: ({ history }) => {
        const fired = eventsOf(history, 'flink.windowFired').filter((e) => e.startMs === 0);
        return [
          `Flink fired [0 s, 10 s) at watermark ${seconds(fired[0]?.watermarkMs ?? NO_WATERMARK)}: ${list(fired.map((e) => `${e.key} = ${e.value}`))}; rc-flink read it once the checkpoint committed the transaction.`,
          `Kafka Streams wrote ${list(results(history, 'rc-streams').map((r) => r.text))}. Same input, different counts for ann: stream time is the maximum seen per task, the watermark the minimum over inputs.`,
        ].join(' ');
      },
      status,
    },
    {
      id: 'predict-crash',
      kind: 'predict',
      title: 'A crash of each',
      body: [
        'The lesson crashes the TaskManager running `source-0` and the Kafka Streams instance. Flink’s JobManager notices (its heartbeats go unanswered), cancels every task and redeploys the job on the slots left. Streams’ instance comes back once Flink is running again.',
      ],
      question: 'Where does Flink’s source for clicks-0 start reading again?',
      choices: [
        { id: 'checkpoint', label: 'At the offsets stored in the last completed checkpoint' },
        { id: 'group', label: 'At the offset committed to a consumer group' },
        { id: 'end', label: 'At the end of the partition: the rest is lost' },
      ],
      run: (s) => {
        const tm = flinkJob(s)?.subtasks.find((t) => t.task === 'source-0')?.taskManager ?? 'flink:tm-1';
        return [
          { type: 'node.crash', node: tm },
          { type: 'node.crash', node: STREAMS_NODE },
        ];
      },
      then: [
        {
          when: ({ stepEvents }) => eventsOf(stepEvents, 'flink.jobDeployed').length > 0,
          commands: () => [{ type: 'node.restart', node: STREAMS_NODE }],
        },
      ],
      until: {
        waitingFor: 'Waiting for Flink’s restart and for the Streams instance to restore its tasks…',
        state: ({ stepEvents, snapshot }) =>
          eventsOf(stepEvents, 'flink.jobDeployed').length > 0 &&
          flinkJob(snapshot)?.status === 'RUNNING' &&
          flinkJob(snapshot)?.subtasks.length === 4 &&
          eventsOf(stepEvents, 'streams.taskRunning').filter((e) => e.app === APP).length >= 2,
      },
      reveal: ({ stepEvents, snapshot }) => {
        const deployed = eventsOf(stepEvents, 'flink.jobDeployed').at(-1)!;
        const cp = eventsOf(stepEvents, 'flink.checkpointCompleted').filter(
          (e) => e.atMs > deployed.atMs,
        ).length;
        const failed = eventsOf(stepEvents, 'flink.jobFailed')[0];
        const job = flinkJob(snapshot)!;
        const recovered = eventsOf(stepEvents, 'flink.sinkRecovered');
        const aborted = recovered.flatMap((e) => e.abort);
        const restored = eventsOf(stepEvents, 'streams.taskRunning')
          .filter((e) => e.app === APP)
          .map((e) => `${e.task} (${plural(e.restoredRecords, 'record')} from its changelog)`);
        const offsets = job.lastCompleted?.offsets ?? [];
        return {
          text: [
            `Flink: ${failed ? failed.reason : 'the job failed'} It restarted every task from checkpoint ${deployed.fromCheckpoint ?? 'none'}: the sources were rewound to ${list(
              offsets.map((o) => `clicks-${o.partition} offset ${o.offset}`),
            )} — offsets Flink keeps in its own checkpoints, not in a consumer group.${
              aborted.length > 0
                ? ` The sink aborted ${plural(aborted.length, 'transaction')} of the failed attempt (${list(aborted)}).`
                : ''
            } The watermarks started again from “No Watermark”: Flink does not checkpoint them.${cp > 0 ? ` ${plural(cp, 'checkpoint')} completed since the restart.` : ''}`,
            `Kafka Streams: the instance came back, rejoined its group, restored ${list(restored)} and went on from the offsets it committed in its last transaction.`,
          ].join('\n'),
          correct: deployed.fromCheckpoint !== null ? 'checkpoint' : 'group',
        };
      },
      status,
    },
    {
      id: 'challenge-fire',
      kind: 'challenge',
      title: 'Make Flink fire [10 s, 20 s)',
      body: [
        'ann (13 s) and ben (14 s) each have a click in [10 s, 20 s), restored from the checkpoint. Send clicks so that Flink writes that window. Each button sends one click.',
      ],
      goal: 'Flink writes a count for the window [10 s, 20 s).',
      actions: [
        { id: 'ann-23', label: 'ann at 23 s', commands: () => [click(USERS[0], 23000)] },
        { id: 'ann-30', label: 'ann at 30 s', commands: () => [click(USERS[0], 30000)] },
        { id: 'ben-19', label: 'ben at 19 s', commands: () => [click(USERS[1], 19000)] },
        { id: 'ben-25', label: 'ben at 25 s', commands: () => [click(USERS[1], 25000)] },
      ],
      check: ({ stepEvents, snapshot }) => {
        const fired = eventsOf(stepEvents, 'flink.windowFired').filter((e) => e.startMs === 10000);
        if (fired.length > 0)
          return {
            ok: true,
            message: `Flink fired [10 s, 20 s) at watermark ${seconds(fired[0]!.watermarkMs)}: ${list(
              fired.map((e) => `${e.key} = ${e.value}`),
            )}. Both partitions had to pass 20 s + 2 s: the watermark is the minimum over them.`,
          };
        const job = flinkJob(snapshot);
        const wm = job?.subtasks.filter((t) => t.task.startsWith('source-')) ?? [];
        return {
          ok: false,
          hint: `Flink’s watermarks: ${list(wm.map((t) => `${t.task} ${formatWatermark(t.watermarkMs)}`))}. The window ends at 19.999 s, and each source’s watermark is its largest timestamp − 2 s − 1 ms: every partition needs a click after 22 s.`,
        };
      },
      status,
    },
    {
      id: 'not-modelled',
      kind: 'narrative',
      title: 'What this does not model',
      body: [
        'Both engines here run on the simulated cluster with their real rules for time, windows, checkpoints and transactions. Left out: Flink’s state backends (RocksDB, incremental checkpoints), **unaligned checkpoints**, concurrent checkpoints and checkpoint timeouts, **savepoints** and rescaling, **network buffers, backpressure** and credit-based flow control (records between tasks simply travel as messages), watermark idleness (`withIdleness`), the periodic watermark interval (here a source emits its watermark after each batch it reads), sliding and session windows in Flink mode, region failover (every task restarts), JobManager high availability (its checkpoint store simply survives a crash).',
        'On the Kafka Streams side: RocksDB, standby replicas in this lesson, and KIP-1071 groups. Both engines read the same partitions; their output topics differ only in name.',
      ],
      status,
    },
  ],
};
