/**
 * The course, in order. The home page lists every entry; `?lesson=<id>` opens one.
 */
import type { CatalogEntry, Lesson } from './lesson-types';
import { messagingLesson } from './content/01-messaging';
import { queueVsLogLesson } from './content/02-queue-vs-log';
import { eventsVsCommandsLesson } from './content/03-events-vs-commands';
import { clusterLesson } from './content/04-cluster';
import { topicsLesson } from './content/05-topics';
import { partitionsLesson } from './content/06-partitions';
import { replicationLesson } from './content/07-replication';
import { isrLesson } from './content/08-isr';
import { acksLesson } from './content/09-acks';
import { consumingLesson } from './content/10-consuming';
import { groupsLesson } from './content/11-groups';
import { retentionReplayLesson } from './content/13-retention-replay';
import { exactlyOnceLesson } from './content/14-exactly-once';
import { otherPlatformsLesson } from './content/15-other-platforms';
import { statelessLesson } from './content/16-stateless-processing';
import { windowsLesson } from './content/17-windows-and-time';
import { stateLesson } from './content/18-state-and-guarantees';
import { streamsVsFlinkLesson } from './content/19-streams-vs-flink';

/** Lessons in the whole course, the sandbox included ("Lesson 4 of 12"). */
export const COURSE_SIZE = 12;

export const CATALOG: readonly CatalogEntry[] = [
  { kind: 'lesson', lesson: messagingLesson },
  { kind: 'lesson', lesson: queueVsLogLesson },
  { kind: 'lesson', lesson: eventsVsCommandsLesson },
  { kind: 'lesson', lesson: clusterLesson },
  { kind: 'lesson', lesson: topicsLesson },
  { kind: 'lesson', lesson: partitionsLesson },
  { kind: 'lesson', lesson: replicationLesson },
  { kind: 'lesson', lesson: isrLesson },
  { kind: 'lesson', lesson: acksLesson },
  { kind: 'lesson', lesson: consumingLesson },
  { kind: 'lesson', lesson: groupsLesson },
  {
    kind: 'sandbox',
    id: '12-sandbox',
    number: 12,
    title: 'Sandbox',
    summary: 'Everything unlocked: build any scenario, break it, and share it as a link.',
  },
];

/**
 * Going further: lessons after the core course (numbered on from it), listed on the home page
 * below the course. They build on the consume path: the log's lifecycle, exactly-once, and the
 * other platforms mapped onto the Kafka cluster.
 */
export const FURTHER: readonly CatalogEntry[] = [
  { kind: 'lesson', lesson: retentionReplayLesson },
  { kind: 'lesson', lesson: exactlyOnceLesson },
  { kind: 'lesson', lesson: otherPlatformsLesson },
];

/**
 * Stream processing (issue 17): its own part after "Going further", numbered on from it. Lesson ids
 * 16–19 are these, the last one Kafka Streams against Flink.
 */
export const STREAM_PROCESSING: readonly CatalogEntry[] = [
  { kind: 'lesson', lesson: statelessLesson },
  { kind: 'lesson', lesson: windowsLesson },
  { kind: 'lesson', lesson: stateLesson },
  { kind: 'lesson', lesson: streamsVsFlinkLesson },
];

/** The first lesson number of the stream-processing part. */
const STREAMS_FIRST = 16;

const ALL_ENTRIES: readonly CatalogEntry[] = [...CATALOG, ...FURTHER, ...STREAM_PROCESSING];

/**
 * Every numbered entry the contents list, the course and "Going further" together: a lesson page
 * says "Lesson 13 of 14" (learners saw "of 12" while the contents listed 14).
 */
export const CONTENTS_SIZE = ALL_ENTRIES.length;

/** "Lesson 4 of 19", "Lesson 13 of 19 · Going further" or "Lesson 16 of 19 · Stream processing". */
export function lessonPosition(lesson: Pick<Lesson, 'number'>): string {
  const part =
    lesson.number >= STREAMS_FIRST
      ? ' · Stream processing'
      : lesson.number > COURSE_SIZE
        ? ' · Going further'
        : '';
  return `Lesson ${lesson.number} of ${CONTENTS_SIZE}${part}`;
}

export function lessonById(id: string): Lesson | undefined {
  for (const entry of ALL_ENTRIES) if (entry.kind === 'lesson' && entry.lesson.id === id) return entry.lesson;
  return undefined;
}

/** The entry after `id` in its part of the course, if any. */
export function nextEntry(id: string): CatalogEntry | undefined {
  const list = [CATALOG, FURTHER, STREAM_PROCESSING].find((l) => l.some((e) => entryId(e) === id)) ?? FURTHER;
  const at = list.findIndex((e) => entryId(e) === id);
  return list[at + 1];
}

export function entryId(entry: CatalogEntry): string {
  return entry.kind === 'lesson' ? entry.lesson.id : entry.id;
}
