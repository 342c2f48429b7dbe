import { describe, expect, it } from 'vitest';
import { leaderCrashScenario } from '../../engine/testing/checker-scenarios';
import { arrowsOf, bundle, causalPast, type Arrow } from './spacetime-layout';

const arrow = (
  id: number,
  from: string,
  to: string,
  sentAtMs: number,
  deliverAtMs: number,
  kind = 'Produce',
): Arrow => ({
  id,
  from,
  to,
  kind,
  sentAtMs,
  deliverAtMs,
  dropped: null,
  count: 1,
});

describe('space-time layout', () => {
  it('keeps only the causal past of a node', () => {
    const arrows = [
      arrow(1, 'a', 'b', 0, 5), // a → b, then b → c: in c's past
      arrow(2, 'b', 'c', 6, 9),
      arrow(3, 'a', 'b', 7, 8), // reaches b after b told c: not in c's past
      arrow(4, 'c', 'a', 1, 2), // c → a: a sent nothing on to c after it arrived
    ];
    expect(causalPast(arrows, 'c', 10).map((a) => a.id)).toEqual([1, 2]);
  });

  it('bundles heartbeat and fetch chatter, counting the messages, and marks drops', () => {
    const sim = leaderCrashScenario({ acks: 1 });
    const window = sim.events().filter((e) => e.atMs >= 4000 && e.atMs <= 6000);
    const all = arrowsOf(window);
    const bundled = bundle(all, 2000);
    expect(bundled.length).toBeLessThan(all.length * 0.75);
    expect(bundled.reduce((n, a) => n + a.count, 0)).toBe(all.length);
    expect(bundled.some((a) => a.kind === 'Produce')).toBe(true);
    expect(arrowsOf(sim.events()).some((a) => a.dropped === 'node-down' || a.dropped === 'cut')).toBe(true);
  });
});
