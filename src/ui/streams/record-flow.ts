/**
 * Records moving along the topology graph's edges: a function of the trace and the playhead. Each
 * `streams.processed` / `streams.flushed` event says how many records passed each edge at its
 * `atMs`; a record takes STEP_MS of virtual time per column of the graph, so a batch is seen
 * flowing from its topic through the processors to the topic it is written to. Up to a few dots
 * per edge and batch (the counts on the boxes say how many there were).
 */
import { pointOnEdge, type GraphEdge } from './topology-layout';

export interface MoveBatch {
  atMs: number;
  edges: Record<string, number>;
}

export interface FlowDot {
  id: string;
  x: number;
  y: number;
}

/** Virtual ms a record takes along one edge. */
export const STEP_MS = 300;
const MAX_PER_EDGE = 4;
/** Spacing of a batch's dots along an edge, as a fraction of the edge. */
const SPACING = 0.2;

export function recordDots(
  edges: readonly GraphEdge[],
  moves: readonly MoveBatch[],
  nowMs: number,
): FlowDot[] {
  const maxStep = Math.max(1, ...edges.map((e) => e.step));
  const horizonMs = (maxStep + 1) * STEP_MS;
  const dots: FlowDot[] = [];
  moves.forEach((batch, b) => {
    const age = nowMs - batch.atMs;
    if (age < 0 || age > horizonMs) return;
    for (const e of edges) {
      const n = Math.min(MAX_PER_EDGE, batch.edges[e.move] ?? 0);
      const local = (age - (e.step - 1) * STEP_MS) / STEP_MS;
      for (let i = 0; i < n; i++) {
        const t = local - i * SPACING;
        if (t < 0 || t > 1) continue;
        dots.push({ id: `${b}:${e.from}>${e.to}:${i}`, ...pointOnEdge(e.curve, t) });
      }
    }
  });
  return dots;
}
