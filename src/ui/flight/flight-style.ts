/**
 * How each RPC kind looks in flight: a family (what the message is for) gives the colour and the
 * shape, so colour is never the only cue; requests are filled and responses hollow. Colours are
 * CSS custom properties (`--flight-<family>`), so the dark theme only changes variables.
 */
import { isRpcKind, type FetchRole, type RpcRequestKind } from '../../engine';

export type Shape =
  'circle' | 'diamond' | 'triangle' | 'square' | 'triangle-down' | 'hexagon' | 'pill' | 'envelope';

export type Family =
  | 'produce'
  | 'consume'
  | 'replication'
  | 'metadata'
  | 'vote'
  | 'heartbeat'
  | 'isr'
  | 'group'
  | 'setup'
  | 'queue';

export interface FamilyStyle {
  family: Family;
  label: string;
  shape: Shape;
  /** The kinds in this family, for the legend's tooltips (requests; each has a `...Response`). */
  kinds: string[];
}

export const FAMILIES: readonly FamilyStyle[] = [
  { family: 'produce', label: 'Produce', shape: 'circle', kinds: ['Produce'] },
  { family: 'consume', label: 'Consumer fetch', shape: 'pill', kinds: ['Fetch', 'ListOffsets'] },
  { family: 'replication', label: 'Replication', shape: 'diamond', kinds: ['Fetch'] },
  { family: 'metadata', label: 'Metadata', shape: 'circle', kinds: ['Fetch'] },
  { family: 'vote', label: 'Vote', shape: 'triangle', kinds: ['Vote', 'BeginQuorumEpoch'] },
  {
    family: 'heartbeat',
    label: 'Heartbeat',
    shape: 'square',
    kinds: ['BrokerHeartbeat', 'BrokerRegistration'],
  },
  { family: 'isr', label: 'ISR change', shape: 'triangle-down', kinds: ['AlterPartition'] },
  {
    family: 'group',
    label: 'Group',
    shape: 'hexagon',
    kinds: [
      'FindCoordinator',
      'JoinGroup',
      'SyncGroup',
      'Heartbeat',
      'LeaveGroup',
      'OffsetCommit',
      'OffsetFetch',
    ],
  },
  {
    family: 'setup',
    label: 'Client setup',
    shape: 'square',
    kinds: ['Metadata', 'InitProducerId', 'AllocateProducerIds', 'CreateTopics'],
  },
  // The message queue (src/engine/queue): send, receive (long poll) and delete (the ack).
  {
    family: 'queue',
    label: 'Queue',
    shape: 'envelope',
    kinds: ['SendMessage', 'ReceiveMessage', 'DeleteMessage'],
  },
];

const BY_FAMILY = new Map(FAMILIES.map((f) => [f.family, f]));

/**
 * The legend's family of every request kind. A `Record` over the engine's list of kinds, so a new
 * RPC fails to compile until it has a colour and a glyph here. (A Fetch's family also depends on
 * its body: see familyOf.)
 */
export const FAMILY_OF_KIND: Record<RpcRequestKind, Family> = {
  Produce: 'produce',
  Fetch: 'replication',
  AddPartitionsToTxn: 'setup',
  AddOffsetsToTxn: 'setup',
  TxnOffsetCommit: 'setup',
  EndTxn: 'setup',
  WriteTxnMarkers: 'setup',
  Ping: 'setup',
  Vote: 'vote',
  BeginQuorumEpoch: 'vote',
  BrokerHeartbeat: 'heartbeat',
  BrokerRegistration: 'heartbeat',
  AlterPartition: 'isr',
  Metadata: 'setup',
  InitProducerId: 'setup',
  AllocateProducerIds: 'setup',
  CreateTopics: 'setup',
  ListOffsets: 'consume',
  FindCoordinator: 'group',
  JoinGroup: 'group',
  SyncGroup: 'group',
  Heartbeat: 'group',
  LeaveGroup: 'group',
  OffsetCommit: 'group',
  OffsetFetch: 'group',
  SendMessage: 'queue',
  ReceiveMessage: 'queue',
  DeleteMessage: 'queue',
  // Flink mode: control messages as setup, liveness as heartbeats, data between tasks as consume.
  RegisterTaskExecutor: 'heartbeat',
  HeartbeatFromJobManager: 'heartbeat',
  SubmitTask: 'setup',
  CancelTask: 'setup',
  TriggerCheckpoint: 'group',
  AcknowledgeCheckpoint: 'group',
  NotifyCheckpointComplete: 'group',
  Buffer: 'consume',
};

export function isResponse(kind: string): boolean {
  return kind.endsWith('Response');
}

export function requestKind(kind: string): string {
  return isResponse(kind) ? kind.slice(0, -'Response'.length) : kind;
}

/**
 * A message's family. A Fetch goes by what it does (its `fetchRole`, which the engine tells from its
 * body: the metadata log, a follower copying partitions, or a client reading records), never by who
 * sent it.
 */
export function familyOf(kind: string, fetchRole: FetchRole | undefined): Family {
  const base = requestKind(kind);
  if (base === 'Fetch')
    return fetchRole === 'metadata' ? 'metadata' : fetchRole === 'replica' ? 'replication' : 'consume';
  return isRpcKind(base) ? FAMILY_OF_KIND[base as RpcRequestKind] : 'setup';
}

export function styleOf(family: Family): FamilyStyle {
  return BY_FAMILY.get(family)!;
}

/**
 * The glyph of a shape as an SVG path centred on (0, 0) with half-size `r`. The legend draws it in
 * SVG and the canvas draws the same string through Path2D, so both always agree.
 */
export function glyphPath(shape: Shape, r: number): string {
  const p = (x: number, y: number) => `${+x.toFixed(2)} ${+y.toFixed(2)}`;
  switch (shape) {
    case 'circle':
      return `M ${p(-r, 0)} A ${r} ${r} 0 1 0 ${p(r, 0)} A ${r} ${r} 0 1 0 ${p(-r, 0)} Z`;
    case 'square': {
      const s = r * 0.85;
      return `M ${p(-s, -s)} L ${p(s, -s)} L ${p(s, s)} L ${p(-s, s)} Z`;
    }
    case 'diamond': {
      const s = r * 1.2;
      return `M ${p(0, -s)} L ${p(s, 0)} L ${p(0, s)} L ${p(-s, 0)} Z`;
    }
    case 'triangle':
      return `M ${p(0, -r * 1.15)} L ${p(r * 1.1, r * 0.85)} L ${p(-r * 1.1, r * 0.85)} Z`;
    case 'triangle-down':
      return `M ${p(0, r * 1.15)} L ${p(r * 1.1, -r * 0.85)} L ${p(-r * 1.1, -r * 0.85)} Z`;
    case 'pill': {
      const w = r * 1.3;
      const h = r * 0.75;
      return `M ${p(-w + h, -h)} L ${p(w - h, -h)} A ${h} ${h} 0 0 1 ${p(w - h, h)} L ${p(-w + h, h)} A ${h} ${h} 0 0 1 ${p(-w + h, -h)} Z`;
    }
    case 'envelope': {
      // A letter: a wide rectangle with its flap, so queue messages read as messages.
      const w = r * 1.35;
      const h = r * 0.85;
      return `M ${p(-w, -h)} L ${p(w, -h)} L ${p(w, h)} L ${p(-w, h)} Z M ${p(-w, -h)} L ${p(0, h * 0.2)} L ${p(w, -h)}`;
    }
    case 'hexagon': {
      const points = Array.from({ length: 6 }, (_, i) =>
        p(r * Math.cos((Math.PI / 3) * i), r * Math.sin((Math.PI / 3) * i)),
      );
      return `M ${points.join(' L ')} Z`;
    }
  }
}

export type Palette = Record<Family | 'dropped' | 'surface' | 'selected', string>;

/** Reads the palette from CSS custom properties on `element` (theme-aware). */
export function readPalette(element: Element): Palette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    produce: v('--flight-produce', '#c2410c'),
    consume: v('--flight-consume', '#0e7490'),
    replication: v('--flight-replication', '#1f6fb2'),
    metadata: v('--flight-metadata', '#6d4bc2'),
    vote: v('--flight-vote', '#be185d'),
    heartbeat: v('--flight-heartbeat', '#15803d'),
    isr: v('--flight-isr', '#a16207'),
    setup: v('--flight-setup', '#64748b'),
    group: v('--flight-group', '#4d7c0f'),
    queue: v('--flight-queue', '#9333ea'),
    dropped: v('--down', '#b42318'),
    surface: v('--surface', '#ffffff'),
    selected: v('--text', '#1b2430'),
  };
}
