/**
 * Where a cut or slow link's label sits on its route: the first spot along it, from the preferred
 * one outwards, where the label covers no node box and no other link's label. Controllers sit close
 * together in the top band, so a label at a fixed point of a controller's route landed on a box.
 */
import { pointOnRoute, type Anchor, type Point, type Route } from '../flight/flight-geometry';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const GAP = 2;

/** The area `a` (grown by GAP) covers of `b`: 0 when they are apart. */
function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w + GAP, b.x + b.w) - Math.max(a.x - GAP, b.x);
  const h = Math.min(a.y + a.h + GAP, b.y + b.h) - Math.max(a.y - GAP, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Along the route, nearest to `preferred` first. */
function candidates(preferred: number): number[] {
  const ts = [preferred];
  for (let d = 0.05; d <= 0.76; d += 0.05) ts.push(preferred - d, preferred + d);
  return ts.filter((t) => t >= 0.08 && t <= 0.92);
}

/**
 * The centre of a `w`×`h` label on `route`: the first candidate spot clear of every node in
 * `nodes` and every box in `taken` (which the caller extends with the spot chosen), else the one
 * that covers least of them.
 */
export function labelSpot(
  route: Route,
  w: number,
  h: number,
  nodes: Iterable<Anchor>,
  taken: readonly Box[],
  preferred: number,
): Point {
  const boxes: Box[] = [...taken];
  for (const n of nodes) boxes.push({ x: n.x - n.hw, y: n.y - n.hh, w: 2 * n.hw, h: 2 * n.hh });
  let best = pointOnRoute(route, preferred);
  let least = Infinity;
  for (const t of candidates(preferred)) {
    const at = pointOnRoute(route, t);
    const label = { x: at.x - w / 2, y: at.y - h / 2, w, h };
    const covered = boxes.reduce((sum, b) => sum + overlap(label, b), 0);
    if (covered === 0) return at;
    if (covered < least) {
      least = covered;
      best = at;
    }
  }
  return best;
}
