/**
 * Lesson 8's measurements: when the ISR of orders-0 shrank, and how long each acks=all write of
 * the step took from its command to its acknowledgement (virtual ms, from the engine's events).
 */
import type { ClusterSnapshot, EngineEvent } from '../../engine';
import { eventsOf, partitionOf } from '../facts';

/** The ISR of orders-0 lost a member during the step (against the ISR when it began). */
export function shrankIn(stepEvents: readonly EngineEvent[], entry: ClusterSnapshot | undefined): boolean {
  const before = entry ? (partitionOf(entry, 'orders', 0)?.isr.length ?? 0) : 0;
  return eventsOf(stepEvents, 'partition.changed').some((e) => e.topic === 'orders' && e.isr.length < before);
}

export interface AckLatency {
  value: string;
  sentAtMs: number;
  ackedAtMs?: number;
}

/** Each send of the step, in order: when it was accepted and when it was acknowledged. */
export function ackLatencies(stepEvents: readonly EngineEvent[]): AckLatency[] {
  const sends = new Map<number, AckLatency>();
  for (const e of stepEvents) {
    if (e.type === 'command.accepted' && e.command.type === 'producer.send')
      sends.set(e.commandId, { value: e.command.value, sentAtMs: e.atMs });
    else if (e.type === 'producer.acked') {
      const send = sends.get(e.commandId);
      if (send && send.ackedAtMs === undefined) send.ackedAtMs = e.atMs;
    }
  }
  return [...sends.values()];
}
