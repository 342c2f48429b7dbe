/**
 * The trace's events that make up the lives of the newest sends, up to the playhead: what a batch
 * that jumps (a seek, a step back, a session opened part-way) carries so the produce view
 * (src/ui/produce/send-tracker.ts) rebuilds every life exactly as playing there would have built
 * it, from the causal ids (`producer.batchSent.commandIds`, `partition.appended.requestId`, the
 * acknowledgement's `commandId`) and the replication events that follow.
 *
 * The tracker and this module share one definition of which sends are "newest"
 * (bridge/send-window.ts): accepted within the last SEND_WINDOW_EVENTS events of the trace, and at
 * most SENDS_KEPT of them. Both sides apply it, so a seek and a play to the same point hold the
 * same lives.
 */
import type { ClusterSnapshot, EngineEvent, EventOf, EventType } from '../engine';
import { SEND_WINDOW_EVENTS, SENDS_KEPT } from '../bridge/send-window';

/** Every event a send's life is read from. */
export const SEND_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'command.accepted',
  'producer.queued',
  'producer.batchSent',
  'partition.appended',
  'replica.appended',
  'replica.truncated',
  'partition.highWatermarkMoved',
  'partition.changed',
  'producer.acked',
  'producer.failed',
  'producer.transactionBegun',
  'producer.transactionCommitted',
  'producer.transactionAborted',
  'transaction.aborted',
]);

/** The events that open or close a producer's transaction. */
const TXN_EDGES: ReadonlySet<EventType> = new Set<EventType>([
  'producer.transactionBegun',
  'producer.transactionCommitted',
  'producer.transactionAborted',
  'transaction.aborted',
]);

/** Events read per slice of the backward scan. */
const CHUNK = 2048;

export interface TraceReader {
  length: number;
  read(from: number, to: number): readonly (EngineEvent | undefined)[];
}

/** Is this the acceptance of one `producer.send` (a burst is accepted as its sends, one by one)? */
export function isSendAccepted(e: EngineEvent): e is EventOf<'command.accepted'> {
  return e.type === 'command.accepted' && e.command.type === 'producer.send';
}

/**
 * The send events of the window, oldest first. Where the scan stops (the window's start or the
 * acceptance before the newest SENDS_KEPT), each transactional producer's last transaction edge
 * before it is added too, so a kept send knows whether it was made inside a transaction.
 */
export function sendHistory(trace: TraceReader, snapshot: Pick<ClusterSnapshot, 'producers'>): EngineEvent[] {
  // No producer, no send: a cluster without one (most lessons' first steps) scans nothing.
  if (snapshot.producers.length === 0) return [];
  const windowStart = Math.max(0, trace.length - SEND_WINDOW_EVENTS);
  const picked: EngineEvent[] = []; // newest first
  let sends = 0;
  let stop = windowStart;
  scan: for (let to = trace.length; to > windowStart; to -= CHUNK) {
    const from = Math.max(windowStart, to - CHUNK);
    const chunk = trace.read(from, to);
    for (let i = chunk.length - 1; i >= 0; i--) {
      const e = chunk[i];
      if (e === undefined || !SEND_EVENT_TYPES.has(e.type)) continue;
      if (e.type === 'command.accepted') {
        if (!isSendAccepted(e)) continue;
        if (sends === SENDS_KEPT) {
          stop = from + i + 1;
          break scan;
        }
        sends++;
      }
      picked.push(e);
    }
  }
  const edges = transactionEdgesBefore(trace, stop, snapshot);
  return [...edges, ...ofKeptSends(picked.reverse())];
}

/**
 * Drops what only concerns sends older than the kept ones. A burst is accepted all at once and
 * acknowledged later, so the scan back from the newest events passes every acknowledgement of the
 * burst before it reaches the acceptances it keeps: without this, a Back after a burst of 1000
 * shipped ~800 acknowledgements of sends the view does not keep (~200 kB per jump), which the
 * tracker then ignored.
 */
function ofKeptSends(events: EngineEvent[]): EngineEvent[] {
  const kept = new Set<number>();
  for (const e of events) if (isSendAccepted(e)) kept.add(e.commandId);
  return events.filter((e) => {
    switch (e.type) {
      case 'producer.queued':
      case 'producer.acked':
      case 'producer.failed':
        return kept.has(e.commandId);
      case 'producer.batchSent':
        return e.commandIds.some((id) => kept.has(id));
      default:
        return true;
    }
  });
}

/**
 * Each transactional producer's newest transaction edge before `stop` (oldest first). Only
 * producers with a transactional.id can have one, so the scan back ends at once without them.
 */
function transactionEdgesBefore(
  trace: TraceReader,
  stop: number,
  snapshot: Pick<ClusterSnapshot, 'producers'>,
): EngineEvent[] {
  const wanted = new Set(snapshot.producers.filter((p) => p.transactionalId).map((p) => p.id));
  const byTxnId = new Map(snapshot.producers.map((p) => [p.transactionalId, p.id]));
  const found: EngineEvent[] = [];
  for (let to = stop; to > 0 && wanted.size > 0; to -= CHUNK) {
    const chunk = trace.read(Math.max(0, to - CHUNK), to);
    for (let i = chunk.length - 1; i >= 0 && wanted.size > 0; i--) {
      const e = chunk[i];
      if (e === undefined || !TXN_EDGES.has(e.type)) continue;
      // The coordinator's abort (a timeout) names the transactional.id, not the producer.
      const producer =
        'producer' in e ? e.producer : 'transactionalId' in e ? byTxnId.get(e.transactionalId) : undefined;
      if (producer === undefined || !wanted.delete(producer)) continue;
      found.push(e);
    }
  }
  return found.reverse();
}
