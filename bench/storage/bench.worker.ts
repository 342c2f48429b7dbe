/**
 * The browser benchmarks, run where the app runs them: in a dedicated worker, with the app's own
 * storage code (SessionWriter's LogMirror over the IndexedDB LogStore) and time travel (Timeline).
 * Each measurement is paired with a baseline measured here, in the same run.
 */
import { openStreamLabDb } from '../../src/worker/db';
import { LogMirror } from '../../src/worker/log-mirror';
import { IdbLogStore, SEGMENT_RECORDS } from '../../src/worker/segment-store';
import { Timeline } from '../../src/worker/timeline';
import { WriteQueue } from '../../src/worker/write-queue';
import type { RecordBatch } from '../../src/engine';
import { burst, setUp } from './workload';

export interface BenchLine {
  name: string;
  value: number;
  baseline: number;
  unit: string;
  note?: string;
}

const OPTIONS = { seed: 1, brokers: 3 };
const now = () => performance.now();

function post(line: BenchLine): void {
  self.postMessage({ type: 'line', line });
}

async function freshDb(name: string) {
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  return openStreamLabDb(name);
}

/** A produce-heavy session with about `records` records across all replicas. */
function produceHeavy(records: number): Timeline {
  const t = new Timeline(OPTIONS);
  setUp(t);
  for (let n = 0; replicaRecords(t) < records; n++) burst(t, n, 200, 40);
  return t;
}

function replicaRecords(t: Timeline): number {
  let n = 0;
  for (const { log } of t.sim.replicaLogs()) n += log.logEndOffset - log.logStartOffset;
  return n;
}

/**
 * Raw chunked IndexedDB writes: the same batches as values of ~SEGMENT_RECORDS records in a
 * plain store, 8 values per transaction, 3 transactions in flight. The fastest this machine's
 * IndexedDB takes these records; the worker's writer is measured against it.
 */
async function rawChunkedWrite(batchesByLog: RecordBatch[][]): Promise<{ records: number; ms: number }> {
  const name = 'streamlab-bench-raw';
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('chunks');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const chunks: RecordBatch[][] = [];
  let records = 0;
  for (const batches of batchesByLog) {
    let chunk: RecordBatch[] = [];
    let inChunk = 0;
    for (const b of batches) {
      chunk.push(b);
      inChunk += b.records.length;
      records += b.records.length;
      if (inChunk >= SEGMENT_RECORDS) {
        chunks.push(chunk);
        chunk = [];
        inChunk = 0;
      }
    }
    if (chunk.length) chunks.push(chunk);
  }
  const start = now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < chunks.length; i += 8) {
    const tx = db.transaction('chunks', 'readwrite');
    chunks.slice(i, i + 8).forEach((c, j) => tx.objectStore('chunks').put(c, i + j));
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
    if (inFlight.size >= 3) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = now() - start;
  db.close();
  return { records, ms };
}

/** The worker's writer on logs already in memory: diff, chunk into segments, pipeline the writes. */
async function mirrorWrite(t: Timeline): Promise<{ records: number; ms: number }> {
  const db = await freshDb('streamlab-bench-mirror');
  const queue = new WriteQueue(db);
  const store = await IdbLogStore.open(db, queue, 'bench');
  const mirror = LogMirror.fresh(store);
  const start = now();
  await mirror.sync(t.sim.replicaLogs());
  await queue.settled();
  const ms = now() - start;
  db.close();
  return { records: mirror.recordsWritten, ms };
}

/**
 * A live session: the simulation runs flat out in bursts and the writer keeps up write-behind,
 * one sync in flight at a time and whole segments while it runs (as SessionWriter does). Against the same simulation without
 * storage: what persistence costs the simulation.
 */
async function liveSession(records: number, persist: boolean): Promise<{ records: number; ms: number }> {
  const t = new Timeline(OPTIONS);
  setUp(t);
  const db = persist ? await freshDb('streamlab-bench-live') : undefined;
  const queue = db && new WriteQueue(db);
  const mirror = db && queue && LogMirror.fresh(await IdbLogStore.open(db, queue, 'live'));
  let syncing: Promise<void> | undefined;
  const start = now();
  for (let n = 0; replicaRecords(t) < records; n++) {
    burst(t, n, 200, 40);
    if (mirror && !syncing) {
      syncing = mirror.sync(t.sim.replicaLogs(), { final: false }).finally(() => (syncing = undefined));
    }
    // Yield between bursts, as requests between frames do in the app (both runs alike), so that
    // IndexedDB's completion events get in. Not setTimeout: nested timeouts are clamped to 4 ms.
    await yieldToEvents();
  }
  if (mirror) {
    await syncing;
    await mirror.sync(t.sim.replicaLogs());
    await queue!.settled();
  }
  const ms = now() - start;
  db?.close();
  return { records: mirror ? mirror.recordsWritten : replicaRecords(t), ms };
}

const channel = new MessageChannel();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    channel.port2.onmessage = () => resolve();
    channel.port1.postMessage(null);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

/** Step back and scrub at ≥ 100 000 events, each answered as the host answers: snapshot included. */
function timeTravel(): void {
  const t = new Timeline(OPTIONS);
  setUp(t);
  for (let n = 0; t.traceLength() < 100_000; n++) burst(t, n, 20, 50);
  const events = t.traceLength();
  const endMs = t.nowMs();
  const endPosition = t.position();

  // 200 samples each, so that a p95 is not just the second-worst of a handful.
  const steps: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = now();
    t.stepBack();
    t.sim.snapshot();
    steps.push(now() - s);
  }
  // Scrubbing back to any time costs the same wherever it starts (restore the keyframe at or
  // before the target, replay to it), so the targets are visited latest first: no replay forward
  // between samples. Pseudo-random, spread over the whole session.
  t.seek(endMs);
  const targets = Array.from({ length: 200 }, (_, i) => Math.floor((endMs * ((i * 7919) % 1009)) / 1009));
  targets.sort((a, b) => b - a);
  const scrubs: number[] = [];
  for (const atMs of targets) {
    const s = now();
    t.seek(atMs);
    t.sim.snapshot();
    scrubs.push(now() - s);
  }
  // And forward again over the recorded time, earliest target first: each restores the nearest
  // keyframe ahead (its events kept from going back) and replays at most one spacing.
  const forward: number[] = [];
  for (const atMs of [...targets].reverse()) {
    const s = now();
    t.seek(atMs);
    t.sim.snapshot();
    forward.push(now() - s);
  }
  // Baseline: without keyframes, going back means replaying the session from its start.
  const replays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = now();
    const fresh = new Timeline(OPTIONS, t.recorded());
    fresh.seekPosition(endPosition);
    fresh.sim.snapshot();
    replays.push(now() - s);
  }
  // A reload that resumes from a keyframe stored at the position (decision 0007), against the
  // replay from the start above. The keyframe is structured-cloned in the timing: reading it back
  // from IndexedDB costs about that (deserialising); the older past is filled in afterwards.
  t.seekPosition(endPosition);
  const stored = t.storedKeyframe();
  const recorded = t.recorded();
  const resumes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = now();
    const resumed = Timeline.resume(OPTIONS, recorded, structuredClone(stored));
    resumed.seekPosition(endPosition);
    resumed.sim.snapshot();
    resumes.push(now() - s);
  }
  const note = `${events} events, ${t.keyframeCount()} keyframes`;
  post({
    name: `step back at ${Math.round(events / 1000)}k events (median)`,
    value: median(steps),
    baseline: median(replays),
    unit: 'ms',
    note,
  });
  post({
    name: `step back at ${Math.round(events / 1000)}k events (p95)`,
    value: p95(steps),
    baseline: median(replays),
    unit: 'ms',
    note,
  });
  post({
    name: `scrub to any time at ${Math.round(events / 1000)}k events (median)`,
    value: median(scrubs),
    baseline: median(replays),
    unit: 'ms',
    note,
  });
  post({
    name: `scrub to any time at ${Math.round(events / 1000)}k events (p95)`,
    value: p95(scrubs),
    baseline: median(replays),
    unit: 'ms',
    note,
  });
  post({
    name: `scrub forward over recorded time at ${Math.round(events / 1000)}k events (p95)`,
    value: p95(forward),
    baseline: median(replays),
    unit: 'ms',
    note,
  });
  post({
    name: `reload at ${Math.round(events / 1000)}k events, resumed from a stored keyframe`,
    value: median(resumes),
    baseline: median(replays),
    unit: 'ms',
    note: 'baseline: replaying the command log from the start; keyframe read as a structured clone',
  });
}

async function main(only: string | undefined): Promise<void> {
  if (only === 'time-travel') {
    timeTravel();
    self.postMessage({ type: 'done' });
    return;
  }
  const RECORDS = 150_000;
  const heavy = produceHeavy(RECORDS);
  const byLog = heavy.sim.replicaLogs().map((l) => l.log.batches);
  await rawChunkedWrite(byLog); // warm-up: the first database of a profile is slow to create
  const raw = await rawChunkedWrite(byLog);
  const mirrored = await mirrorWrite(heavy);
  post({
    name: 'worker log writes (chunked segments, 3 in flight)',
    value: (mirrored.records / mirrored.ms) * 1000,
    baseline: (raw.records / raw.ms) * 1000,
    unit: 'records/s',
    note: `${mirrored.records} replica records`,
  });
  const bare = await liveSession(RECORDS, false);
  const live = await liveSession(RECORDS, true);
  post({
    name: 'worker session, produce-heavy, persisted while running',
    value: (live.records / live.ms) * 1000,
    baseline: (bare.records / bare.ms) * 1000,
    unit: 'records/s',
    note: 'baseline: the same simulation without storage',
  });
  timeTravel();
  self.postMessage({ type: 'done' });
}

// The page says which part to run (all of it unless `only` is set).
self.addEventListener(
  'message',
  (event: MessageEvent<{ only?: string }>) =>
    void main(event.data.only).catch((e: unknown) =>
      self.postMessage({
        type: 'error',
        message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e),
      }),
    ),
  { once: true },
);
