/**
 * The RPCs around the playhead, kept from the event batches: each `rpc.sent` with its outcome
 * once `rpc.delivered` or `rpc.dropped` arrives. What is drawn is a pure function of this and the
 * playhead (`inFlightAt`), so pausing freezes a message mid-flight and screenshots are stable.
 *
 * Plain data, not runes: hundreds of messages change every frame, and the canvas redraws from it
 * directly; the component bumps one reactive counter per batch instead of proxying each message.
 */
import type { DropReason, EngineEvent, EventOf, NodeId } from '../../engine';

export interface Flight {
  id: number;
  from: NodeId;
  to: NodeId;
  kind: string;
  sentAtMs: number;
  deliverAtMs: number;
  inReplyTo?: number;
  body: unknown;
  /** Known once the outcome's event has arrived (at `deliverAtMs`). */
  outcome?: { type: 'delivered' } | { type: 'dropped'; reason: DropReason };
}

/** How long (virtual ms) a dropped message stays on screen after it was dropped. */
export const DROP_LINGER_MS = 400;
/** Finished messages are kept this long (virtual ms) so a small step back still finds them. */
const RETAIN_MS = 2_000;

interface BatchLike {
  events: readonly EngineEvent[];
  nowMs: number;
  /** The position jumped (time travel, a load): `events` are the newest few, not new ones. */
  reset?: boolean;
}

export class FlightTracker {
  private readonly flights = new Map<number, Flight>();
  private lastSeq = 0;
  private nowMs = 0;

  get size(): number {
    return this.flights.size;
  }

  get(id: number): Flight | undefined {
    return this.flights.get(id);
  }

  apply(batch: BatchLike): void {
    const first = batch.events[0];
    // After a jump, or in a new simulation (ids start over), rebuild from the events given: the
    // messages still in the air among them are the ones in flight at the new position.
    if (batch.reset || first?.seq === 1) this.flights.clear();
    else if (batch.nowMs < this.nowMs || (first && first.seq <= this.lastSeq)) this.rewind(batch.nowMs);
    for (const e of batch.events) {
      if (e.type === 'rpc.sent') this.flights.set(e.id, toFlight(e));
      else if (e.type === 'rpc.delivered') this.settle(e.id, { type: 'delivered' });
      else if (e.type === 'rpc.dropped') this.settle(e.id, { type: 'dropped', reason: e.reason });
    }
    const last = batch.events.at(-1);
    if (last) this.lastSeq = last.seq;
    this.nowMs = batch.nowMs;
    this.prune();
  }

  /**
   * Messages to draw at `atMs`: in the air (sent, not yet due), plus dropped ones for a short
   * while after their drop so the learner sees them fall. Ordered by id, so drawing is stable.
   */
  inFlightAt(atMs: number): Flight[] {
    const out: Flight[] = [];
    for (const f of this.flights.values()) if (visibleAt(f, atMs)) out.push(f);
    return out;
  }

  /** The playhead moved back: forget the future beyond it, it will be replayed or forked. */
  private rewind(toMs: number): void {
    for (const [id, f] of this.flights) {
      if (f.sentAtMs > toMs) this.flights.delete(id);
      else if (f.deliverAtMs > toMs) delete f.outcome;
    }
  }

  private settle(id: number, outcome: NonNullable<Flight['outcome']>): void {
    const f = this.flights.get(id);
    if (f) f.outcome = outcome;
  }

  private prune(): void {
    for (const [id, f] of this.flights) {
      if (f.outcome && f.deliverAtMs + Math.max(RETAIN_MS, DROP_LINGER_MS) < this.nowMs)
        this.flights.delete(id);
    }
  }
}

export function visibleAt(f: Flight, atMs: number): boolean {
  if (f.sentAtMs > atMs) return false;
  if (atMs < f.deliverAtMs) return true;
  return f.outcome?.type === 'dropped' && atMs < f.deliverAtMs + DROP_LINGER_MS;
}

/** How far along its way a message is at `atMs`: 0 at send, 1 at delivery. */
export function progressAt(f: Flight, atMs: number): number {
  const span = f.deliverAtMs - f.sentAtMs;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (atMs - f.sentAtMs) / span));
}

function toFlight(e: EventOf<'rpc.sent'>): Flight {
  const f: Flight = {
    id: e.id,
    from: e.from,
    to: e.to,
    kind: e.kind,
    sentAtMs: e.sentAtMs,
    deliverAtMs: e.deliverAtMs,
    body: e.body,
  };
  if (e.inReplyTo !== undefined) f.inReplyTo = e.inReplyTo;
  return f;
}
