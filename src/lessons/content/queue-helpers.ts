/**
 * Small pure helpers for the lessons on the message queue (1–3): read the snapshot's queues and
 * services, and pair a handled message with when it was sent. Snapshot and events only.
 */
import type { ClusterSnapshot, EngineEvent, QueueSnapshot, ServiceSnapshot } from '../../engine';
import { eventsOf } from '../facts';

export function queueOf(snapshot: ClusterSnapshot | undefined, name: string): QueueSnapshot | undefined {
  return snapshot?.queues?.find((q) => q.name === name);
}

export function serviceOf(snapshot: ClusterSnapshot | undefined, node: string): ServiceSnapshot | undefined {
  return snapshot?.services?.find((s) => s.node === node);
}

/** Workers and batch jobs reading `queue`. */
export function queueConsumers(snapshot: ClusterSnapshot, queue: string): ServiceSnapshot[] {
  return (snapshot.services ?? []).filter(
    (s) => (s.role === 'worker' || s.role === 'batch' || s.role === 'account') && s.queue === queue,
  );
}

/** How long after it was sent each handled message was handled (ms), where the send is known. */
export function handlingDelaysMs(history: readonly EngineEvent[], worker: string): number[] {
  const sentAt = new Map(eventsOf(history, 'queue.messageSent').map((e) => [e.messageId, e.atMs]));
  return eventsOf(history, 'worker.handled')
    .filter((e) => e.worker === worker)
    .flatMap((e) => {
      const at = sentAt.get(e.messageId);
      return at === undefined ? [] : [e.atMs - at];
    });
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A transfer command as the account service reads it (JSON, never run). */
export function transfer(transactionId: string, from: string, to: string, amount: number): string {
  return JSON.stringify({ type: 'InitiateTransaction', transactionId, from, to, amount });
}

export function queueLine(snapshot: ClusterSnapshot, name: string): string {
  const q = queueOf(snapshot, name);
  if (!q) return `Queue ${name} does not exist yet.`;
  return `Queue ${name}: ${q.ready} ready, ${q.inFlight} in flight, ${q.deleted} deleted.`;
}
