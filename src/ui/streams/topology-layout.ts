/**
 * The topology graph's layout (d3 computes, Svelte draws): one horizontal lane per sub-topology,
 * topics on the lane's left (read) and right (written), processors in columns by their distance from
 * the sources. Live counts are summed over every instance's tasks from the snapshot.
 */
import { textWidth } from '../cluster/text-width';
import type { StreamsAppSnapshot, TopologyGraph, TopologyNode } from '../../engine/index';

export interface GraphBox {
  id: string;
  kind: 'topic' | 'source' | 'processor' | 'sink';
  /** What it is, in words (`filter`, `aggregate (count)`, …). */
  label: string;
  /** Kafka's node name, or the topic's name. */
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
  processed: number;
  dropped: number;
  stores: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  path: string;
  /** The engine's name for this edge in `streams.processed`/`streams.flushed` (`from>to`). */
  move: string;
  /** Column of the edge's end (1 for a source's input): records reach later columns later. */
  step: number;
  /** The cubic Bézier's points: start, two controls, end. */
  curve: [number, number, number, number, number, number, number, number];
}

export interface GraphLayout {
  width: number;
  height: number;
  boxes: GraphBox[];
  edges: GraphEdge[];
  lanes: { id: number; y: number; h: number }[];
}

const NO_CURVE: GraphEdge['curve'] = [0, 0, 0, 0, 0, 0, 0, 0];

/** A point at `t` (0..1) along an edge's curve. */
export function pointOnEdge(c: GraphEdge['curve'], t: number): { x: number; y: number } {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const d = 3 * u * t * t;
  const e = t * t * t;
  return { x: a * c[0] + b * c[2] + d * c[4] + e * c[6], y: a * c[1] + b * c[3] + d * c[5] + e * c[7] };
}

const BOX_W = 136;
const MAX_BOX_W = 260;
/** The box label's font size (StreamsView.svelte's `.box .label`). */
const LABEL_PX = 11;
const BOX_H = 44;
const LANE_GAP = 16;

/** `KSTREAM-AGGREGATE-0000000003` → `aggregate`; the step's role when it says more. */
function labelOf(n: TopologyNode, graph: TopologyGraph): string {
  const step = graph.spec.steps.find((s) => s.id === n.stepId);
  const m = /^K(?:STREAM|TABLE)-([A-Z-]+?)-\d+$/.exec(n.name);
  const base = (m?.[1] ?? n.kind).toLowerCase();
  if (step?.op === 'aggregate')
    return `${step.kind}${'store' in step && step.store ? ` → ${step.store}` : ''}`;
  return base;
}

export function topologyLayout(
  graph: TopologyGraph,
  app: StreamsAppSnapshot,
  internalName: (t: string) => string,
): GraphLayout {
  const counts = new Map<string, { processed: number; dropped: number }>();
  for (const inst of app.instances)
    for (const task of inst.tasks)
      for (const [node, s] of Object.entries(task.stats)) {
        const c = counts.get(node) ?? { processed: 0, dropped: 0 };
        c.processed += s.processed;
        c.dropped += s.dropped;
        counts.set(node, c);
      }
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const depth = new Map<string, number>();
  const depthOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const n = byName.get(name)!;
    const d = n.predecessors.length === 0 ? 1 : 1 + Math.max(...n.predecessors.map(depthOf));
    depth.set(name, d);
    return d;
  };
  for (const n of graph.nodes) depthOf(n.name);
  // Columns: 0 for the topics read, 1..max for the processors, max+1 for the topics written.
  const maxDepth = Math.max(1, ...depth.values());
  // Each column's boxes as wide as the longest name shown in that column (a store or a topic name
  // kept whole, never cut), up to a limit past which the view's text shortens it in the middle; the
  // graph scrolls sideways. Per column, so one long topic name does not widen every filter box.
  const labels = new Map(graph.nodes.map((n) => [n.name, labelOf(n, graph)]));
  const widthOf = (text: string) => Math.ceil(textWidth(text, LABEL_PX, true)) + 16;
  const colW = Array.from({ length: maxDepth + 2 }, () => BOX_W);
  const widen = (col: number, text: string) => {
    colW[col] = Math.min(MAX_BOX_W, Math.max(colW[col]!, widthOf(text)));
  };
  for (const n of graph.nodes) {
    widen(depth.get(n.name)!, labels.get(n.name)!);
    for (const t of n.topics) widen(n.kind === 'source' ? 0 : maxDepth + 1, internalName(t));
  }
  const colX = [8];
  for (let c = 1; c < colW.length; c++) colX.push(colX[c - 1]! + colW[c - 1]! + 40);
  const x = (col: number) => colX[col]!;
  const laneRows = graph.subtopologies.map((members) => {
    const perColumn = new Map<number, number>();
    for (const name of members) {
      const d = depth.get(name)!;
      perColumn.set(d, (perColumn.get(d) ?? 0) + 1);
    }
    const topicsIn = members.filter((m) => byName.get(m)!.kind === 'source').length;
    const topicsOut = members.filter((m) => byName.get(m)!.kind === 'sink').length;
    return Math.max(1, topicsIn, topicsOut, ...perColumn.values());
  });
  const laneHeights = laneRows.map((r) => r * (BOX_H + 12) + 28);
  const boxes: GraphBox[] = [];
  const edges: GraphEdge[] = [];
  const lanes: GraphLayout['lanes'] = [];
  let top = 0;
  graph.subtopologies.forEach((members, sub) => {
    const h = laneHeights[sub]!;
    lanes.push({ id: sub, y: top, h });
    const row = new Map<number, number>();
    const place = (col: number) => {
      const r = row.get(col) ?? 0;
      row.set(col, r + 1);
      return top + 24 + r * (BOX_H + 12);
    };
    for (const name of members) {
      const n = byName.get(name)!;
      const col = depth.get(name)!;
      const c = counts.get(name) ?? { processed: 0, dropped: 0 };
      boxes.push({
        id: name,
        kind: n.kind,
        label: labels.get(name)!,
        name,
        x: x(col),
        y: place(col),
        w: colW[col]!,
        h: BOX_H,
        processed: c.processed,
        dropped: c.dropped,
        stores: n.stores,
      });
      if (n.kind === 'source' || n.kind === 'sink') {
        for (const t of n.topics) {
          const topic = internalName(t);
          const id = `${n.kind === 'source' ? 'in' : 'out'}:${sub}:${topic}`;
          const tcol = n.kind === 'source' ? 0 : maxDepth + 1;
          boxes.push({
            id,
            kind: 'topic',
            label: 'topic',
            name: topic,
            x: x(tcol),
            y: place(tcol),
            w: colW[tcol]!,
            h: BOX_H,
            processed: 0,
            dropped: 0,
            stores: [],
          });
          edges.push(
            n.kind === 'source'
              ? { from: id, to: name, path: '', move: `>${name}`, step: 1, curve: NO_CURVE }
              : { from: name, to: id, path: '', move: `${name}>`, step: maxDepth + 1, curve: NO_CURVE },
          );
        }
      }
      for (const p of n.predecessors)
        edges.push({ from: p, to: name, path: '', move: `${p}>${name}`, step: col, curve: NO_CURVE });
    }
    top += h + LANE_GAP;
  });
  const at = new Map(boxes.map((b) => [b.id, b]));
  for (const e of edges) {
    const a = at.get(e.from)!;
    const b = at.get(e.to)!;
    const x1 = a.x + a.w;
    const y1 = a.y + a.h / 2;
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    const mid = (x1 + x2) / 2;
    e.path = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
    e.curve = [x1, y1, mid, y1, mid, y2, x2, y2];
  }
  return { width: x(maxDepth + 1) + colW[maxDepth + 1]! + 8, height: top, boxes, edges, lanes };
}
