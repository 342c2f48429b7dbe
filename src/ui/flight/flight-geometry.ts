/**
 * Where a message is on screen. Routes run from box edge to box edge, so a message never sits on
 * a node's name. Between rows a route is nearly straight, bowed a little to the right of travel so
 * a request and its response use two lanes. Along a row (broker to broker, controller to
 * controller) a straight line would run through the boxes in between, so the route arcs into the
 * free band between the rows (`laneY`), the two directions at two heights.
 */
export interface Point {
  x: number;
  y: number;
}

/** A node's box as the routes see it: its centre and half its width and height. */
export interface Anchor extends Point {
  hw: number;
  hh: number;
}

export interface Route {
  from: Point;
  control: Point;
  to: Point;
}

/** Bow of a route between rows, as a fraction of its length: steep ones have room to bow, shallow
 * ones run along the band between the rows and must stay in it. */
const CURVATURE_STEEP = 0.07;
const CURVATURE_SHALLOW = 0.03;
/** Bow of a route along a row, by direction: the two lanes. */
const ARC_RIGHTWARD = 0.1;
const ARC_LEFTWARD = 0.17;
/** Where a dropped message is shown: just short of the node that never got it. */
export const DROP_AT = 0.9;

/** Where the line from the box's centre towards `target` crosses the box's edge. */
export function edgePoint(box: Anchor, target: Point): Point {
  const dx = target.x - box.x;
  const dy = target.y - box.y;
  if (dx === 0 && dy === 0) return { x: box.x, y: box.y };
  const t = Math.min(
    dx === 0 ? Infinity : box.hw / Math.abs(dx),
    dy === 0 ? Infinity : box.hh / Math.abs(dy),
  );
  return t >= 1 ? { x: box.x, y: box.y } : { x: box.x + dx * t, y: box.y + dy * t };
}

/**
 * The route between two boxes: curved between their centres, then trimmed to their edges.
 * `laneY`: the middle of the free band the routes along a row arc into.
 */
export function routeBetween(from: Anchor, to: Anchor, laneY: number): Route {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  let control: Point;
  if (Math.abs(dy) < Math.min(from.hh, to.hh)) {
    const bow = Math.abs(dx) * (dx >= 0 ? ARC_RIGHTWARD : ARC_LEFTWARD) * 2;
    control = { x: mid.x, y: mid.y + Math.sign(laneY - mid.y || 1) * (from.hh + bow) };
  } else {
    // (-dy, dx) is the normal to the right of travel on screen (y down); its length is the
    // distance, so the bow scales with it.
    const k = Math.abs(dx) > Math.abs(dy) ? CURVATURE_SHALLOW : CURVATURE_STEEP;
    control = { x: mid.x - dy * k, y: mid.y + dx * k };
  }
  return { from: edgePoint(from, control), control, to: edgePoint(to, control) };
}

/** The point at `t` (0..1) along the route. */
export function pointOnRoute(route: Route, t: number): Point {
  // Plain arithmetic rather than d3 interpolators: this runs for every message on every frame.
  const u = 1 - t;
  return {
    x: u * u * route.from.x + 2 * u * t * route.control.x + t * t * route.to.x,
    y: u * u * route.from.y + 2 * u * t * route.control.y + t * t * route.to.y,
  };
}
