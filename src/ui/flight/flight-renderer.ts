/**
 * Draws the messages in flight onto a 2D canvas: a pure function of (flights, node positions,
 * playhead, palette). Canvas rather than SVG because there can be thousands (DESIGN §4: SVG drops
 * to ~12 fps at 5000 moving elements, canvas holds ~55–60).
 */
import { easeCubicIn } from 'd3';
import { DROP_LINGER_MS, progressAt, visibleAt, type Flight } from './flight-tracker';
import { DROP_AT, pointOnRoute, routeBetween, type Anchor, type Point } from './flight-geometry';
import { familyOf, glyphPath, isResponse, styleOf, type Palette, type Shape } from './flight-style';

export interface DrawOptions {
  atMs: number;
  /** Node id → where its messages leave and arrive. Messages of unknown nodes are skipped. */
  anchors: ReadonlyMap<string, Anchor>;
  /** The free band between rows that routes along a row arc into. */
  laneY: number;
  palette: Palette;
  /** prefers-reduced-motion: messages sit still halfway along their route instead of moving. */
  reducedMotion: boolean;
  selectedId?: number | undefined;
}

/** Half the size of a message glyph, in CSS pixels. */
export const GLYPH_RADIUS = 5;
const DROP_FALL_PX = 16;

/** Where `f` is drawn at `atMs`, and how opaque; undefined if it is not on screen. */
export function placeFlight(
  f: Flight,
  options: Pick<DrawOptions, 'atMs' | 'anchors' | 'laneY' | 'reducedMotion'>,
): { point: Point; alpha: number; dropped: boolean } | undefined {
  if (!visibleAt(f, options.atMs)) return undefined;
  const from = options.anchors.get(f.from);
  const to = options.anchors.get(f.to);
  if (!from || !to) return undefined;
  const route = routeBetween(from, to, options.laneY);
  if (options.atMs >= f.deliverAtMs) {
    // Dropped: it stops short of the node that never got it and fades (and falls) away.
    const age = (options.atMs - f.deliverAtMs) / DROP_LINGER_MS;
    const at = pointOnRoute(route, DROP_AT);
    const fall = options.reducedMotion ? 0 : easeCubicIn(age) * DROP_FALL_PX;
    return { point: { x: at.x, y: at.y + fall }, alpha: 1 - age * 0.7, dropped: true };
  }
  const t = options.reducedMotion ? 0.5 : progressAt(f, options.atMs);
  return { point: pointOnRoute(route, t), alpha: 1, dropped: false };
}

/** Path2D objects are parsed once per shape and reused for every message of that shape. */
const glyphs = new Map<string, Path2D>();

function glyph(shape: Shape, r: number): Path2D {
  const key = `${shape}:${r}`;
  let path = glyphs.get(key);
  if (!path) {
    path = new Path2D(glyphPath(shape, r));
    glyphs.set(key, path);
  }
  return path;
}

/** One message glyph: filled for a request, hollow for a response. */
export function drawGlyph(
  ctx: CanvasRenderingContext2D,
  shape: Shape,
  colour: string,
  surface: string,
  x: number,
  y: number,
  response: boolean,
  r = GLYPH_RADIUS,
): void {
  const path = glyph(shape, r);
  ctx.translate(x, y);
  ctx.fillStyle = response ? surface : colour;
  ctx.fill(path);
  ctx.lineWidth = response ? 2 : 1;
  ctx.strokeStyle = colour;
  ctx.stroke(path);
  ctx.translate(-x, -y);
}

function drawCross(ctx: CanvasRenderingContext2D, colour: string, x: number, y: number): void {
  const r = GLYPH_RADIUS + 1;
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = colour;
  ctx.stroke();
}

/** Clears the canvas (in CSS pixels, already scaled for the device) and draws every message. */
export function drawFlights(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
  flights: readonly Flight[],
  options: DrawOptions,
): void {
  ctx.clearRect(0, 0, width, height);
  let selected: { point: Point } | undefined;
  for (const f of flights) {
    const placed = placeFlight(f, options);
    if (!placed) continue;
    const style = styleOf(familyOf(f.kind, f.fetchRole));
    const colour = options.palette[style.family];
    ctx.globalAlpha = placed.alpha;
    if (placed.dropped) {
      drawGlyph(ctx, style.shape, colour, options.palette.surface, placed.point.x, placed.point.y, true);
      drawCross(ctx, options.palette.dropped, placed.point.x, placed.point.y);
    } else {
      drawGlyph(
        ctx,
        style.shape,
        colour,
        options.palette.surface,
        placed.point.x,
        placed.point.y,
        isResponse(f.kind),
      );
    }
    if (f.id === options.selectedId) selected = placed;
  }
  ctx.globalAlpha = 1;
  if (selected) {
    ctx.beginPath();
    ctx.arc(selected.point.x, selected.point.y, GLYPH_RADIUS + 5, 0, Math.PI * 2);
    ctx.lineWidth = 2;
    ctx.strokeStyle = options.palette.selected;
    ctx.stroke();
  }
}

/** The message drawn nearest to (x, y) within `slopPx`, for clicks and taps on the canvas. */
export function flightAt(
  flights: readonly Flight[],
  options: Pick<DrawOptions, 'atMs' | 'anchors' | 'laneY' | 'reducedMotion'>,
  x: number,
  y: number,
  slopPx = 14,
): Flight | undefined {
  let best: Flight | undefined;
  let bestDistance = slopPx * slopPx;
  for (const f of flights) {
    const placed = placeFlight(f, options);
    if (!placed) continue;
    const d = (placed.point.x - x) ** 2 + (placed.point.y - y) ** 2;
    if (d <= bestDistance) {
      best = f;
      bestDistance = d;
    }
  }
  return best;
}
