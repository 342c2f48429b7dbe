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

/** The legend family of each kind seen so far (a kind's colour is tested once, not once per arrow). */
const familyOf = new Map<string, string>();
function family(kind: string): string {
  let f = familyOf.get(kind);
  if (f === undefined) familyOf.set(kind, (f = colourVar(kind)));
  return f;
}

/** Each count label's width in the 9 px font (measured once per text). */
const labelWidths = new Map<string, number>();

/**
 * Where count labels are already printed: a label that would overprint one is left out. In a busy
 * window most bundles sit where another's label is (a Fetch bundle and its responses between the
 * same two brokers share a midpoint), and two counts printed over each other read as neither; one
 * left out keeps the other legible, and costs nothing to draw.
 */
export class LabelSpace {
  static readonly HEIGHT = 8;
  private readonly cells = new Map<number, number[]>();
  /** Claims the box of a label `width` wide centred on x with its baseline at y, if it is free. */
  take(x: number, y: number, width: number): boolean {
    const left = x - width / 2;
    const top = y - LabelSpace.HEIGHT;
    const row = Math.floor(top / LabelSpace.HEIGHT);
    const col = Math.floor(left / 32);
    for (let r = row - 1; r <= row + 1; r++)
      for (let c = col - 1; c <= col + 1; c++) {
        const boxes = this.cells.get(r * 4096 + c);
        if (!boxes) continue;
        for (let i = 0; i < boxes.length; i += 3) {
          const l = boxes[i]!;
          const t = boxes[i + 1]!;
          const w = boxes[i + 2]!;
          if (left < l + w && l < left + width && top < t + LabelSpace.HEIGHT && t < top + LabelSpace.HEIGHT)
            return false;
        }
      }
    const key = row * 4096 + col;
    const boxes = this.cells.get(key);
    if (boxes) boxes.push(left, top, width);
    else this.cells.set(key, [left, top, width]);
    return true;
  }
}

const countLabels: string[] = [];
const countLabel = (n: number) => (countLabels[n] ??= `×${n}`);

/**
 * Delivery dots on one lifeline closer than this (diagram units) are drawn as one capsule: the
 * union of circles of radius 2.5 this close differs from the capsule by a scallop under 0.12 units
 * deep, which antialiasing cannot show. A 10 s window of a busy cluster stacks hundreds of
 * deliveries 1.4 units apart on a leader's lifeline: 1528 dots become 621 shapes, each one
 * roundRect call (drawn and rasterised in headless Chromium without a GPU: 2.8 → 1.8 ms).
 */
export const DOT_MERGE = 1.5;
const DOT_R = 2.5;

/** One colour's share of a draw: segments as x1, y1, x2, y2 and dots as x, y, in diagram units. */
interface Family {
  thin: number[];
  thick: number[];
  /** Dropped messages: dashed, as in the SVG (x1, y1, x2, y2, width). */
  dashed: number[];
  dots: number[];
}

/**
 * The dots of one colour as one path: a circle per lone delivery, a capsule (a circle stretched
 * down its lifeline) per run of deliveries closer than DOT_MERGE. All clockwise, so overlaps stay
 * filled under the nonzero rule. `dots` holds x, y pairs.
 */
export function fillDots(ctx: CanvasRenderingContext2D, dots: readonly number[]): void {
  const byX = new Map<number, number[]>();
  for (let i = 0; i < dots.length; i += 2) {
    const ys = byX.get(dots[i]!);
    if (ys) ys.push(dots[i + 1]!);
    else byX.set(dots[i]!, [dots[i + 1]!]);
  }
  const dot = (x: number, y1: number, y2: number) =>
    ctx.roundRect(x - DOT_R, y1 - DOT_R, 2 * DOT_R, y2 - y1 + 2 * DOT_R, DOT_R);
  ctx.beginPath();
  for (const [x, list] of byX) {
    const ys = Float64Array.from(list).sort();
    let y1 = ys[0]!;
    let y2 = y1;
    for (let i = 1; i < ys.length; i++) {
      const y = ys[i]!;
      if (y - y2 <= DOT_MERGE) y2 = y;
      else {
        dot(x, y1, y2);
        y1 = y2 = y;
      }
    }
    dot(x, y1, y2);
  }
  ctx.fill();
}

/**
 * An arrow whose ends differ by at most this much in height (diagram units) is drawn as a
 * level bar, the rectangle its stroke covers: at most 0.1 units off at either end, which
 * antialiasing cannot show, and software raster fills axis-aligned edges far faster than the
 * slanted edges of a stroke a few hundred units long that climbs a fraction of a unit. In a 10 s
 * window most messages take a few milliseconds, a fraction of a unit (1090 of 1528 arrows in the
 * page bench's window; the lines drawn and rasterised: 3.5 → 2.1 ms). The round caps the
 * rectangle lacks would lie under the lifelines (2 units wide) and the delivery dots.
 */
export const LEVEL = 0.2;

/** Segments (x1, y1, x2, y2 in turn) of one colour and width: level bars filled, the rest stroked. */
function drawSegments(ctx: CanvasRenderingContext2D, segments: readonly number[], width: number): void {
  if (segments.length === 0) return;
  let slanted = 0;
  ctx.beginPath();
  for (let i = 0; i < segments.length; i += 4) {
    const x1 = segments[i]!;
    const y1 = segments[i + 1]!;
    const x2 = segments[i + 2]!;
    const y2 = segments[i + 3]!;
    if (Math.abs(y2 - y1) > LEVEL) slanted++;
    else ctx.rect(Math.min(x1, x2), (y1 + y2 - width) / 2, Math.abs(x2 - x1), width);
  }
  if (slanted < segments.length / 4) ctx.fill();
  if (slanted === 0) return;
  ctx.lineWidth = width;
  ctx.beginPath();
  for (let i = 0; i < segments.length; i += 4) {
    if (Math.abs(segments[i + 3]! - segments[i + 1]!) <= LEVEL) continue;
    ctx.moveTo(segments[i]!, segments[i + 1]!);
    ctx.lineTo(segments[i + 2]!, segments[i + 3]!);
  }
  ctx.stroke();
}

/**
 * Draws every arrow the way the SVG does (a bundle thicker with its count, a drop dashed with a ✕, a
 * delivery as a dot), one path per colour and stroke width. `colour` resolves a CSS variable; the
 * context is already scaled to diagram units. Each arrow's ends are computed once. Without a GPU
 * the canvas's drawing is rasterised on the main thread when the frame commits, so it counts
 * against the frame as much as the script: level messages as bars (LEVEL), runs of dots as
 * capsules (DOT_MERGE), counts that would overprint left out (LabelSpace).
 */
export function drawArrows(
  ctx: CanvasRenderingContext2D,
  arrows: readonly Arrow[],
  g: Geometry,
  colour: (cssVar: string) => string,
): void {
  const families = new Map<string, Family>();
  const drops: number[] = [];
  const counts: number[] = [];
  for (const a of arrows) {
    const cssVar = family(a.kind);
    let f = families.get(cssVar);
    if (!f) families.set(cssVar, (f = { thin: [], thick: [], dashed: [], dots: [] }));
    const x1 = g.xOf.get(a.from) ?? 0;
    const x2 = g.xOf.get(a.to) ?? 0;
    const y1 = g.y(a.sentAtMs);
    const delivered = a.deliverAtMs <= g.nowMs;
    const y2 = delivered ? g.y(a.deliverAtMs) : g.y(g.nowMs);
    if (a.dropped) f.dashed.push(x1, y1, x2, y2, a.count > 1 ? 3 : 1.3);
    else (a.count > 1 ? f.thick : f.thin).push(x1, y1, x2, y2);
    if (a.dropped) drops.push(x1 + (x2 - x1) * 0.8, y1 + (y2 - y1) * 0.8 + 4);
    else if (delivered) f.dots.push(x2, y2);
    if (a.count > 1) counts.push((x1 + x2) / 2, (y1 + y2) / 2 - 2, a.count);
  }
  ctx.lineCap = 'round';
  for (const [cssVar, f] of families) {
    const c = colour(cssVar);
    ctx.strokeStyle = c;
    ctx.fillStyle = c;
    drawSegments(ctx, f.thin, 1.3);
    drawSegments(ctx, f.thick, 3);
    if (f.dots.length > 0) fillDots(ctx, f.dots);
    if (f.dashed.length > 0) {
      ctx.setLineDash([3, 3]);
      for (let i = 0; i < f.dashed.length; i += 5) {
        ctx.lineWidth = f.dashed[i + 4]!;
        ctx.beginPath();
        ctx.moveTo(f.dashed[i]!, f.dashed[i + 1]!);
        ctx.lineTo(f.dashed[i + 2]!, f.dashed[i + 3]!);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }
  }
  if (drops.length === 0 && counts.length === 0) return;
  ctx.textAlign = 'center';
  if (drops.length > 0) {
    ctx.font = '700 12px sans-serif';
    ctx.fillStyle = colour('--down');
    for (let i = 0; i < drops.length; i += 2) ctx.fillText('✕', drops[i]!, drops[i + 1]!);
  }
  if (counts.length > 0) {
    ctx.font = '9px sans-serif';
    ctx.fillStyle = colour('--text-muted');
    const free = new LabelSpace();
    // From the last: the label left is the one that used to be printed on top.
    for (let i = counts.length - 3; i >= 0; i -= 3) {
      const text = countLabel(counts[i + 2]!);
      let width = labelWidths.get(text);
      if (width === undefined) labelWidths.set(text, (width = ctx.measureText(text).width));
      if (free.take(counts[i]!, counts[i + 1]!, width)) ctx.fillText(text, counts[i]!, counts[i + 1]!);
    }
  }
}
