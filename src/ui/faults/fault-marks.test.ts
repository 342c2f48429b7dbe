import { describe, expect, it } from 'vitest';
import type { TimelineFault } from '../../bridge/protocol';
import { faultKind, faultMarkers, stackLevels } from './fault-marks';

const at = (index: number, atMs: number, command: TimelineFault['command']): TimelineFault => ({
  index,
  atMs,
  command,
});

describe('fault markers on the scrubber', () => {
  it('tells each kind of fault apart', () => {
    expect(faultKind({ type: 'broker.crash', broker: 2 })).toBe('crash');
    expect(faultKind({ type: 'node.crash', node: 'controller-1' })).toBe('crash');
    expect(faultKind({ type: 'broker.restart', broker: 2 })).toBe('restart');
    expect(faultKind({ type: 'network.cut', from: 'broker-1', to: 'broker-2' })).toBe('cut');
    expect(faultKind({ type: 'network.partition', sides: [['broker-1'], ['broker-2']] })).toBe('cut');
    expect(faultKind({ type: 'network.heal' })).toBe('heal');
    expect(faultKind({ type: 'link.configure', from: 'a', to: 'b', latencyMs: 50 })).toBe('link');
    expect(faultKind({ type: 'consumer.crash', consumer: 'c1' })).toBe('consumer');
  });

  it('places each at its virtual time along the timeline, with a readable label', () => {
    const marks = faultMarkers(
      [
        at(3, 2500, { type: 'broker.crash', broker: 2 }),
        at(7, 7500, { type: 'link.configure', from: 'broker-1', to: 'broker-3', lossRate: 0.25 }),
      ],
      10_000,
    );
    expect(marks.map((m) => [m.kind, m.fraction])).toEqual([
      ['crash', 0.25],
      ['link', 0.75],
    ]);
    expect(marks[0]!.label).toMatch(/broker-2 crashed$/);
    expect(marks[1]!.label).toMatch(/link broker-1 → broker-3: 25% loss$/);
    expect(new Set(marks.map((m) => m.key)).size).toBe(2);
  });

  it('keeps markers on the bar even when the timeline has no length yet', () => {
    expect(faultMarkers([at(0, 0, { type: 'network.heal' })], 0)[0]!.fraction).toBe(0);
  });
});

describe('markers at (nearly) the same time', () => {
  it('stack instead of hiding each other', () => {
    expect(stackLevels([0.1, 0.1, 0.102, 0.5, 0.9, 0.9], 600)).toEqual([0, 1, 2, 0, 0, 1]);
  });
});
