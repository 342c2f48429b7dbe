/**
 * The cluster diagram's geometry, computed with d3 scales from the snapshot's shape and the width
 * available; the Svelte components only draw what this returns (DESIGN §4: d3 computes, Svelte
 * draws). Pure and deterministic: the same cluster at the same width is the same picture.
 *
 *   producers │ group A │ group B │ services          controller quorum   (groups wrap: ./top-band)
 *   label column │ broker columns: header box, then one replica slot per partition row
 *
 * Every node gets an anchor: the point its messages leave from and arrive at.
 */
import { scaleBand, scaleLinear } from 'd3';
import type { Anchor } from '../flight/flight-geometry';
import { DENSITIES, layoutTopBand, type BandDensity, type TopGroup, type TopGroupInput } from './top-band';

export interface LayoutInput {
  width: number;
  /** The top band: producers, consumer groups, services, then the controller quorum (./top-band). */
  top: readonly TopGroupInput[];
  brokers: readonly number[];
  partitions: readonly { topic: string; partition: number }[];
  /** The message-queue broker (src/ui/queue), drawn as a band above the brokers when present. */
  queueBroker?: { node: string; queues: number };
  /**
   * The height of the diagram's part on screen before any scrolling (the stage's scroll box below
   * the diagram's top). Given, the top band compacts when it would leave fewer than
   * MIN_ROWS_SHOWN partition rows in it; unknown, the band is drawn in full.
   */
  viewHeight?: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface NodeBox extends Box {
  id: string;
}

export interface BrokerColumn extends Box {
  id: number;
  node: string;
  /** Too narrow for the state pill and details: the name, then the state word below it. */
  compact: boolean;
}

export interface PartitionRow {
  key: string;
  topic: string;
  partition: number;
  y: number;
  h: number;
}

export interface ClusterLayout {
  /** How tightly the top band is drawn (./top-band), chosen from the height on screen. */
  density: BandDensity;
  width: number;
  height: number;
  labelWidth: number;
  /** The top band's captioned groups (producers, each consumer group, services, the quorum). */
  groups: TopGroup[];
  controllers: NodeBox[];
  /** Broker header boxes; a column's replica slots share its x and w. */
  brokers: BrokerColumn[];
  rows: PartitionRow[];
  /** Where the "no topics yet" hint goes when there are no rows. */
  emptyRows: Box;
  clients: NodeBox[];
  anchors: Map<string, Anchor>;
  /** The middle of the free band between the top row and the brokers (message routes use it). */
  laneY: number;
  /** Log cells a replica slot has room for. */
  cellsPerReplica: number;
  /** The queue broker's band (one row per queue), when there is one. */
  queueBox?: NodeBox;
}

export const LABEL_WIDTH = 104;
/** The label column when broker columns are short of room (partition names still fit: 12 chars). */
const LABEL_WIDTH_NARROW = 72;
const PAD = 4;
const BROKER_H = 46;
/** Room between the top band and the brokers for the curved routes of messages (less when crowded). */
const BAND_GAP = 30;
const BAND_GAP_TIGHT = 18;
/** Partition rows a lesson about them must show without scrolling, when a tighter band can. */
export const MIN_ROWS_SHOWN = 3;
/** Tall enough for the role line, the cells with their LEO/HW marks, and the lane of offsets under them. */
export const ROW_H = 54;
const ROW_GAP = 6;
const EMPTY_ROWS_H = 64;
export const CELL_W = 12;
export const CELL_GAP = 2;
export const SLOT_PAD = 8;
const CELLS_MAX = 24;
/** A broker column never gets narrower than its name at 10 px bold: the diagram scrolls sideways instead. */
export const BROKER_COL_MIN = 56;
/** Below this a broker header drops its pill and details for the name and a state word. */
export const BROKER_COMPACT_W = 150;
/** The column padding between brokers, as a share of a column (d3 scaleBand's paddingInner). */
const COL_PADDING = 0.03;

/**
 * The diagram, with the top band as loose as leaves MIN_ROWS_SHOWN partition rows (or all of them,
 * when fewer) whole on screen: full, else compact, else dense; when none does, whichever shows the
 * most rows. A quorum and three lines of clients above would otherwise push every row but one
 * below the fold on a 768 px screen (issue 16).
 */
export function layoutCluster(input: LayoutInput): ClusterLayout {
  const view = input.viewHeight;
  const full = layoutAt(input, 'full');
  if (view === undefined) return full;
  const want = Math.min(MIN_ROWS_SHOWN, input.partitions.length);
  let best = full;
  for (const density of DENSITIES) {
    const layout = density === 'full' ? full : layoutAt(input, density);
    const shown = rowsShown(layout, view);
    if (shown >= want) return layout;
    if (shown > rowsShown(best, view)) best = layout;
  }
  return best;
}

/** Partition rows wholly inside the top `viewHeight` px of the diagram. */
export function rowsShown(layout: ClusterLayout, viewHeight: number): number {
  return layout.rows.filter((r) => r.y + r.h <= viewHeight).length;
}

/** The diagram with the top band at `density`, whatever the height on screen. */
export function layoutAt(input: LayoutInput, density: BandDensity): ClusterLayout {
  const n = Math.max(1, input.brokers.length);
  const roomy =
    (Math.max(input.width, 320) - LABEL_WIDTH - PAD) / n >= BROKER_COL_MIN / (1 - COL_PADDING) + 12;
  const left = roomy ? LABEL_WIDTH : LABEL_WIDTH_NARROW;
  const width = Math.max(input.width, 320, Math.ceil(left + PAD + (n * BROKER_COL_MIN) / (1 - COL_PADDING)));
  const right = width - PAD;
  const anchors = new Map<string, Anchor>();
  const anchor = (b: Box): Anchor => ({ x: b.x + b.w / 2, y: b.y + b.h / 2, hw: b.w / 2, hh: b.h / 2 });

  // The top band spans the visible width (only broker columns may widen the diagram past it): its
  // boxes need the room more than the label column does.
  const band = layoutTopBand(input.top, 0, Math.max(input.width, 320) - PAD, PAD, density);
  const bandGap = density === 'full' ? BAND_GAP : BAND_GAP_TIGHT;
  const clients = band.groups.filter((g) => g.kind === 'clients').flatMap((g) => g.boxes);
  const controllers = band.groups.filter((g) => g.kind === 'controllers').flatMap((g) => g.boxes);
  for (const b of [...clients, ...controllers]) anchors.set(b.id, anchor(b));
  const bandBottom = band.bottom;

  // The queue broker sits between the clients and the brokers: its traffic is with the clients.
  let queueBox: NodeBox | undefined;
  if (input.queueBroker) {
    const h = queueBandHeight(input.queueBroker.queues);
    queueBox = { id: input.queueBroker.node, x: left, y: bandBottom + bandGap, w: right - left, h };
    anchors.set(queueBox.id, anchor(queueBox));
  }
  const brokersY = bandBottom + bandGap + (queueBox ? queueBox.h + bandGap : 0);
  const columns = scaleBand<number>().domain(input.brokers).range([left, right]).paddingInner(COL_PADDING);
  const brokers = input.brokers.map((id) => ({
    id,
    node: `broker-${id}`,
    x: columns(id) ?? left,
    y: brokersY,
    w: columns.bandwidth(),
    h: BROKER_H,
    compact: columns.bandwidth() < BROKER_COMPACT_W,
  }));
  for (const b of brokers) anchors.set(b.node, anchor(b));

  const rowsY = brokersY + BROKER_H + ROW_GAP * 2;
  const rowY = scaleLinear()
    .domain([0, 1])
    .range([rowsY, rowsY + ROW_H + ROW_GAP]);
  const rows = input.partitions.map((p, i) => ({
    key: `${p.topic}-${p.partition}`,
    topic: p.topic,
    partition: p.partition,
    y: rowY(i),
    h: ROW_H,
  }));
  const rowsEnd = rows.length > 0 ? rowY(rows.length) - ROW_GAP : rowsY + EMPTY_ROWS_H;
  const emptyRows = { x: left, y: rowsY, w: right - left, h: EMPTY_ROWS_H };

  const slotInner = columns.bandwidth() - 2 * SLOT_PAD;
  const cellsPerReplica = Math.max(
    3,
    Math.min(CELLS_MAX, Math.floor((slotInner + CELL_GAP) / (CELL_W + CELL_GAP))),
  );

  return {
    density,
    width,
    height: rowsEnd + PAD,
    labelWidth: left,
    groups: band.groups,
    controllers,
    brokers,
    rows,
    emptyRows,
    clients,
    anchors,
    laneY: bandBottom + bandGap / 2,
    cellsPerReplica,
    ...(queueBox ? { queueBox } : {}),
  };
}

export const QUEUE_HEADER_H = 24;
export const QUEUE_ROW_H = 50;

/** Height of the queue broker's band: a header, then one row per queue. */
export function queueBandHeight(queues: number): number {
  return QUEUE_HEADER_H + Math.max(1, queues) * QUEUE_ROW_H + PAD;
}

export type CellState = 'missing' | 'committed' | 'uncommitted' | 'empty';

export interface LogWindow {
  /** First offset shown; the window is [start, start + cells). */
  start: number;
  cells: number;
}

/**
 * The offsets a partition's replicas all show, aligned so that the same offset sits in the same
 * column on every broker: it ends one past the furthest log end (the next offset to be written),
 * so a follower that lags shows empty cells where the leader has records.
 */
export function logWindow(replicas: readonly { logEndOffset: number }[], cells: number): LogWindow {
  const end = Math.max(0, ...replicas.map((r) => r.logEndOffset)) + 1;
  return { start: Math.max(0, end - cells), cells };
}

export function cellState(
  offset: number,
  replica: { logStartOffset: number; logEndOffset: number; highWatermark: number },
): CellState {
  if (offset < replica.logStartOffset) return 'missing';
  if (offset >= replica.logEndOffset) return 'empty';
  return offset < replica.highWatermark ? 'committed' : 'uncommitted';
}

/** x of the boundary before `offset` inside a slot whose cells start at `x0`. */
export function offsetX(window: LogWindow, x0: number, offset: number): number {
  const clamped = Math.min(Math.max(offset, window.start), window.start + window.cells);
  return x0 + (clamped - window.start) * (CELL_W + CELL_GAP) - CELL_GAP / 2;
}
