/**
 * A dense space-time window drawn as one picture. Past a few hundred arrows, an SVG element per
 * arrow costs far more than a frame to lay out and paint (1500 arrows in a 10 s window of a busy
 * cluster), so the arrows go onto a canvas in one pass and a click finds its arrow by geometry.
 * The lifelines, labels, the playhead and the selected arrow stay in the SVG above it.
 */
import type { Arrow } from './spacetime-layout';

/** Above this many arrows the diagram draws them on the canvas. */
export const DENSE_ARROWS = 400;

/** The CSS colour variable an arrow of `kind` is drawn in (the legend's families). */
export function colourVar(kind: string): string {
  if (/Produce/.test(kind)) return '--flight-produce';
  if (/Vote/.test(kind)) return '--flight-vote';
  if (/Heartbeat/.test(kind)) return '--flight-heartbeat';
  if (/Fetch/.test(kind)) return '--flight-replication';
  if (/Join|Sync|Offset|Coordinator|Leave/.test(kind)) return '--consumer';
  return '--flight-setup';
}

export interface Geometry {
  xOf: ReadonlyMap<string, number>;
  y: (ms: number) => number;
  nowMs: number;
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export function segmentOf(a: Arrow, g: Geometry): Segment {
  return {
    x1: g.xOf.get(a.from) ?? 0,
    y1: g.y(a.sentAtMs),
    x2: g.xOf.get(a.to) ?? 0,
    y2: g.y(Math.min(a.deliverAtMs, g.nowMs)),
  };
}

function distanceToSegment(px: number, py: number, s: Segment): number {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - s.x1) * dx + (py - s.y1) * dy) / len2));
  return Math.hypot(px - (s.x1 + t * dx), py - (s.y1 + t * dy));
}

/** The arrow nearest to (px, py) in diagram units, if one passes within `tolerance`. */
export function nearestArrow(
  arrows: readonly Arrow[],
  g: Geometry,
  px: number,
  py: number,
  tolerance = 5,
): Arrow | undefined {
  let best: Arrow | undefined;
  let bestD = tolerance;
  for (const a of arrows) {
    const d = distanceToSegment(px, py, segmentOf(a, g));
    if (d <= bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

/**
 * Draws every arrow the way the SVG does (a bundle thicker with its count, a drop as ✕, a
 * delivery as a dot). `colour` resolves a CSS variable; the context is already scaled to
 * diagram units.
 */
export function drawArrows(
  ctx: CanvasRenderingContext2D,
  arrows: readonly Arrow[],
  g: Geometry,
  colour: (cssVar: string) => string,
): void {
  const byColour = new Map<string, Arrow[]>();
  for (const a of arrows) {
    const c = colourVar(a.kind);
    const list = byColour.get(c);
    if (list) list.push(a);
    else byColour.set(c, [a]);
  }
  ctx.lineCap = 'round';
  ctx.textAlign = 'center';
  for (const [cssVar, list] of byColour) {
    const stroke = colour(cssVar);
    ctx.strokeStyle = stroke;
    ctx.fillStyle = stroke;
    for (const width of [1.3, 3]) {
      ctx.lineWidth = width;
      ctx.beginPath();
      for (const a of list) {
        if ((a.count > 1 ? 3 : 1.3) !== width) continue;
        const s = segmentOf(a, g);
        ctx.moveTo(s.x1, s.y1);
        ctx.lineTo(s.x2, s.y2);
      }
      ctx.stroke();
    }
    ctx.beginPath();
    for (const a of list) {
      if (a.dropped || a.deliverAtMs > g.nowMs) continue;
      const s = segmentOf(a, g);
      ctx.moveTo(s.x2 + 2.5, s.y2);
      ctx.arc(s.x2, s.y2, 2.5, 0, Math.PI * 2);
    }
    ctx.fill();
  }
  ctx.font = '700 12px sans-serif';
  ctx.fillStyle = colour('--down');
  for (const a of arrows) {
    if (!a.dropped) continue;
    const s = segmentOf(a, g);
    ctx.fillText('✕', s.x1 + (s.x2 - s.x1) * 0.8, s.y1 + (s.y2 - s.y1) * 0.8 + 4);
  }
  ctx.font = '9px sans-serif';
  ctx.fillStyle = colour('--text-muted');
  for (const a of arrows) {
    if (a.count <= 1) continue;
    const s = segmentOf(a, g);
    ctx.fillText(`×${a.count}`, (s.x1 + s.x2) / 2, (s.y1 + s.y2) / 2 - 2);
  }
}
