/**
 * The space-time diagram's layout (pure): one lifeline per node, time downward, each RPC an arrow
 * from its send to its delivery (or its drop). Chatter (heartbeats and fetches) between the same
 * two nodes in the same slice of time is bundled into one counted arrow, as ShiViz collapses
 * runs of local events; "only what reached X" keeps X's causal past (happened-before).
 */
import type { EngineEvent, NodeId } from '../../engine';

export interface Arrow {
  /** The request or response id; a bundle keeps the first message's. */
  id: number;
  from: NodeId;
  to: NodeId;
  kind: string;
  sentAtMs: number;
  deliverAtMs: number;
  dropped: string | null;
  /** How many messages this arrow stands for (1 unless bundled). */
  count: number;
}

const CHATTER = new Set([
  'Fetch',
  'FetchResponse',
  'Heartbeat',
  'HeartbeatResponse',
  'BrokerHeartbeat',
  'BrokerHeartbeatResponse',
]);

/** Arrows of every RPC sent in the events, with their outcome if it is in the events too. */
export function arrowsOf(events: readonly EngineEvent[]): Arrow[] {
  const byId = new Map<number, Arrow>();
  for (const e of events) {
    if (e.type === 'rpc.sent') {
      byId.set(e.id, {
        id: e.id,
        from: e.from,
        to: e.to,
        kind: e.kind,
        sentAtMs: e.sentAtMs,
        deliverAtMs: e.deliverAtMs,
        dropped: null,
        count: 1,
      });
    } else if (e.type === 'rpc.dropped') {
      const a = byId.get(e.id);
      if (a) a.dropped = e.reason;
    }
  }
  return [...byId.values()];
}

/** Bundle chatter: same kind between the same nodes within one `sliceMs` slice becomes one arrow. */
export function bundle(arrows: readonly Arrow[], sliceMs: number): Arrow[] {
  const out: Arrow[] = [];
  // Keyed by (sender, receiver, kind) then slice: two short lookups cost less than building and
  // hashing a fresh string per message (a 10 s window of a busy cluster bundles ~1500 each draw).
  const open = new Map<string, Map<string, Map<string, Map<number, Arrow>>>>();
  for (const a of arrows) {
    if (!CHATTER.has(a.kind) || a.dropped) {
      out.push(a);
      continue;
    }
    let byTo = open.get(a.from);
    if (!byTo) open.set(a.from, (byTo = new Map()));
    let byKind = byTo.get(a.to);
    if (!byKind) byTo.set(a.to, (byKind = new Map()));
    let slices = byKind.get(a.kind);
    if (!slices) byKind.set(a.kind, (slices = new Map()));
    const slice = Math.floor(a.sentAtMs / sliceMs);
    const b = slices.get(slice);
    if (b) {
      b.count++;
      b.deliverAtMs = Math.max(b.deliverAtMs, a.deliverAtMs);
    } else {
      const first = { ...a };
      slices.set(slice, first);
      out.push(first);
    }
  }
  return out;
}

/**
 * The arrows in `target`'s causal past as of `atMs`: a message counts if it reached a node at a
 * time that node could still tell `target` about, directly or through later messages.
 */
export function causalPast(arrows: readonly Arrow[], target: NodeId, atMs: number): Arrow[] {
  const frontier = new Map<NodeId, number>([[target, atMs]]);
  const sorted = [...arrows].filter((a) => !a.dropped).sort((a, b) => b.deliverAtMs - a.deliverAtMs);
  const kept: Arrow[] = [];
  for (const a of sorted) {
    const reach = frontier.get(a.to);
    if (reach === undefined || a.deliverAtMs > reach) continue;
    kept.push(a);
    if ((frontier.get(a.from) ?? -Infinity) < a.sentAtMs) frontier.set(a.from, a.sentAtMs);
  }
  return kept.reverse();
}
