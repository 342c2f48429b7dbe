/**
 * The StreamThread of one instance: tasks from the group's assignment, restoration from changelogs
 * before processing, processing records through the tasks, and commits every commit.interval.ms.
 *
 * - at_least_once: a commit flushes the caches, waits until the producer has every record
 *   acknowledged, then commits the input offsets. A crash in between reprocesses: duplicates.
 * - exactly_once_v2: output, changelog writes and input offsets (sendOffsetsToTransaction) go in one
 *   transaction per commit. An aborted transaction leaves the tasks' stores dirty: they are wiped,
 *   restored from the (read_committed) changelog and the input rewound to the last commit.
 *
 * Rebalances are eager (the consumer's default range assignor): revoked tasks are committed and
 * suspended, and resume without restoring if they come back. With num.standby.replicas, standby
 * tasks keep warm copies of the stores (app-standby.ts) and a promoted one restores only the tail.
 */
import { assign, commit, seekTo } from '../client/consumer-api';
import { tpKey } from '../client/consumer-state';
import { acceptRecord } from '../client/producer';
import { beginTransaction, endTransaction, sendOffsetsToTransaction } from '../client/producer-txn';
import type { EventMap } from '../types';
import type { Run } from './app-clients';
import { nextPartition } from './app-layout';
import { newTaskRuntime, standbyTasks } from './app-standby';
import type { QueuedRecord, StreamsNode, TaskRuntime } from './app-state';
import { appTopology, newTaskData, streamTask } from './app-topology';
import type { StreamTask } from './task';

type Offsets = { topic: string; partition: number; offset: number }[];

const names = (self: StreamsNode) => ({ app: self.durable.app, instance: self.durable.instance });
const eos = (self: StreamsNode) => self.durable.config.guarantee === 'exactly_once_v2';

function topoOf(self: StreamsNode) {
  return appTopology(self.durable.spec, self.durable.app);
}

function taskOf(self: StreamsNode, rt: TaskRuntime): StreamTask {
  const d = self.durable;
  return streamTask(topoOf(self), d.app, d.config.cacheMaxBytes, rt.subtopology, rt.partition, rt.data);
}

export function scheduleCommit(run: Run): void {
  const v = run.self.volatile;
  if (v.commitTimer === null)
    v.commitTimer = run.ctx.setTimer('s:commit', run.self.durable.config.commitIntervalMs);
}

/** After any client ran: react to what it reported, then make whatever progress is possible. */
export function afterClients(run: Run): void {
  for (let guard = 0; guard < 64; guard++) {
    const events = run.events.splice(0);
    for (const e of events) onClientEvent(run, e.who, e.type, e.fields);
    checkRestores(run);
    checkFlush(run);
    processQueues(run);
    if (run.events.length === 0) return;
  }
}

function onClientEvent(run: Run, who: string, type: string, fields: unknown): void {
  const self = run.self;
  if (who === 'c' && type === 'consumer.received') {
    enqueue(self, (fields as EventMap['consumer.received']).records);
  } else if (who === 'r' && type === 'consumer.received') {
    restoreRecords(run, (fields as EventMap['consumer.received']).records);
  } else if (who === 'c' && type === 'consumer.revoked') {
    onRevoked(run, (fields as EventMap['consumer.revoked']).partitions);
  } else if (who === 'c' && type === 'consumer.assigned') {
    syncTasks(run, (fields as EventMap['consumer.assigned']).generation);
  } else if (who === 'p' && type === 'producer.transactionCommitted') {
    const c = self.volatile.commit;
    self.volatile.inTxn = false;
    if (c?.phase === 'txn') committed(run, c.offsets);
  } else if (who === 'p' && type === 'producer.transactionAborted') {
    self.volatile.inTxn = false;
    self.volatile.commit = null;
    corrupt(run, 'the transaction was aborted');
  }
}

// ----- input -----

function enqueue(self: StreamsNode, records: EventMap['consumer.received']['records']): void {
  const v = self.volatile;
  const topo = topoOf(self);
  for (const r of records) {
    const key = tpKey(r.topic, r.partition);
    const tsMap = v.ts[key];
    const timestampMs = tsMap?.[r.offset] ?? 0;
    if (tsMap) delete tsMap[r.offset];
    const sub = topo.sourceSub.get(r.topic);
    const rt = sub === undefined ? undefined : v.tasks[`${sub}_${r.partition}`];
    if (!rt || rt.state === 'suspended' || rt.state === 'standby') continue; // not ours (now)
    rt.queue.push({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      key: r.key,
      value: r.value,
      timestampMs,
    });
  }
}

/**
 * PartitionGroup order: the task's records split by partition (each in offset order), then taken
 * one at a time from the partition whose next record has the lowest timestamp.
 */
function inPartitionGroupOrder(queue: QueuedRecord[]): QueuedRecord[] {
  const parts = new Map<string, QueuedRecord[]>();
  for (const r of queue) {
    const k = `${r.topic}-${r.partition}`;
    const list = parts.get(k);
    if (list) list.push(r);
    else parts.set(k, [r]);
  }
  if (parts.size <= 1) return queue;
  const lists = [...parts.values()];
  const next = lists.map(() => 0);
  const out: QueuedRecord[] = [];
  for (;;) {
    const i = nextPartition(lists.map((l, j) => l[next[j]!]));
    if (i < 0) return out;
    out.push(lists[i]![next[i]!++]!);
  }
}

function processQueues(run: Run): void {
  const self = run.self;
  const v = self.volatile;
  if (v.commit !== null) return; // the thread is committing (Kafka's commit blocks the thread)
  if (eos(self) && v.producer.txn?.state === 'FENCED') return;
  for (const rt of Object.values(v.tasks)) {
    if (rt.state !== 'running' || rt.queue.length === 0) continue;
    const task = taskOf(self, rt);
    const records = inPartitionGroupOrder(rt.queue);
    rt.queue = [];
    const edges: Record<string, number> = {};
    for (const r of records) {
      ensureTransaction(run);
      task.process(r.topic, r.key, r.value, r.timestampMs, r.offset);
      rt.consumed[tpKey(r.topic, r.partition)] = r.offset + 1;
      rt.dirty = true;
      addMoves(edges, drain(run, rt, task));
    }
    run.ctx.emit('streams.processed', {
      ...names(self),
      task: rt.id,
      records: records.length,
      streamTimeMs: task.streamTimeMs,
      timestamps: records.slice(0, 200).map((r) => r.timestampMs),
      edges,
    });
  }
}

function ensureTransaction(run: Run): void {
  const v = run.self.volatile;
  if (!eos(run.self) || v.inTxn) return;
  v.inTxn = true;
  run.producer((ctx, p) => beginTransaction(ctx, p));
}

/** Sends what the task produced: sink and repartition records, and its changelog writes. */
function addMoves(into: Record<string, number>, moves: Record<string, number>): void {
  for (const [edge, n] of Object.entries(moves)) into[edge] = (into[edge] ?? 0) + n;
}

/** Sends what the task produced; returns the records that passed each edge (for the views). */
function drain(run: Run, rt: TaskRuntime, task: StreamTask): Record<string, number> {
  const out = task.take();
  if (out.records.length === 0 && out.changelog.length === 0 && out.drops.length === 0) return out.moves;
  const d = run.self.durable;
  ensureTransaction(run);
  run.producer((ctx, p) => {
    for (const r of out.records)
      acceptRecord(ctx, p, r.topic, { key: r.key, value: r.value, timestamp: r.timestampMs }, -1, 0);
    const ts = Math.max(0, task.streamTimeMs);
    for (const w of out.changelog) {
      const topic = `${d.app}-${w.store}-changelog`;
      acceptRecord(ctx, p, topic, { key: w.key, value: w.value, timestamp: ts }, rt.partition, 0);
    }
  });
  for (const drop of out.drops) {
    run.ctx.emit('streams.dropped', {
      ...names(run.self),
      task: rt.id,
      node: drop.node,
      message: drop.message,
      timestampMs: drop.timestampMs,
    });
  }
  return out.moves;
}

// ----- commits -----

export function onCommitTimer(run: Run): void {
  scheduleCommit(run);
  const v = run.self.volatile;
  if (v.commit !== null) return;
  const dirty = Object.values(v.tasks).filter((t) => t.state === 'running' && t.dirty);
  if (dirty.length === 0) return;
  startCommit(run, dirty);
}

function startCommit(run: Run, tasks: TaskRuntime[]): void {
  const self = run.self;
  const v = self.volatile;
  const offsets: Offsets = [];
  for (const rt of tasks) {
    const task = taskOf(self, rt);
    task.commit(); // flush the record caches: what they held back is forwarded now
    const edges = drain(run, rt, task);
    if (Object.keys(edges).length > 0)
      run.ctx.emit('streams.flushed', { ...names(self), task: rt.id, edges });
    for (const [key, offset] of Object.entries(rt.consumed)) {
      const cut = key.lastIndexOf('-');
      offsets.push({ topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset });
    }
  }
  if (v.commit) {
    v.commit.offsets.push(...offsets);
    return;
  }
  if (!eos(self)) {
    v.commit = { phase: 'flush', offsets };
    return checkFlush(run);
  }
  ensureTransaction(run);
  const g = v.consumer.group;
  const meta = { generationId: g?.generation ?? -1, memberId: g?.memberId ?? '', groupInstanceId: null };
  v.commit = { phase: 'txn', offsets };
  run.producer((ctx, p) => {
    if (offsets.length > 0) sendOffsetsToTransaction(ctx, p, self.durable.app, offsets, meta);
    endTransaction(ctx, p, 'COMMIT');
  });
}

/** at_least_once: once every record sent is acknowledged, commit the input offsets. */
function checkFlush(run: Run): void {
  const v = run.self.volatile;
  if (v.commit?.phase !== 'flush') return;
  const p = v.producer;
  if (p.queuedRecords > 0 || p.inFlightBatches > 0) return;
  const offsets = v.commit.offsets;
  if (offsets.length > 0) run.consumer('c', (ctx, c) => commit(ctx, c, offsets));
  committed(run, offsets);
}

function committed(run: Run, offsets: Offsets): void {
  const v = run.self.volatile;
  v.commit = null;
  for (const rt of Object.values(v.tasks)) {
    for (const o of offsets) {
      const key = tpKey(o.topic, o.partition);
      if (rt.consumed[key] === o.offset) rt.committed[key] = o.offset;
    }
    rt.dirty = false;
  }
  run.ctx.emit('streams.committed', {
    ...names(run.self),
    guarantee: run.self.durable.config.guarantee,
    offsets,
  });
}

// ----- tasks and restoration -----

function onRevoked(run: Run, partitions: { topic: string; partition: number }[]): void {
  const self = run.self;
  const v = self.volatile;
  const topo = topoOf(self);
  const ids = new Set(partitions.map((tp) => `${topo.sourceSub.get(tp.topic) ?? -1}_${tp.partition}`));
  const revoked = Object.values(v.tasks).filter((t) => ids.has(t.id));
  for (const tp of partitions) delete v.ts[tpKey(tp.topic, tp.partition)];
  // Kafka commits the revoked tasks before giving them up (under exactly-once, their transaction:
  // still valid, since the generation moves only when the join completes; if it fails, the abort
  // marks them corrupted and they restore).
  const running = revoked.filter((t) => t.state === 'running' && t.dirty);
  if (running.length > 0 && v.commit === null) startCommit(run, running);
  for (const rt of revoked) {
    if (rt.state === 'restoring') delete v.tasks[rt.id];
    else {
      rt.state = 'suspended';
      rt.queue = [];
    }
  }
  updateRestoreAssignment(run, []);
}

function syncTasks(run: Run, generation: number): void {
  const self = run.self;
  const v = self.volatile;
  const topo = topoOf(self);
  v.generation = generation;
  const wanted = new Map<string, { sub: number; partition: number }>();
  for (const p of Object.values(v.consumer.assigned)) {
    const sub = topo.sourceSub.get(p.topic);
    if (sub !== undefined) wanted.set(`${sub}_${p.partition}`, { sub, partition: p.partition });
  }
  const standbys = standbyTasks(self, new Set(wanted.keys()));
  const standbyIds = new Set(standbys.map((t) => t.id));
  for (const [id, rt] of Object.entries(v.tasks)) {
    if (wanted.has(id) || (rt.state === 'standby' && standbyIds.has(id))) continue;
    delete v.tasks[id];
  }
  const fresh: TaskRuntime[] = [];
  const promoted: TaskRuntime[] = [];
  for (const [id, w] of wanted) {
    const old = v.tasks[id];
    if (old?.state === 'standby') {
      // The warm copy becomes the active task: it restores from where the standby had read to.
      old.state = 'restoring';
      old.restored = 0;
      for (const c of old.changelogs) c.done = false;
      promoted.push(old);
      continue;
    }
    if (old?.state === 'suspended') {
      // A clean suspended task resumes where it stopped, without restoring.
      old.state = 'running';
      for (const [key, offset] of Object.entries(old.consumed)) {
        const cut = key.lastIndexOf('-');
        const tp = { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)) };
        run.consumer('c', (ctx, c) => seekTo(ctx, c, tp, offset));
      }
      continue;
    }
    if (old) continue;
    const rt = newTaskRuntime(self, id, w.sub, w.partition, 'restoring');
    v.tasks[id] = rt;
    fresh.push(rt);
  }
  for (const t of standbys) {
    if (v.tasks[t.id]) continue;
    const rt = newTaskRuntime(self, t.id, t.subtopology, t.partition, 'standby');
    v.tasks[t.id] = rt;
    taskOf(self, rt); // build the stores its changelog records go into
    fresh.push(rt);
  }
  run.ctx.emit('streams.tasksAssigned', {
    ...names(self),
    generation,
    active: [...wanted.keys()].sort(),
    standby: [...standbyIds].sort(),
  });
  for (const rt of fresh) if (rt.state === 'restoring') beginRestore(run, rt);
  for (const rt of promoted) beginRestore(run, rt, true);
  updateRestoreAssignment(run, fresh);
}

function beginRestore(run: Run, rt: TaskRuntime, fromStandby = false): void {
  taskOf(run.self, rt); // build the processors (and their restorers) over the fresh data
  if (rt.changelogs.length === 0) {
    rt.state = 'running';
    run.ctx.emit('streams.taskRunning', { ...names(run.self), task: rt.id, restoredRecords: 0 });
    return;
  }
  run.ctx.emit('streams.taskRestoring', {
    ...names(run.self),
    task: rt.id,
    changelogs: rt.changelogs.map((c) => ({ topic: c.topic, partition: c.partition })),
    fromStandby,
  });
}

/**
 * The restore consumer reads exactly the changelog partitions of the tasks still restoring, and
 * those of the standby tasks (which follow them for good).
 */
function updateRestoreAssignment(run: Run, fresh: TaskRuntime[]): void {
  const v = run.self.volatile;
  const parts = Object.values(v.tasks)
    .filter((t) => t.state === 'restoring' || t.state === 'standby')
    .flatMap((t) =>
      t.changelogs
        .filter((c) => t.state === 'standby' || !c.done)
        .map((c) => ({ topic: c.topic, partition: c.partition })),
    );
  const current = (run.self.durable.restore.manual ?? [])
    .map((tp) => tpKey(tp.topic, tp.partition))
    .join(',');
  const next = parts.map((tp) => tpKey(tp.topic, tp.partition)).join(',');
  if (current !== next) run.consumer('r', (ctx, c) => assign(ctx, c, parts));
  // A task restoring again reads its changelog from the start, wherever the consumer was.
  for (const rt of fresh)
    for (const c of rt.changelogs)
      if (v.restore.assigned[tpKey(c.topic, c.partition)])
        run.consumer('r', (ctx, cons) => seekTo(ctx, cons, c, 'beginning'));
}

function restoreRecords(run: Run, records: EventMap['consumer.received']['records']): void {
  const self = run.self;
  const v = self.volatile;
  const steps = new Map<
    string,
    { rt: TaskRuntime; store: string; topic: string; partition: number; from: number; to: number; n: number }
  >();
  for (const r of records) {
    const rt = Object.values(v.tasks).find(
      (t) =>
        (t.state === 'restoring' || t.state === 'standby') &&
        t.partition === r.partition &&
        t.changelogs.some((c) => c.topic === r.topic),
    );
    if (!rt) continue;
    const store = topoOf(self).storeOf.get(r.topic)!;
    if (r.key !== null) taskOf(self, rt).restore(store, r.key, r.value);
    if (rt.state === 'restoring') rt.restored++;
    const k = `${rt.id}|${r.topic}`;
    const s = steps.get(k) ?? {
      rt,
      store,
      topic: r.topic,
      partition: r.partition,
      from: r.offset,
      to: r.offset,
      n: 0,
    };
    s.to = r.offset;
    s.n++;
    steps.set(k, s);
  }
  for (const s of steps.values()) {
    if (s.rt.state === 'standby') {
      run.ctx.emit('streams.standbyUpdated', {
        ...names(self),
        task: s.rt.id,
        store: s.store,
        topic: s.topic,
        partition: s.partition,
        toOffset: s.to,
        records: s.n,
      });
      continue;
    }
    run.ctx.emit('streams.restored', {
      ...names(self),
      task: s.rt.id,
      store: s.store,
      topic: s.topic,
      partition: s.partition,
      fromOffset: s.from,
      toOffset: s.to,
      records: s.n,
    });
  }
}

/** A changelog is restored once the restore consumer's position reaches its end (HW, or LSO). */
function checkRestores(run: Run): void {
  const v = run.self.volatile;
  let changed = false;
  for (const rt of Object.values(v.tasks)) {
    if (rt.state !== 'restoring') continue;
    for (const c of rt.changelogs) {
      if (c.done) continue;
      const p = v.restore.assigned[tpKey(c.topic, c.partition)];
      if (!p || p.need !== 'ready' || p.position === null || p.highWatermark === null || p.buffered) continue;
      if (p.position >= p.highWatermark) c.done = true;
    }
    if (rt.changelogs.every((c) => c.done)) {
      rt.state = 'running';
      changed = true;
      run.ctx.emit('streams.taskRunning', { ...names(run.self), task: rt.id, restoredRecords: rt.restored });
    }
  }
  if (changed) updateRestoreAssignment(run, []);
}

/** exactly_once_v2 after an abort: the dirty tasks' stores are wiped and rebuilt, input rewound. */
function corrupt(run: Run, reason: string): void {
  const v = run.self.volatile;
  const dirty = Object.values(v.tasks).filter((t) => t.dirty);
  if (dirty.length === 0) return;
  for (const rt of dirty) {
    rt.data = newTaskData();
    rt.state = 'restoring';
    rt.restored = 0;
    rt.queue = [];
    rt.dirty = false;
    for (const c of rt.changelogs) {
      c.done = false;
      c.fromOffset = -1;
    }
    rt.consumed = { ...rt.committed };
    for (const tp of topoOf(run.self).sources[rt.subtopology]!) {
      const key = tpKey(tp, rt.partition);
      const to = rt.committed[key] ?? v.consumer.assigned[key]?.committed ?? 'beginning';
      if (v.consumer.assigned[key])
        run.consumer('c', (ctx, c) => seekTo(ctx, c, { topic: tp, partition: rt.partition }, to));
    }
  }
  run.ctx.emit('streams.tasksCorrupted', { ...names(run.self), tasks: dirty.map((t) => t.id), reason });
  for (const rt of dirty) beginRestore(run, rt);
  updateRestoreAssignment(run, dirty);
}
