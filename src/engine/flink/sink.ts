/**
 * Flink's KafkaSink as a two-phase-commit sink, on the engine's real transactional producer.
 *
 * exactly-once: records go into a Kafka transaction named `<prefix>-<subtask>-<checkpointId>` (one
 * producer per checkpoint, as Flink's KafkaSink names them). On barrier n the transaction is flushed
 * (pre-commit) and a new one opens for n+1; only when the JobManager reports checkpoint n complete
 * is transaction n committed. Until then read_committed readers do not see its records. After a
 * restore from checkpoint C, the transactions recorded in C are committed (their producer id and
 * epoch resumed, as Flink does) and every later id this subtask could have opened is fenced by
 * InitProducerId, which aborts it.
 *
 * at-least-once: one idempotent producer; a barrier waits until everything sent is acknowledged
 * (flush) and no transaction hides what a crash replays: duplicates appear.
 */
import { resolveProducerConfig } from '../client/producer-config';
import { acceptRecord } from '../client/producer';
import { beginTransaction, endTransaction, newTxnClient } from '../client/producer-txn';
import type { ProducerNode } from '../client/producer-state';
import type { ClientRun } from './tm-clients';
import type { Committable, JobDef, SinkRuntime, TaskManagerVolatile } from './flink-state';

const TXN_TIMEOUT_MS = 60000;

export const txnIdFor = (job: JobDef, subtask: number, checkpointId: number): string =>
  `${job.txnPrefix}-${subtask}-${checkpointId}`;

function addProducer(
  run: ClientRun,
  bootstrap: string[],
  name: string,
  config: Record<string, string | number>,
) {
  run.add(name, { kind: 'producer', durable: { name, config: resolveProducerConfig(config), bootstrap } });
}

/** A writer opening the transaction for `checkpointId` (exactly-once), or the one producer. */
function openWriter(
  run: ClientRun,
  bootstrap: string[],
  job: JobDef,
  subtask: number,
  sink: SinkRuntime,
  checkpointId: number,
) {
  if (sink.guarantee === 'at-least-once') {
    const name = `sink-${subtask}`;
    addProducer(run, bootstrap, name, { acks: 'all' });
    sink.writer = name;
    return;
  }
  const txnId = txnIdFor(job, subtask, checkpointId);
  const name = `sink-${subtask}-txn-${checkpointId}`;
  addProducer(run, bootstrap, name, { 'transactional.id': txnId, 'transaction.timeout.ms': TXN_TIMEOUT_MS });
  run.as(name, (ctx, p) => beginTransaction(ctx, p as ProducerNode));
  sink.writer = name;
  sink.writerTxnId = txnId;
}

export function newSink(
  run: ClientRun,
  task: string,
  bootstrap: string[],
  job: JobDef,
  subtask: number,
  nextCheckpointId: number,
  restore: Committable[] | null,
  abortFrom: number,
): SinkRuntime {
  const sink: SinkRuntime = {
    guarantee: job.guarantee,
    topic: job.plan.sinkTopic,
    writer: '',
    writerTxnId: null,
    preCommitted: [],
    recovering: [],
    segment: 0,
    flushQueue: [],
    held: [],
  };
  if (job.guarantee === 'exactly-once') {
    // recoverAndCommit: resume each recorded transaction's producer id and epoch, then EndTxn(commit).
    for (const c of restore ?? []) {
      const name = `recover-commit-${c.transactionalId}`;
      addProducer(run, bootstrap, name, {
        'transactional.id': c.transactionalId,
        'transaction.timeout.ms': TXN_TIMEOUT_MS,
      });
      run.as(name, (_ctx, node) => {
        const p = node as ProducerNode;
        const v = p.volatile;
        v.producerId = c.producerId;
        v.producerEpoch = c.producerEpoch;
        // The start already woke the sender; its first pass finds the coordinator and ends the transaction.
        v.txn = { ...newTxnClient(), state: 'COMMITTING_TRANSACTION', end: 'COMMIT', started: true };
      });
      sink.recovering.push(name);
    }
    // recoverAndAbort: InitProducerId on every later id this subtask may have used fences and aborts it.
    const aborted: string[] = [];
    for (let id = abortFrom; id < nextCheckpointId; id++) {
      const txnId = txnIdFor(job, subtask, id);
      const name = `recover-abort-${txnId}`;
      addProducer(run, bootstrap, name, {
        'transactional.id': txnId,
        'transaction.timeout.ms': TXN_TIMEOUT_MS,
      });
      sink.recovering.push(name);
      aborted.push(txnId);
    }
    if (restore !== null || aborted.length > 0)
      run.ctx.emit('flink.sinkRecovered', {
        job: job.job,
        task,
        commit: (restore ?? []).map((c) => c.transactionalId).join(', ') || null,
        abort: aborted,
      });
  }
  openWriter(run, bootstrap, job, subtask, sink, nextCheckpointId);
  return sink;
}

function send(
  run: ClientRun,
  sink: SinkRuntime,
  client: string,
  key: string | null,
  value: string | null,
  ts: number,
) {
  run.as(client, (ctx, p) =>
    acceptRecord(ctx, p as ProducerNode, sink.topic, { key, value: value ?? '', timestamp: ts }, -1, 0),
  );
}

export function sinkWrite(
  run: ClientRun,
  sink: SinkRuntime,
  key: string | null,
  value: string | null,
  ts: number,
) {
  if (sink.flushQueue.length > 0) sink.held.push({ segment: sink.segment, key, value, ts });
  else send(run, sink, sink.writer, key, value, ts);
}

/**
 * Moves the blocked flushes on: the oldest segment's held records go to its producer; once that
 * producer has flushed, the next segment's turn comes. With nothing left to flush, the rest goes
 * to the current writer.
 */
export function advanceSink(run: ClientRun, state: TaskManagerVolatile, sink: SinkRuntime): void {
  for (;;) {
    const head = sink.flushQueue[0];
    const mine = (h: { segment: number }) => (head ? h.segment <= head.segment : true);
    const due = sink.held.filter(mine);
    if (due.length > 0) {
      sink.held = sink.held.filter((h) => !mine(h));
      for (const h of due) send(run, sink, head ? head.client : sink.writer, h.key, h.value, h.ts);
    }
    if (!head || !flushed(state, head.client)) return;
    sink.flushQueue.shift();
  }
}

/** Has the segment's flush finished (so its checkpoint may be acknowledged)? */
export function segmentFlushed(sink: SinkRuntime, segment: number): boolean {
  return !sink.flushQueue.some((e) => e.segment === segment);
}

/**
 * Barrier n reached the sink: pre-commit. Returns the producer whose flush the acknowledgement waits
 * for. Under exactly-once the writer's transaction is set aside and a new one opens.
 */
export function sinkPreCommit(
  run: ClientRun,
  bootstrap: string[],
  job: JobDef,
  subtask: number,
  sink: SinkRuntime,
  checkpointId: number,
): { client: string; segment: number } {
  const flush = { client: sink.writer, segment: sink.segment };
  sink.flushQueue.push(flush);
  sink.segment++;
  if (sink.guarantee === 'exactly-once') {
    sink.preCommitted.push({ checkpointId, client: flush.client, committable: null });
    openWriter(run, bootstrap, job, subtask, sink, checkpointId + 1);
  }
  return flush;
}

/** Is the producer's flush done? (nothing queued or in flight; a transactional one initialised). */
export function flushed(state: TaskManagerVolatile, client: string): boolean {
  const c = state.clients[client];
  if (!c || c.kind !== 'producer') return true;
  const v = c.volatile;
  return v.queuedRecords === 0 && v.inFlightBatches === 0;
}

/** The transaction a flushed producer holds, if any record reached it. */
export function committableOf(state: TaskManagerVolatile, client: string): Committable | null {
  const c = state.clients[client];
  if (!c || c.kind !== 'producer' || !c.volatile.txn?.started) return null;
  return {
    transactionalId: c.durable.config.transactionalId!,
    producerId: c.volatile.producerId,
    producerEpoch: c.volatile.producerEpoch,
  };
}

/** Checkpoint n complete: commit every pre-committed transaction up to n. */
export function sinkCommit(run: ClientRun, sink: SinkRuntime, checkpointId: number) {
  const due = sink.preCommitted.filter((p) => p.checkpointId <= checkpointId);
  sink.preCommitted = sink.preCommitted.filter((p) => p.checkpointId > checkpointId);
  for (const p of due) {
    const c = run.state.clients[p.client];
    if (!c || c.kind !== 'producer') continue;
    if (!c.volatile.txn?.started) {
      run.remove(p.client); // nothing was written in it: nothing to commit
      continue;
    }
    run.as(p.client, (ctx, node) => endTransaction(ctx, node as ProducerNode, 'COMMIT'));
  }
}
