/**
 * The comparison's diagrams (pure): the shared time window both sides are drawn over, and where a
 * finding or the first divergence sits (the node's lifeline and the time).
 */
import type { Divergence, EngineEvent, Finding, NodeId } from '../../engine';
import type { Arrow } from '../spacetime/spacetime-layout';

export interface Mark {
  atMs: number;
  /** The lifeline it sits on; null: across the whole diagram. */
  node: NodeId | null;
  label: string;
  /** Finding marks: the finding; null for the divergence. */
  findingId: string | null;
}

/**
 * Both diagrams show the same window: from a little before the runs part to a few seconds after
 * the last finding on either side (or the later end, for `whole`).
 */
export function sharedWindow(
  divergence: Divergence | null,
  ends: readonly number[],
  findings: readonly Finding[],
  whole = false,
): { fromMs: number; toMs: number } {
  const end = Math.max(...ends, 1);
  const at = divergence?.events.find((e) => e !== undefined)?.atMs ?? 0;
  const fromMs = whole ? 0 : Math.max(0, Math.min(at - 500, end - 1000));
  const last = Math.max(
    at,
    ...findings.map((f) => f.atMs),
    ...(divergence?.counterparts ?? []).map((c) => c ?? 0),
  );
  const toMs = whole ? end : Math.min(end, Math.max(last + 4000, fromMs + 8000));
  return { fromMs, toMs };
}

/**
 * Every kind of message bundled by sender, receiver, kind and slice of time, dropped ones apart:
 * over many seconds, a retry loop or fetch chatter becomes one counted arrow per slice.
 */
export function bundleAll(arrows: readonly Arrow[], sliceMs: number): Arrow[] {
  const out: Arrow[] = [];
  const open = new Map<string, Arrow>();
  for (const a of arrows) {
    const key = `${a.from}|${a.to}|${a.kind}|${a.dropped ?? ''}|${Math.floor(a.sentAtMs / sliceMs)}`;
    const b = open.get(key);
    if (b) {
      b.count++;
      b.deliverAtMs = Math.max(b.deliverAtMs, a.deliverAtMs);
    } else {
      const first = { ...a };
      open.set(key, first);
      out.push(first);
    }
  }
  return out;
}

/** Whole seconds in the window, for the time axis (at most about 12 ticks). */
export function ticks(fromMs: number, toMs: number): number[] {
  const step = Math.max(1000, Math.ceil((toMs - fromMs) / 12 / 1000) * 1000);
  const out: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) out.push(t);
  return out;
}

/** The node an event happened at (a message's sender), when the event names one. */
export function nodeOfEvent(e: EngineEvent | undefined): NodeId | null {
  if (!e) return null;
  if (e.type === 'rpc.sent' || e.type === 'rpc.dropped') return e.from;
  if (e.type === 'rpc.delivered') return e.to;
  const f = e as unknown as Record<string, unknown>;
  if (typeof f.node === 'string') return f.node;
  if (typeof f.broker === 'number') return `broker-${f.broker}`;
  if (typeof f.producer === 'string') return `producer:${f.producer}`;
  if (typeof f.consumer === 'string') return `consumer:${f.consumer}`;
  return null;
}

/**
 * Which side's event is the difference: the one the other run does not have at the same time
 * (the other side's event is often the same event, only shifted one place by it).
 */
export function divergentSide(d: Divergence): 0 | 1 {
  const shifted = (i: 0 | 1) => d.events[i] !== undefined && d.counterparts[i] === d.events[i]!.atMs;
  return shifted(0) && !shifted(1) ? 1 : 0;
}

/**
 * Where to mark the divergence on a side: the divergent event on its own side, and the same
 * event where the other run has it (if it does), else that side's own event at that position.
 */
export function divergenceMark(divergence: Divergence | null, side: 0 | 1): Mark | null {
  if (!divergence) return null;
  const p = divergentSide(divergence);
  const e = divergence.events[p];
  const other = divergence.counterparts[p];
  if (side !== p && e && other !== null)
    return { atMs: other, node: nodeOfEvent(e), label: 'the same event here', findingId: null };
  const own = divergence.events[side];
  return own ? { atMs: own.atMs, node: nodeOfEvent(own), label: 'first divergence', findingId: null } : null;
}

/** A finding sits on the client it is about (the producer told, the consumer that read). */
export function findingMarks(findings: readonly Finding[]): Mark[] {
  return findings.map((f) => ({
    atMs: f.atMs,
    node: f.consumer ? `consumer:${f.consumer}` : f.producer ? `producer:${f.producer}` : null,
    label: `✕ ${f.kind === 'lost-write' ? 'lost' : f.kind} @${f.offset}`,
    findingId: f.id,
  }));
}
