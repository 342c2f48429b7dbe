/**
 * Lesson 13 — Retention and replay: a log is a series of segments; retention deletes whole old
 * segments and moves the log start offset. A consumer whose committed offset was deleted gets
 * OFFSET_OUT_OF_RANGE and follows auto.offset.reset. Then a fraud team replays every payment still
 * kept through a new model: a new group from earliest, and a seek to a timestamp.
 *
 * Retention here is by size (`retention.bytes`), so the story does not depend on how long the
 * learner reads: February's payments push January's segments out. Every reveal and check reads
 * the engine's events and snapshot.
 */
import type { ClusterSnapshot, Command, EngineEvent, EventOf } from '../../engine';
import type { FactView, Lesson } from '../lesson-types';
import { eventsOf, leaderReplica, list, partitionOf, plural, sendsIn } from '../facts';
import { terminalResetOffsets } from './terminal-steps';

const TOPIC = 'payments';
/** Payments a month: every value has the same length, so each batch has the same size. */
const PER_MONTH = 8;
/**
 * One payment per batch (`batch.size: 1`), each batch 61 bytes of header and 12 + key + value
 * bytes of record: 98 bytes. Four batches fill a segment; retention.bytes keeps two segments.
 */
const BATCH_BYTES = 61 + 12 + 'card-1'.length + 'jan #01 €42'.length;
const SEGMENT_BYTES = 4 * BATCH_BYTES;
const RETENTION_BYTES = 2 * SEGMENT_BYTES;
/** The report job got this far before it was switched off. */
const REPORTS_COMMIT = 3;
const LESSON_GROUPS = ['reports', 'fraud-v2'];
/** March's first payments, written as the seek-by-time step begins (fewer than a segment). */
const MARCH = 3;

const payment = (month: 'jan' | 'feb' | 'mar', i: number): Command => ({
  type: 'producer.send',
  producer: 'shop',
  topic: TOPIC,
  key: `card-${(i % 9) + 1}`,
  value: `${month} #${String(i + 1).padStart(2, '0')} €${10 + ((i * 37) % 90)}`,
});
const month = (m: 'jan' | 'feb') => Array.from({ length: PER_MONTH }, (_, i) => payment(m, i));

const leader = (s: ClusterSnapshot) => leaderReplica(s, TOPIC, 0);
const logStart = (s: ClusterSnapshot) => leader(s)?.logStartOffset ?? 0;
const logEnd = (s: ClusterSnapshot) => leader(s)?.logEndOffset ?? 0;
const consumerOf = (s: ClusterSnapshot, id: string) => s.consumers.find((c) => c.id === id);
const committedOf = (s: ClusterSnapshot, group: string) =>
  s.groups.find((g) => g.groupId === group)?.offsets.find((o) => o.topic === TOPIC && o.partition === 0)
    ?.offset;

/** Offsets of payments `consumer` received in `events`, in the order it got them. */
export function receivedOffsets(events: readonly EngineEvent[], consumer: string): number[] {
  return eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records.filter((r) => r.topic === TOPIC).map((r) => r.offset));
}

/** Events after the last `consumer.restarted` of `node` (empty if it never restarted). */
function afterRestart(events: readonly EngineEvent[], node: string): readonly EngineEvent[] {
  let at = -1;
  events.forEach((e, i) => {
    if (e.type === 'consumer.restarted' && e.node === node) at = i;
  });
  return at < 0 ? [] : events.slice(at + 1);
}

function segmentsLine(s: ClusterSnapshot): string {
  const r = leader(s);
  if (!r) return '';
  const bases = r.segmentBaseOffsets;
  return (
    `payments-0: ${plural(bases.length, 'segment')} (starting at ${list(bases)}; the last is active) · ` +
    `log start ${r.logStartOffset} · log end ${r.logEndOffset}.`
  );
}

/** When each payment was written (its CreateTime: the producer stamps the send's time), by value. */
function writtenAt(events: readonly EngineEvent[]): Map<string, number> {
  const at = new Map<string, number>();
  for (const e of eventsOf(events, 'command.accepted'))
    if (e.command.type === 'producer.send' && e.command.topic === TOPIC)
      at.set(e.command.value, e.command.timestamp ?? e.atMs);
  return at;
}

/** 1 March: when the first March payment was written (undefined before the step wrote it). */
function marchBegan(view: Pick<FactView, 'history'>): number | undefined {
  const first = payment('mar', 0);
  return first.type === 'producer.send' ? writtenAt(view.history).get(first.value) : undefined;
}

/**
 * The seek by time and what followed: the offset the leader answered, and the offsets fraud-model
 * read from there to the log end after it (undefined until it has read them all).
 */
export function seekReadBack(events: readonly EngineEvent[], end: number) {
  let at = -1;
  events.forEach((e, i) => {
    if (e.type === 'consumer.positionSet' && e.consumer === 'fraud-model' && e.reason === 'timestamp') at = i;
  });
  if (at < 0) return undefined;
  const set = events[at] as EventOf<'consumer.positionSet'>;
  const read = eventsOf(events.slice(at + 1), 'consumer.received')
    .filter((e) => e.consumer === 'fraud-model')
    .flatMap((e) => e.records.filter((r) => r.topic === TOPIC && r.offset >= set.offset));
  if (set.offset < end && !read.some((r) => r.offset === end - 1)) return undefined;
  return { offset: set.offset, read };
}

const day = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The seek by time: the offset the leader answered with, why that one, and the re-read from it. */
export function seekOutcome(events: readonly EngineEvent[], s: ClusterSnapshot): string {
  const done = seekReadBack(events, logEnd(s));
  if (!done) return 'The leader answered the seek.';
  const asked = eventsOf(events, 'command.accepted')
    .map((e) => e.command)
    .filter((c) => c.type === 'consumer.seek' && c.consumer === 'fraud-model')
    .at(-1);
  const to = asked?.type === 'consumer.seek' ? asked.to : undefined;
  const ts = typeof to === 'object' && 'timestampMs' in to ? to.timestampMs : undefined;
  const written = writtenAt(events);
  const offsets = new Map(
    sendsIn(events).flatMap((r) =>
      r.topic === TOPIC && r.offset !== undefined ? [[r.offset, r.value] as const] : [],
    ),
  );
  const landed = offsets.get(done.offset);
  const before = offsets.get(done.offset - 1);
  const why =
    done.offset >= logEnd(s)
      ? 'no payment is that recent, so the answer is the log end: fraud-model waits for new ones.'
      : landed !== undefined && written.has(landed)
        ? `the first payment whose timestamp is at or after it: “${landed}”, written at ${day(written.get(landed)!)}.` +
          (before !== undefined && written.has(before) && done.offset - 1 >= logStart(s)
            ? ` The one before it, offset ${done.offset - 1} (“${before}”), was written at ${day(written.get(before)!)}: earlier, so it is not replayed.`
            : done.offset <= logStart(s)
              ? ' It is the log start offset: nothing older is kept.'
              : '')
        : 'the first payment written at or after that time.';
  const read = done.read.map((r) => r.offset);
  return [
    `The leader answered ListOffsets with **offset ${done.offset}** for the timestamp${ts === undefined ? '' : ` ${day(ts)} (1 March)`}: ${why}`,
    read.length > 0
      ? `fraud-model moved back to offset ${done.offset} and read ${plural(read.length, 'payment')} from there again: offsets ${read.length > 1 ? `${Math.min(...read)}–${Math.max(...read)}` : read[0]} (${list(done.read.map((r) => `“${r.value ?? ''}”`))}).`
      : `fraud-model reads from offset ${done.offset} on.`,
  ].join('\n');
}

/** Does every offset still kept, [log start, log end), appear in `offsets`? */
function coversRetained(s: ClusterSnapshot, offsets: readonly number[]): boolean {
  const have = new Set(offsets);
  for (let o = logStart(s); o < logEnd(s); o++) if (!have.has(o)) return false;
  return logEnd(s) > logStart(s);
}

export const retentionReplayLesson: Lesson = {
  id: '13-retention-replay',
  number: 13,
  title: 'Retention and replay',
  summary:
    'Segments, retention and the log start offset; a consumer behind retention; a fraud team replays the kept payments through a new model.',
  seed: 13,
  options: {
    brokers: 3,
    brokerConfig: {
      'log.retention.check.interval.ms': 1000,
      'offsets.topic.num.partitions': 3,
      'broker.session.timeout.ms': 3000,
      'broker.heartbeat.interval.ms': 1000,
    },
    network: { latencyMsMin: 10, latencyMsMax: 20 },
  },
  setup: [
    {
      type: 'topic.create',
      topic: TOPIC,
      partitions: 1,
      replicationFactor: 3,
      config: {
        'segment.bytes': SEGMENT_BYTES,
        'retention.bytes': RETENTION_BYTES,
        'retention.ms': 30 * 24 * 3600 * 1000,
      },
    },
    // One payment per batch, so each segment holds exactly four.
    { type: 'producer.create', producer: 'shop', config: { acks: 'all', 'batch.size': 1 } },
  ],
  speed: 1,
  tools: ['inspect'],
  steps: [
    {
      id: 'segments',
      kind: 'wait',
      title: 'A log made of segments',
      onEnter: () => [
        {
          type: 'consumer.create',
          consumer: 'reports',
          groupId: 'reports',
          config: {
            'auto.offset.reset': 'earliest',
            'enable.auto.commit': false,
            'session.timeout.ms': 6000,
            'heartbeat.interval.ms': 1000,
            'fetch.max.wait.ms': 500,
          },
        },
        { type: 'consumer.subscribe', consumer: 'reports', topics: [TOPIC] },
        ...month('jan'),
      ],
      body: [
        'A card shop writes its payments to the topic `payments`. The monthly `reports` job reads them.',
        'On disk a partition is not one endless file: it is a series of **segments**. Only the newest, the **active segment**, is written to; once it is full (`segment.bytes`) or old enough (`segment.ms`) a new one is rolled. Here a segment holds four payments. On the replica rows a thin dashed tick marks where each segment begins.',
        'January’s eight payments are on their way.',
      ],
      fact: {
        waitingFor: 'Waiting for January’s payments to fill two segments…',
        state: ({ snapshot }) =>
          (leader(snapshot)?.segmentBaseOffsets.length ?? 0) >= 2 &&
          (leader(snapshot)?.highWatermark ?? 0) >= PER_MONTH &&
          (consumerOf(snapshot, 'reports')?.received ?? 0) >= PER_MONTH,
      },
      status: segmentsLine,
    },
    {
      id: 'predict-out-of-range',
      kind: 'predict',
      title: 'A consumer behind retention',
      body: [
        'A topic cannot grow for ever. **Retention** deletes the oldest data: by age (`retention.ms`, 30 days on this topic) or by size (`retention.bytes`). Waiting a month is too long for a lesson, so this topic also keeps at most two segments’ worth of bytes.',
        'Retention deletes **whole segments**, oldest first, and moves the **log start offset**: the first offset a consumer can still read (the solid grey line on the replica rows; the cells before it are gone).',
        `The lesson now lets \`reports\` commit offset ${REPORTS_COMMIT} (it had finished only three payments) and switches it off. February’s payments arrive, January is pushed out, and \`reports\` is switched back on.`,
      ],
      question: `Where does reports resume, with its committed offset ${REPORTS_COMMIT} deleted?`,
      choices: [
        { id: 'committed', label: `At offset ${REPORTS_COMMIT}, where it left off` },
        { id: 'reset', label: 'At the oldest payment still kept: auto.offset.reset=earliest decides' },
        { id: 'end', label: 'At the end of the log, waiting for new payments' },
      ],
      run: () => [
        {
          type: 'consumer.commit',
          consumer: 'reports',
          offsets: [{ topic: TOPIC, partition: 0, offset: REPORTS_COMMIT }],
        },
      ],
      then: [
        {
          when: ({ snapshot }) => committedOf(snapshot, 'reports') === REPORTS_COMMIT,
          commands: () => [{ type: 'consumer.crash', consumer: 'reports' }, ...month('feb')],
        },
        {
          // January's two segments are gone.
          when: ({ snapshot }) => logStart(snapshot) >= PER_MONTH,
          commands: () => [{ type: 'node.restart', node: 'consumer:reports' }],
        },
      ],
      until: {
        waitingFor: 'Waiting for reports to come back and read again…',
        state: ({ stepEvents }) =>
          receivedOffsets(afterRestart(stepEvents, 'consumer:reports'), 'reports').length > 0,
      },
      reveal: ({ stepEvents, snapshot }) => {
        const after = afterRestart(stepEvents, 'consumer:reports');
        const set = eventsOf(after, 'consumer.positionSet').filter((e) => e.consumer === 'reports');
        const offsets = receivedOffsets(after, 'reports');
        const first = offsets[0] ?? -1;
        const deleted = eventsOf(stepEvents, 'log.segmentsDeleted').filter(
          (e) => e.topic === TOPIC && e.broker === partitionOf(snapshot, TOPIC, 0)?.leader,
        );
        const segments = deleted.reduce((n, e) => n + e.segments, 0);
        const reset = set.find((e) => e.reason === 'reset-earliest' || e.reason === 'reset-latest');
        const text = [
          `Retention (${deleted[0]?.reason ?? 'retention.bytes'}) deleted ${plural(segments, 'segment')} on the leader: the log now starts at offset ${logStart(snapshot)}.`,
          `reports came back and the group gave it its committed offset, ${REPORTS_COMMIT}. ` +
            (reset
              ? `That offset no longer exists: the leader answered the fetch with **OFFSET_OUT_OF_RANGE**, and reports followed \`auto.offset.reset=earliest\` to offset ${reset.offset}.`
              : `It resumed at offset ${first}.`),
          `It read offsets ${offsets.length > 6 ? `${offsets[0]}–${offsets.at(-1)}` : list(offsets)}. ` +
            (first > REPORTS_COMMIT
              ? `Payments ${REPORTS_COMMIT}–${first - 1} were never in its report: they were deleted before it got to them.`
              : ''),
        ].join('\n');
        return {
          text,
          correct:
            first === REPORTS_COMMIT ? 'committed' : reset?.reason === 'reset-latest' ? 'end' : 'reset',
        };
      },
      status: (s) => `${segmentsLine(s)} reports committed ${committedOf(s, 'reports') ?? 'nothing'}.`,
    },
    {
      id: 'fraud-team',
      kind: 'narrative',
      title: 'The fraud team',
      body: [
        'The fraud team has trained a new model. Before it goes live they want to run it over the last 30 days of payments — everything the topic still keeps — and compare its verdicts with the old model’s.',
        'With a queue this would be impossible: delivered messages are gone. A log keeps them, so a **new consumer group** can read them again from the start, at its own pace, without disturbing `reports` or anyone else. A new group has no committed offset, so `auto.offset.reset` decides where it starts: `earliest` is the log start offset.',
      ],
      status: segmentsLine,
    },
    {
      id: 'predict-replay',
      kind: 'predict',
      title: 'Replay from earliest',
      body: [
        'The lesson starts `fraud-model`, the only member of the new group `fraud-v2`, with `auto.offset.reset=earliest`.',
      ],
      question: 'Which payments does fraud-v2 read?',
      choices: [
        { id: 'all', label: 'Every payment ever written, January included' },
        { id: 'kept', label: 'Every payment still kept: from the log start offset to the end' },
        { id: 'none', label: 'None yet: a new group starts at the end of the log' },
      ],
      run: () => [
        {
          type: 'consumer.create',
          consumer: 'fraud-model',
          groupId: 'fraud-v2',
          config: { 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 500 },
        },
        { type: 'consumer.subscribe', consumer: 'fraud-model', topics: [TOPIC] },
      ],
      until: {
        waitingFor: 'Waiting for fraud-model to read…',
        state: ({ snapshot, stepEvents }) =>
          coversRetained(snapshot, receivedOffsets(stepEvents, 'fraud-model')),
      },
      reveal: ({ snapshot, stepEvents }) => {
        const offsets = receivedOffsets(stepEvents, 'fraud-model');
        const start = logStart(snapshot);
        const correct = offsets.length === 0 ? 'none' : Math.min(...offsets) === 0 ? 'all' : 'kept';
        return {
          text: [
            `fraud-model read ${plural(offsets.length, 'payment')}, offsets ${Math.min(...offsets)}–${Math.max(...offsets)}: everything from the log start (${start}) to the end.`,
            start > 0
              ? `Offsets 0–${start - 1} are gone for good: no consumer can read them again. Keep as much retention as the replays you will need.`
              : '',
          ].join('\n'),
          correct,
        };
      },
      status: (s) => {
        const c = consumerOf(s, 'fraud-model');
        const a = c?.assignment.find((x) => x.topic === TOPIC);
        return `${segmentsLine(s)} fraud-model position ${a?.position ?? '–'}.`;
      },
    },
    {
      id: 'seek-time',
      kind: 'wait',
      title: 'Replay from a point in time',
      body: [
        'Often a team wants “from a date”, not “from the start”. A consumer can **seek to a timestamp**: it asks the leader (ListOffsets) for the **first offset whose timestamp is at or after** that time, and reads from there.',
        'In this cluster one simulated second stands for a day, and March begins as this step does: the shop writes March’s first three payments now. The fraud team wants to re-check March only. Seek `fraud-model` to 1 March — the moment the first March payment was written.',
      ],
      onEnter: () => Array.from({ length: MARCH }, (_, i) => payment('mar', i)),
      actions: [
        {
          id: 'seek',
          label: 'Seek fraud-model to 1 March',
          commands: (s, view) => [
            {
              type: 'consumer.seek',
              consumer: 'fraud-model',
              topic: TOPIC,
              partition: 0,
              // Before March's first send is seen: the step's start, which is no later than it.
              to: { timestampMs: marchBegan(view) ?? view.entry?.nowMs ?? s.nowMs },
            },
          ],
        },
      ],
      fact: {
        waitingFor: 'Waiting for the leader to answer with an offset, and fraud-model to read from it…',
        state: ({ history, snapshot }) => seekReadBack(history, logEnd(snapshot)) !== undefined,
      },
      outcome: ({ history, snapshot }) => seekOutcome(history, snapshot),
      status: (s) => {
        const a = consumerOf(s, 'fraud-model')?.assignment.find((x) => x.topic === TOPIC);
        return `fraud-model position ${a?.position ?? '–'} · payments-0 log start ${logStart(s)}, log end ${logEnd(s)}.`;
      },
    },
    {
      id: 'challenge-replay',
      kind: 'challenge',
      title: 'Replay it yourself',
      body: [
        'Another team wants its own copy of the history. Use the **Consume** tab: a consumer in a group of your own.',
      ],
      goal: 'Make a new consumer group (not reports or fraud-v2) read every payment still kept.',
      tools: ['consume', 'inspect'],
      check: (view) => checkReplay(view),
      status: (s) => {
        const mine = s.consumers.filter((c) => c.groupId && !LESSON_GROUPS.includes(c.groupId));
        const groups = mine.map((c) => `${c.id} (${c.groupId}) received ${c.received}`);
        return `Payments kept: offsets ${logStart(s)}–${logEnd(s) - 1}. ${groups.join(' · ') || 'No consumer of yours yet.'}`;
      },
    },
    terminalResetOffsets,
  ],
};

/** The challenge: some consumer in a group of the learner's own has read every offset kept. */
export function checkReplay({ snapshot, history }: FactView) {
  const start = logStart(snapshot);
  const end = logEnd(snapshot);
  const mine = snapshot.consumers.filter((c) => c.groupId && !LESSON_GROUPS.includes(c.groupId));
  const done = mine.find((c) => coversRetained(snapshot, receivedOffsets(history, c.id)));
  if (done)
    return {
      ok: true as const,
      message: `${done.id} (group ${done.groupId}) read all ${end - start} payments still kept, offsets ${start}–${end - 1}, without touching reports or fraud-v2: each group has its own offsets.`,
    };
  const inLessonGroup = snapshot.consumers.find(
    (c) => c.groupId && LESSON_GROUPS.includes(c.groupId) && !['reports', 'fraud-model'].includes(c.id),
  );
  if (mine.length === 0)
    return {
      ok: false as const,
      hint: inLessonGroup
        ? `${inLessonGroup.id} joined ${inLessonGroup.groupId}, a group that already has committed offsets (or a member reading): it shares that group’s work. Use a group.id of your own.`
        : 'Add a consumer in the Consume tab with a group.id of your own (not reports or fraud-v2).',
    };
  const c = mine[0]!;
  const got = receivedOffsets(history, c.id);
  const position = c.assignment.find((a) => a.topic === TOPIC)?.position;
  if (got.length === 0 && position !== null && position !== undefined && position >= end)
    return {
      ok: false as const,
      hint: `${c.id} (group ${c.groupId}) starts at the end of the log (offset ${position}): with auto.offset.reset=latest a new group only reads what comes next. Add a consumer in another new group with auto.offset.reset=earliest.`,
    };
  return {
    ok: false as const,
    hint: `${c.id} (group ${c.groupId}) has read ${plural(new Set(got).size, 'payment')} of the ${end - start} kept. Give it a moment, or check its auto.offset.reset.`,
  };
}
