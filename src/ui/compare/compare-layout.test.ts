import { describe, expect, it } from 'vitest';
import type { Divergence, EngineEvent } from '../../engine';
import type { Arrow } from '../spacetime/spacetime-layout';
import { bundleAll, divergenceMark, divergentSide, sharedWindow, ticks } from './compare-layout';

const sent = (atMs: number, from: string, kind: string): EngineEvent =>
  ({
    seq: 1,
    atMs,
    type: 'rpc.sent',
    id: 1,
    from,
    to: 'x',
    kind,
    sentAtMs: atMs,
    deliverAtMs: atMs + 10,
    body: {},
  }) as EngineEvent;

describe('the comparison diagrams', () => {
  // Side 0 answers the producer at 3.6 s; side 1 has a fetch there (also in side 0, at the same
  // time) and sends the same answer at 3.9 s.
  const d: Divergence = {
    index: 5,
    events: [sent(3600, 'broker-3', 'ProduceResponse'), sent(3601, 'broker-1', 'Fetch')],
    sentences: ['', ''],
    counterparts: [3900, 3601],
  };

  it('marks the event that differs on both sides: where it is, and where the other run has it', () => {
    expect(divergentSide(d)).toBe(0);
    expect(divergenceMark(d, 0)).toMatchObject({ atMs: 3600, node: 'broker-3' });
    expect(divergenceMark(d, 1)).toMatchObject({ atMs: 3900, node: 'broker-3' });
    expect(divergenceMark(null, 0)).toBeNull();
  });

  it('both sides share a window from just before the divergence to after the last finding', () => {
    expect(sharedWindow(d, [20_000, 25_000], [])).toEqual({ fromMs: 3100, toMs: 11_100 });
    expect(sharedWindow(d, [20_000, 25_000], [{ atMs: 11_000 } as never])).toEqual({
      fromMs: 3100,
      toMs: 15_000,
    });
    expect(sharedWindow(d, [20_000, 25_000], [], true)).toEqual({ fromMs: 0, toMs: 25_000 });
  });

  it('bundles every kind per slice, dropped messages apart, and ticks whole seconds', () => {
    const a = (sentAtMs: number, dropped: string | null = null): Arrow => ({
      id: sentAtMs,
      from: 'c1',
      to: 'b1',
      kind: 'FindCoordinator',
      sentAtMs,
      deliverAtMs: sentAtMs + 5,
      dropped,
      count: 1,
    });
    const out = bundleAll([a(0), a(10), a(20, 'node-down'), a(150)], 100);
    expect(out.map((x) => [x.sentAtMs, x.count, x.dropped])).toEqual([
      [0, 2, null],
      [20, 1, 'node-down'],
      [150, 1, null],
    ]);
    expect(ticks(3100, 11_100)).toEqual([4000, 5000, 6000, 7000, 8000, 9000, 10_000, 11_000]);
  });
});
