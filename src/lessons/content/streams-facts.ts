/**
 * Facts the stream-processing lessons (16–18) read from the engine: an application's part of the
 * snapshot, its per-node counts summed over its tasks, stream time, and the records a reader
 * consumer received. Pure functions of the snapshot and the events, like facts.ts.
 */
import type { ClusterSnapshot, EngineEvent, StreamsAppSnapshot } from '../../engine';
import { eventsOf } from '../facts';

export function appOf(s: ClusterSnapshot, app: string): StreamsAppSnapshot | undefined {
  return s.streamsApps?.find((a) => a.app === app);
}

/** Every live task of the application, with the instance that runs it. */
export function tasksOf(s: ClusterSnapshot, app: string) {
  return (appOf(s, app)?.instances ?? []).flatMap((i) =>
    i.alive ? i.tasks.map((t) => ({ ...t, instance: i.instance })) : [],
  );
}

/** True once every task of the application runs somewhere (restored, processing). */
export function appRunning(s: ClusterSnapshot, app: string, tasks: number): boolean {
  const live = tasksOf(s, app);
  return live.length >= tasks && live.every((t) => t.state === 'running');
}

/**
 * A processor's counts summed over the live tasks. `kind` picks the node by its Kafka name
 * (`FILTER` finds `KSTREAM-FILTER-0000000001`); the first match is used.
 */
export function nodeCounts(s: ClusterSnapshot, app: string, kind: string) {
  const out = { processed: 0, forwarded: 0, dropped: 0, name: '' };
  for (const t of tasksOf(s, app))
    for (const [name, st] of Object.entries(t.stats)) {
      if (!name.includes(`-${kind}-`)) continue;
      if (out.name && out.name !== name) continue;
      out.name = name;
      out.processed += st.processed;
      out.forwarded += st.forwarded;
      out.dropped += st.dropped;
    }
  return out;
}

/** The largest stream time of the application's live tasks (-1: nothing processed). */
export function streamTimeOf(s: ClusterSnapshot, app: string): number {
  return Math.max(-1, ...tasksOf(s, app).map((t) => t.streamTimeMs));
}

/** Records `consumer` received from `topic`, in order. */
export function receivedFrom(events: readonly EngineEvent[], consumer: string, topic: string) {
  return eventsOf(events, 'consumer.received')
    .filter((e) => e.consumer === consumer)
    .flatMap((e) => e.records.filter((r) => r.topic === topic));
}

/** Sum of the leaders' high watermarks: records committed to the topic. */
export function committedRecords(s: ClusterSnapshot, topic: string): number {
  const t = s.topics.find((x) => x.name === topic);
  return (t?.partitions ?? []).reduce(
    (n, p) => n + (p.replicaStates.find((r) => r.broker === p.leader)?.highWatermark ?? 0),
    0,
  );
}

/** `hh:mm` of a time of day in ms since midnight (the lessons' event times). */
export function clock(ms: number): string {
  if (ms < 0) return '—';
  const min = Math.floor(ms / 60_000);
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

/** A line saying who runs which task, and in which state. */
export function tasksLine(s: ClusterSnapshot, app: string): string {
  const a = appOf(s, app);
  if (!a) return `${app}: not created yet.`;
  const parts = a.instances.map((i) =>
    !i.alive
      ? `${i.instance}: crashed`
      : i.tasks.length === 0
        ? `${i.instance}: no tasks yet`
        : `${i.instance}: ${i.tasks.map((t) => `${t.id} ${t.state}`).join(', ')}`,
  );
  return `${app} · ${parts.join(' · ') || 'no instance'}`;
}
