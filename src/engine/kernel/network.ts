/**
 * The simulated network: per-message latency drawn from the seeded PRNG, per-link overrides
 * (slow or lossy links), one-way cuts and partitions into sides.
 *
 * Links behave like TCP connections: messages on one directed link arrive in the order they were
 * sent (a message never overtakes an earlier one on the same link). Kafka's protocols rely on that.
 * A message is dropped if its link was blocked when it was sent or is blocked when it arrives, or if
 * the loss draw says so; the drop is reported at its arrival time so that every `rpc.sent` has
 * exactly one `rpc.delivered` or `rpc.dropped`, at `deliverAtMs`.
 */
import type { DropReason, NetworkOptions, NetworkSnapshot, NodeId } from '../types';
import { nextFloat, nextIntBetween, type PrngState } from './prng';

export interface LinkConfig {
  latencyMs?: number;
  lossRate?: number;
}

export interface NetworkState {
  latencyMsMin: number;
  latencyMsMax: number;
  lossRate: number;
  /** Partition sides; a node absent from every side talks to everyone. */
  sides: NodeId[][];
  sideOf: Record<NodeId, number>;
  /** Directed cuts, keyed by linkKey(from, to). */
  cuts: Record<string, true>;
  links: Record<string, LinkConfig>;
  /** Arrival time of the last message on each directed link, for FIFO delivery. */
  lastDeliverAtMs: Record<string, number>;
}

export const DEFAULT_NETWORK: Required<NetworkOptions> = { latencyMsMin: 2, latencyMsMax: 6, lossRate: 0 };

export function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}

export function createNetwork(options: NetworkOptions = {}): NetworkState {
  const o = { ...DEFAULT_NETWORK, ...options };
  return {
    latencyMsMin: o.latencyMsMin,
    latencyMsMax: o.latencyMsMax,
    lossRate: o.lossRate,
    sides: [],
    sideOf: {},
    cuts: {},
    links: {},
    lastDeliverAtMs: {},
  };
}

/** Why a message from `from` to `to` cannot pass right now, or null when it can. */
export function blockReason(net: NetworkState, from: NodeId, to: NodeId): DropReason | null {
  if (net.cuts[linkKey(from, to)]) return 'cut';
  const a = net.sideOf[from];
  const b = net.sideOf[to];
  if (a !== undefined && b !== undefined && a !== b) return 'partition';
  return null;
}

export interface DeliveryPlan {
  deliverAtMs: number;
  /** Set when the message is already doomed at send time. */
  drop: DropReason | null;
}

/** Decide when a message sent now arrives and whether it is lost. Draws twice from `rng`, always. */
export function planDelivery(
  net: NetworkState,
  rng: PrngState,
  from: NodeId,
  to: NodeId,
  nowMs: number,
): DeliveryPlan {
  const key = linkKey(from, to);
  const link = net.links[key];
  const drawn = nextIntBetween(rng, net.latencyMsMin, net.latencyMsMax);
  const lossDraw = nextFloat(rng);
  const latencyMs = Math.max(1, link?.latencyMs ?? drawn);
  const lossRate = link?.lossRate ?? net.lossRate;
  const earliest = nowMs + latencyMs;
  const deliverAtMs = Math.max(earliest, net.lastDeliverAtMs[key] ?? 0);
  net.lastDeliverAtMs[key] = deliverAtMs;
  const blocked = blockReason(net, from, to);
  const drop: DropReason | null = blocked ?? (lossDraw < lossRate ? 'loss' : null);
  return { deliverAtMs, drop };
}

export function partition(net: NetworkState, sides: NodeId[][]): void {
  net.sides = sides.map((s) => [...s]);
  net.sideOf = {};
  sides.forEach((side, i) => {
    for (const node of side) net.sideOf[node] = i;
  });
}

export function cut(net: NetworkState, from: NodeId, to: NodeId, oneWay: boolean): void {
  net.cuts[linkKey(from, to)] = true;
  if (!oneWay) net.cuts[linkKey(to, from)] = true;
}

export function heal(net: NetworkState): void {
  net.sides = [];
  net.sideOf = {};
  net.cuts = {};
}

/** A change to one link: a number sets a setting, `null` puts it back to the network's default. */
export type LinkChange = { [K in keyof LinkConfig]?: LinkConfig[K] | null };

export function configureLink(net: NetworkState, from: NodeId, to: NodeId, change: LinkChange): void {
  const key = linkKey(from, to);
  const merged: LinkConfig = { ...net.links[key] };
  for (const k of ['latencyMs', 'lossRate'] as const) {
    if (change[k] === null) delete merged[k];
    else if (change[k] !== undefined) merged[k] = change[k];
  }
  if (merged.latencyMs === undefined && merged.lossRate === undefined) delete net.links[key];
  else net.links[key] = merged;
}

export function networkSnapshot(net: NetworkState): NetworkSnapshot {
  const split = (key: string) => {
    const i = key.indexOf('>');
    return { from: key.slice(0, i), to: key.slice(i + 1) };
  };
  return {
    latencyMsMin: net.latencyMsMin,
    latencyMsMax: net.latencyMsMax,
    lossRate: net.lossRate,
    partitionSides: net.sides.map((s) => [...s]),
    cuts: Object.keys(net.cuts).map(split),
    links: Object.entries(net.links).map(([key, cfg]) => ({ ...split(key), ...cfg })),
  };
}
