import { describe, expect, it } from 'vitest';
import { routeBetween, type Anchor } from '../flight/flight-geometry';
import { labelSpot } from './link-label-spot';

const anchor = (x: number, y: number, hw = 60, hh = 20): Anchor => ({ x, y, hw, hh });

describe('a link label’s spot', () => {
  it('keeps the preferred spot when it is clear', () => {
    const a = anchor(100, 100);
    const b = anchor(500, 400);
    const route = routeBetween(a, b, 250);
    const at = labelSpot(route, 50, 18, [a, b], [], 0.5);
    const mid = labelSpot(route, 50, 18, [], [], 0.5);
    expect(at).toEqual(mid);
  });

  it('moves along the route off a box that sits on the preferred spot', () => {
    const a = anchor(100, 100);
    const b = anchor(500, 400);
    const route = routeBetween(a, b, 250);
    const preferred = labelSpot(route, 50, 18, [], [], 0.3);
    const inTheWay = anchor(preferred.x, preferred.y, 30, 15);
    const at = labelSpot(route, 50, 18, [a, b, inTheWay], [], 0.3);
    expect(Math.abs(at.x - inTheWay.x) >= 25 + 30 || Math.abs(at.y - inTheWay.y) >= 9 + 15).toBe(true);
  });

  it('does not sit on another link’s label', () => {
    const a = anchor(100, 100);
    const b = anchor(500, 400);
    const route = routeBetween(a, b, 250);
    const first = labelSpot(route, 50, 18, [a, b], [], 0.3);
    const second = labelSpot(route, 50, 18, [a, b], [{ x: first.x - 25, y: first.y - 9, w: 50, h: 18 }], 0.3);
    expect(second).not.toEqual(first);
  });
});
