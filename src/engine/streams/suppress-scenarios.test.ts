/**
 * Kafka's SuppressScenarioTest (streams/src/test/.../kstream/internals, apache/kafka 1eb7644):
 * the same programs, the same input, the same expected output-raw and output-suppressed records
 * (key, value, timestamp), run through the TopologyDriver (commit after every record, no cache).
 */
import { describe, expect, it } from 'vitest';
import { TopologyDriver } from './driver';
import type { WindowSpec } from './windows';

function run(windows: WindowSpec, input: [string, number][]) {
  const d = new TopologyDriver({
    steps: [
      { id: 'in', op: 'stream', topic: 'input' },
      { id: 'g', op: 'groupBy', from: 'in', key: 'key' },
      { id: 'w', op: 'windowedBy', from: 'g', windows },
      { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'counts' },
      { id: 's', op: 'suppress', from: 'c' },
      { id: 'sts', op: 'toStream', from: 's' },
      { id: 'sm', op: 'map', from: 'sts', key: 'key', value: 'value' },
      { id: 'so', op: 'to', from: 'sm', topic: 'output-suppressed' },
      { id: 'rts', op: 'toStream', from: 'c' },
      { id: 'rm', op: 'map', from: 'rts', key: 'key', value: 'value' },
      { id: 'ro', op: 'to', from: 'rm', topic: 'output-raw' },
    ],
  });
  for (const [k, ts] of input) d.pipeInput('input', k, 'v1', ts);
  const read = (t: string) =>
    d.output(t).map((r) => [r.key, r.value === null ? null : Number(r.value), r.timestampMs]);
  return { raw: read('output-raw'), suppressed: read('output-suppressed') };
}

describe('SuppressScenarioTest, reproduced', () => {
  it('shouldSupportFinalResultsForTimeWindows', () => {
    const { raw, suppressed } = run({ type: 'tumbling', sizeMs: 2, graceMs: 1 }, [
      ['k1', 0],
      ['k1', 1],
      ['k1', 2],
      ['k1', 1],
      ['k1', 0],
      ['k1', 5],
      ['k1', 0],
    ]);
    expect(raw).toEqual([
      ['[k1@0/2]', 1, 0],
      ['[k1@0/2]', 2, 1],
      ['[k1@2/4]', 1, 2],
      ['[k1@0/2]', 3, 1],
      ['[k1@0/2]', 4, 1],
      ['[k1@4/6]', 1, 5],
    ]);
    expect(suppressed).toEqual([
      ['[k1@0/2]', 4, 1],
      ['[k1@2/4]', 1, 2],
    ]);
  });

  it('shouldSupportFinalResultsForTimeWindowsWithLargeJump', () => {
    const { raw, suppressed } = run({ type: 'tumbling', sizeMs: 2, graceMs: 2 }, [
      ['k1', 0],
      ['k1', 1],
      ['k1', 2],
      ['k1', 0],
      ['k1', 3],
      ['k1', 0],
      ['k1', 4],
      ['k1', 0],
      ['k1', 30],
    ]);
    expect(raw).toEqual([
      ['[k1@0/2]', 1, 0],
      ['[k1@0/2]', 2, 1],
      ['[k1@2/4]', 1, 2],
      ['[k1@0/2]', 3, 1],
      ['[k1@2/4]', 2, 3],
      ['[k1@0/2]', 4, 1],
      ['[k1@4/6]', 1, 4],
      ['[k1@30/32]', 1, 30],
    ]);
    expect(suppressed).toEqual([
      ['[k1@0/2]', 4, 1],
      ['[k1@2/4]', 2, 3],
      ['[k1@4/6]', 1, 4],
    ]);
  });

  it('shouldSupportFinalResultsForSlidingWindows', () => {
    const { raw, suppressed } = run({ type: 'sliding', differenceMs: 5, graceMs: 15 }, [
      ['k1', 10],
      ['k1', 11],
      ['k1', 10],
      ['k1', 13],
      ['k1', 10],
      ['k1', 24],
      ['k1', 5],
      ['k1', 7],
      ['k1', 90],
    ]);
    // Kafka's test sorts the raw output by key, then timestamp.
    const sorted = [...raw].sort((a, b) =>
      a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : (a[2] as number) - (b[2] as number),
    );
    expect(sorted).toEqual([
      ['[k1@11/16]', 1, 11],
      ['[k1@11/16]', 2, 13],
      ['[k1@12/17]', 1, 13],
      ['[k1@19/24]', 1, 24],
      ['[k1@5/10]', 1, 10],
      ['[k1@5/10]', 2, 10],
      ['[k1@5/10]', 3, 10],
      ['[k1@5/10]', 4, 10],
      ['[k1@5/10]', 5, 10],
      ['[k1@6/11]', 2, 11],
      ['[k1@6/11]', 3, 11],
      ['[k1@6/11]', 4, 11],
      ['[k1@6/11]', 5, 11],
      ['[k1@8/13]', 4, 13],
      ['[k1@8/13]', 5, 13],
      ['[k1@85/90]', 1, 90],
    ]);
    expect(suppressed).toEqual([
      ['[k1@5/10]', 5, 10],
      ['[k1@6/11]', 5, 11],
      ['[k1@8/13]', 5, 13],
      ['[k1@11/16]', 2, 13],
      ['[k1@12/17]', 1, 13],
      ['[k1@19/24]', 1, 24],
    ]);
  });

  it('shouldSupportFinalResultsForSessionWindows', () => {
    const { raw, suppressed } = run({ type: 'session', gapMs: 5, graceMs: 0 }, [
      ['k1', 0],
      ['k1', 5],
      ['k1', 1],
      ['k2', 11],
      ['k1', 5],
      ['k1', 30],
    ]);
    expect(raw).toEqual([
      ['[k1@0/0]', 1, 0],
      ['[k1@0/0]', null, 0],
      ['[k1@0/5]', 2, 5],
      ['[k1@0/5]', null, 5],
      ['[k1@0/5]', 3, 5],
      ['[k2@11/11]', 1, 11],
      ['[k1@30/30]', 1, 30],
    ]);
    expect(suppressed).toEqual([
      ['[k1@0/5]', 3, 5],
      ['[k2@11/11]', 1, 11],
    ]);
  });
});
