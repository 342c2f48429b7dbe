import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../engine';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { DROP_LINGER_MS, FlightTracker, progressAt } from './flight-tracker';
import { placeFlight } from './flight-renderer';

describe('messages in flight', () => {
  it('holds exactly the RPCs sent and not yet due at the playhead', () => {
    const sim = untilReady(cluster(1));
    const tracker = new FlightTracker();
    tracker.apply({ events: sim.events(), nowMs: sim.now() });
    const at = sim.now();
    const expected = sim
      .events()
      .filter((e): e is Extract<EngineEvent, { type: 'rpc.sent' }> => e.type === 'rpc.sent')
      .filter((e) => e.sentAtMs <= at && e.deliverAtMs > at)
      .map((e) => e.id);
    expect(tracker.inFlightAt(at).map((f) => f.id)).toEqual(expected);
    // And at an earlier playhead within the retained window, those in the air then.
    const earlier = at - 3;
    const then = sim
      .events()
      .filter((e): e is Extract<EngineEvent, { type: 'rpc.sent' }> => e.type === 'rpc.sent')
      .filter((e) => e.sentAtMs <= earlier && e.deliverAtMs > earlier)
      .map((e) => e.id);
    expect(tracker.inFlightAt(earlier).map((f) => f.id)).toEqual(then);
  });

  it('shows a dropped message for a moment after its drop, then forgets it', () => {
    const sim = untilReady(cluster(1));
    const tracker = new FlightTracker();
    tracker.apply({ events: sim.events(), nowMs: sim.now() });
    sim.dispatch({ type: 'network.cut', from: 'broker-1', to: 'controller-1' });
    sim.dispatch({ type: 'network.cut', from: 'broker-1', to: 'controller-2' });
    sim.dispatch({ type: 'network.cut', from: 'broker-1', to: 'controller-3' });
    const since = sim.events().at(-1)!.seq;
    sim.runFor(3000);
    tracker.apply({ events: sim.events(since), nowMs: sim.now() });
    const drop = sim.events(since).findLast((e) => e.type === 'rpc.dropped')!;
    const f = tracker.get((drop as Extract<EngineEvent, { type: 'rpc.dropped' }>).id)!;
    expect(f.outcome).toEqual({ type: 'dropped', reason: 'cut' });
    expect(tracker.inFlightAt(f.deliverAtMs + DROP_LINGER_MS - 1)).toContain(f);
    expect(tracker.inFlightAt(f.deliverAtMs + DROP_LINGER_MS)).not.toContain(f);
  });

  it('places a message by interpolating sentAtMs → deliverAtMs', () => {
    const f = { id: 1, from: 'a', to: 'b', kind: 'Fetch', sentAtMs: 100, deliverAtMs: 104, body: {} };
    expect(progressAt(f, 102)).toBe(0.5);
    // Point-sized boxes, so the route runs centre to centre.
    const anchors = new Map([
      ['a', { x: 0, y: 0, hw: 0, hh: 0 }],
      ['b', { x: 100, y: 0, hw: 0, hh: 0 }],
    ]);
    const start = placeFlight(f, { atMs: 100, anchors, laneY: -50, reducedMotion: false })!.point;
    const middle = placeFlight(f, { atMs: 102, anchors, laneY: -50, reducedMotion: false })!.point;
    expect(start).toEqual({ x: 0, y: 0 });
    expect(middle.x).toBeCloseTo(50);
    // Bowed to the side of travel, so the response (b → a) takes the other side.
    expect(middle.y).toBeGreaterThan(0);
    const back = placeFlight(
      { ...f, from: 'b', to: 'a' },
      { atMs: 102, anchors, laneY: -50, reducedMotion: false },
    )!.point;
    expect(back.y).toBeLessThan(0);
    expect(placeFlight(f, { atMs: 104, anchors, laneY: -50, reducedMotion: false })).toBeUndefined();
  });

  it('arcs along a row into the free lane, the way back higher than the way there', () => {
    const f = { id: 1, from: 'a', to: 'b', kind: 'Fetch', sentAtMs: 100, deliverAtMs: 104, body: {} };
    const anchors = new Map([
      ['a', { x: 0, y: 100, hw: 40, hh: 20 }],
      ['b', { x: 300, y: 100, hw: 40, hh: 20 }],
    ]);
    const options = { atMs: 102, anchors, laneY: 40, reducedMotion: false };
    const there = placeFlight(f, options)!.point;
    const back = placeFlight({ ...f, from: 'b', to: 'a' }, options)!.point;
    expect(there.y).toBeLessThan(80); // above the boxes' top edge
    expect(back.y).toBeLessThan(there.y);
    // It leaves from the box's edge, not its centre.
    const start = placeFlight(f, { ...options, atMs: 100 })!.point;
    expect(start.y).toBe(80);
  });

  it("after a jump, draws exactly the snapshot's messages in flight, bodies where the batch has them", () => {
    const tracker = new FlightTracker();
    const sent = (seq: number, id: number, sentAtMs: number): EngineEvent => ({
      seq,
      atMs: sentAtMs,
      type: 'rpc.sent',
      id,
      from: 'a',
      to: 'b',
      kind: 'Vote',
      sentAtMs,
      deliverAtMs: sentAtMs + 10,
      body: { id },
    });
    tracker.apply({ events: [sent(1, 1, 0), sent(2, 2, 50)], nowMs: 55 });
    // Back to 5 ms: message 2 was not sent yet; message 3 (sent long before, on a slow link) flies.
    const inFlight = [
      { id: 1, kind: 'Vote', from: 'a', to: 'b', sentAtMs: 0, deliverAtMs: 10 },
      { id: 3, kind: 'Fetch', from: 'b', to: 'c', sentAtMs: -400, deliverAtMs: 600 },
    ];
    tracker.apply(
      { events: [sent(1, 1, 0)], nowMs: 5, snapshot: { inFlight } },
      { kind: 'jump', opened: false, back: true, skipped: 0 },
    );
    expect(tracker.get(2)).toBeUndefined();
    expect(tracker.inFlightAt(5).map((f) => [f.id, f.body])).toEqual([
      [1, { id: 1 }],
      [3, undefined],
    ]);
    expect('body' in tracker.get(3)!).toBe(false);
    // Stepping on from there, the events play on top.
    tracker.apply({
      events: [{ seq: 2, atMs: 10, type: 'rpc.delivered', id: 1, from: 'a', to: 'b', kind: 'Vote' }],
      nowMs: 10,
    });
    expect(tracker.inFlightAt(10).map((f) => f.id)).toEqual([3]);
  });
});
