import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../engine';
import { cellGlyph, cellTooltip, laneLabels, readMarks, recordLabel } from './log-marks';

describe('what a log cell says', () => {
  it("names lesson 3's events apart by their type, then keys, then values", () => {
    const v = (type: string) => `{"type":"${type}","accountId":"alice","amount":30}`;
    const labels = ['AccountBalanceChanged', 'TransactionCompleted', 'TransactionFailed'].map((t) =>
      recordLabel({ key: 'alice', value: v(t) }),
    );
    expect(labels).toEqual(['AccountBalanceChanged', 'TransactionCompleted', 'TransactionFailed']);
    expect(new Set(labels.map(cellGlyph)).size).toBe(3);
    expect(labels.map(cellGlyph)).toEqual(['AB', 'TC', 'TF']);
    expect(recordLabel({ key: 'user-7', value: 'clicked' })).toBe('user-7');
    expect(cellGlyph('user-7')).toBe('u7');
    expect(recordLabel({ key: null, value: 'a rather long plain value' })).toBe('a rather long p…');
    expect(recordLabel({ key: null, value: null, control: 'ABORT' })).toBe('ABORT');
  });

  it('tooltips give offset, key, value and time, and say what a marker does', () => {
    const lines = cellTooltip(
      7,
      { offset: 7, key: 'k', value: 'v', timestamp: 1500, aborted: true },
      'committed',
    );
    expect(lines).toEqual(['offset 7 · aborted transaction', 'key k', 'value v', 'time 1.500 s']);
    const abort = cellTooltip(
      8,
      { offset: 8, key: null, value: null, timestamp: 0, control: 'ABORT' },
      'committed',
    );
    expect(abort[0]).toBe('offset 8 · ABORT marker');
    expect(abort[1]).toMatch(/skip/);
    expect(cellTooltip(2, undefined, 'missing')[1]).toMatch(/retention/);
  });
});

describe('read marks', () => {
  const snapshot = {
    groups: [{ groupId: 'billing', offsets: [{ topic: 't', partition: 0, offset: 4 }] }],
    consumers: [
      {
        id: 'c1',
        alive: true,
        assignment: [{ topic: 't', partition: 0, position: 6, committed: 4, lag: 0 }],
      },
      {
        id: 'c2',
        alive: true,
        assignment: [{ topic: 't', partition: 1, position: 2, committed: null, lag: 0 }],
      },
      {
        id: 'c3',
        alive: false,
        assignment: [{ topic: 't', partition: 0, position: 1, committed: null, lag: 0 }],
      },
    ],
  } as unknown as ClusterSnapshot;

  it("marks each group's committed offset and each live consumer's position on its partition", () => {
    expect(readMarks(snapshot, 't', 0)).toEqual([
      { offset: 4, kind: 'committed', who: 'billing' },
      { offset: 6, kind: 'position', who: 'c1' },
    ]);
    expect(readMarks(snapshot, 't', 1)).toEqual([{ offset: 2, kind: 'position', who: 'c2' }]);
  });

  it('leaves out a lane label that would overlap the one before it', () => {
    const out = laneLabels(
      [
        { x: 0, text: '0', kind: 'end-offset' },
        { x: 4, text: 'billing', kind: 'marks' },
        { x: 60, text: '9', kind: 'end-offset', anchor: 'end' },
      ],
      100,
    );
    expect(out.map((l) => l.text)).toEqual(['0', '9']);
  });
});
