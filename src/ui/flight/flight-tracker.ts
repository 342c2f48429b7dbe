/**
 * The RPCs around the playhead, kept from the event batches: each `rpc.sent` with its outcome
 * once `rpc.delivered` or `rpc.dropped` arrives. What is drawn is a pure function of this and the
 * playhead (`inFlightAt`), so pausing freezes a message mid-flight and screenshots are stable.
 *
 * Plain data, not runes: hundreds of messages change every frame, and the canvas redraws from it
 * directly; the component bumps one reactive counter per batch instead of proxying each message.
 */
import type {
  ClusterSnapshot,
  DropReason,
  EngineEvent,
  EventOf,
  InFlightMessage,
  NodeId,
} from '../../engine';
import type { BatchMove } from '../batch-continuity';

export interface Flight {
  id: number;
  from: NodeId;
  to: NodeId;
  kind: string;
  sentAtMs: number;
  deliverAtMs: number;
  inReplyTo?: number;
  /** Its fields, from its `rpc.sent` (absent after a jump when that event was not in the batch). */
  body?: unknown;
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
  /** The messages on the wire at `nowMs` (from the scheduler): after a jump, exactly what flies. */
  snapshot?: Pick<ClusterSnapshot, 'inFlight'>;
}

const STEP: BatchMove = { kind: 'step' };

export class FlightTracker {
  private readonly flights = new Map<number, Flight>();
  private nowMs = 0;

  get size(): number {
    return this.flights.size;
  }

  get(id: number): Flight | undefined {
    return this.flights.get(id);
  }

  /**
   * `move` is the batch's classification (batch-continuity.ts). A step forward plays its events on
   * top of what is drawn, so every message keeps flying; a jump draws exactly the snapshot's
   * messages in flight, nothing rebuilt from the newest events.
   */
  apply(batch: BatchLike, move: BatchMove = STEP): void {
    if (move.kind === 'jump' && batch.snapshot) this.jumpTo(batch.snapshot.inFlight, batch.events);
    else {
      for (const e of batch.events) {
        if (e.type === 'rpc.sent') this.flights.set(e.id, toFlight(e));
        else if (e.type === 'rpc.delivered') this.settle(e.id, { type: 'delivered' });
        else if (e.type === 'rpc.dropped') this.settle(e.id, { type: 'dropped', reason: e.reason });
      }
    }
    this.nowMs = batch.nowMs;
    this.prune();
  }

  /** The messages in the air at `nowMs`, as the scheduler lists them, with the bodies the batch has. */
  private jumpTo(inFlight: readonly InFlightMessage[], events: readonly EngineEvent[]): void {
    const bodies = new Map<number, unknown>();
    for (const e of events) if (e.type === 'rpc.sent') bodies.set(e.id, e.body);
    this.flights.clear();
    for (const m of inFlight) {
      const f: Flight = {
        id: m.id,
        from: m.from,
        to: m.to,
        kind: m.kind,
        sentAtMs: m.sentAtMs,
        deliverAtMs: m.deliverAtMs,
      };
      if (m.inReplyTo !== undefined) f.inReplyTo = m.inReplyTo;
      if (bodies.has(m.id)) f.body = bodies.get(m.id);
      this.flights.set(m.id, f);
    }
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
