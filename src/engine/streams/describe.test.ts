import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTopology } from './topology-builder';
import { describeTopology } from './describe';
import { toJavaDsl } from './java-dsl';
import type { TopologyStep } from './topology-spec';

const golden = (name: string) => readFileSync(join(import.meta.dirname, 'golden', `${name}.txt`), 'utf8');
const text = (steps: TopologyStep[]) => describeTopology(buildTopology({ steps }));

const sessionCount = (suppressName?: string): TopologyStep[] => [
  { id: 'in', op: 'stream', topic: 'input' },
  { id: 'g', op: 'groupBy', from: 'in', key: 'key' },
  { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'session', gapMs: 5, graceMs: 5 } },
  { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'counts' },
  { id: 's', op: 'suppress', from: 'c', name: suppressName },
  { id: 'ts', op: 'toStream', from: 's' },
  { id: 'm', op: 'map', from: 'ts', key: 'key', value: 'value' },
  { id: 'out', op: 'to', from: 'm', topic: 'output-suppressed' },
];

const streamTableJoins = (names: [string, string] | null): TopologyStep[] => [
  { id: 'a', op: 'stream', topic: 'topic' },
  { id: 'b', op: 'table', topic: 'topic2' },
  { id: 'c', op: 'table', topic: 'topic3' },
  { id: 'rekeyed', op: 'map', from: 'a', key: 'value', value: 'key' },
  { id: 'j1', op: 'tableJoin', from: 'rekeyed', table: 'b', kind: 'inner', name: names?.[0] },
  { id: 'o1', op: 'to', from: 'j1', topic: 'out-one' },
  { id: 'j2', op: 'tableJoin', from: 'rekeyed', table: 'c', kind: 'inner', name: names?.[1] },
  { id: 'o2', op: 'to', from: 'j2', topic: 'out-two' },
];

const streamStreamJoins = (names: [string, string] | null, secondTopic: string): TopologyStep[] => {
  const w = { beforeMs: 100, afterMs: 100, graceMs: 0 };
  return [
    { id: 's1', op: 'stream', topic: 'topic' },
    { id: 's2', op: 'stream', topic: 'topic2' },
    { id: 's3', op: 'stream', topic: 'topic3' },
    { id: 'n', op: 'map', from: 's1', key: 'value', value: 'key' },
    { id: 'j1', op: 'join', from: 'n', other: 's2', kind: 'inner', windows: w, name: names?.[0] },
    { id: 'o1', op: 'to', from: 'j1', topic: 'out-one' },
    { id: 'j2', op: 'join', from: 'n', other: 's3', kind: 'inner', windows: w, name: names?.[1] },
    { id: 'o2', op: 'to', from: 'j2', topic: secondTopic },
  ];
};

describe('Topology#describe() is byte-identical to Kafka’s (goldens from Kafka’s tests)', () => {
  it('session count + suppress (anonymous): SuppressTopologyTest', () => {
    expect(text(sessionCount())).toBe(golden('suppress-anonymous-final'));
  });
  it('session count + suppress named "myname": SuppressTopologyTest', () => {
    expect(text(sessionCount('myname'))).toBe(golden('suppress-named-final'));
  });
  it('two stream-table joins reusing a generated repartition topic: KStreamKTableJoinTest', () => {
    expect(text(streamTableJoins(null))).toBe(golden('stream-table-join-generated'));
  });
  it('two stream-table joins with named repartition topics: KStreamKTableJoinTest', () => {
    expect(text(streamTableJoins(['first-join', 'second-join']))).toBe(golden('stream-table-join-named'));
  });
  it('two stream-stream joins reusing a generated repartition topic: KStreamKStreamJoinTest', () => {
    expect(text(streamStreamJoins(null, 'out-to'))).toBe(golden('stream-stream-join-generated'));
  });
  it('two stream-stream joins with StreamJoined names: KStreamKStreamJoinTest', () => {
    expect(text(streamStreamJoins(['first-join', 'second-join'], 'out-two'))).toBe(
      golden('stream-stream-join-named'),
    );
  });
});

describe('topology graph', () => {
  it('a key change before groupByKey inserts a repartition topic and splits the sub-topologies', () => {
    const g = buildTopology({
      steps: [
        { id: 'p', op: 'stream', topic: 'purchases' },
        { id: 'k', op: 'selectKey', from: 'p', key: 'value.user' },
        { id: 'g', op: 'groupByKey', from: 'k' },
        { id: 'c', op: 'aggregate', from: 'g', kind: 'count' },
      ],
    });
    expect(g.repartitionTopics.map((t) => t.name)).toEqual([
      'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition',
    ]);
    expect(g.subtopologies.length).toBe(2);
    expect(g.stores.map((s) => s.name)).toEqual(['KSTREAM-AGGREGATE-STATE-STORE-0000000002']);
  });

  it('mapValues keeps the key, so no repartition', () => {
    const g = buildTopology({
      steps: [
        { id: 'p', op: 'stream', topic: 'purchases' },
        { id: 'v', op: 'mapValues', from: 'p', value: 'value.amount' },
        { id: 'g', op: 'groupByKey', from: 'v' },
        { id: 'c', op: 'aggregate', from: 'g', kind: 'sum' },
      ],
    });
    expect(g.repartitionTopics).toEqual([]);
    expect(g.subtopologies.length).toBe(1);
  });

  it('split names its branches after the splitter', () => {
    const t = text([
      { id: 'p', op: 'stream', topic: 'in' },
      {
        id: 'sp',
        op: 'split',
        from: 'p',
        branches: [{ id: 'big', predicate: 'value.amount > 100' }],
        defaultBranch: { id: 'rest' },
      },
      { id: 'o', op: 'to', from: 'big', topic: 'big' },
    ]);
    expect(t).toContain(
      'Processor: KSTREAM-BRANCH-0000000001 (stores: [])\n      --> KSTREAM-BRANCH-00000000011, KSTREAM-BRANCH-00000000010',
    );
  });

  it('rejects a step that continues from nowhere, or suppress without windows', () => {
    expect(() => buildTopology({ steps: [{ id: 'f', op: 'filter', from: 'x', predicate: 'true' }] })).toThrow(
      /not an earlier step/,
    );
    expect(() =>
      buildTopology({
        steps: [
          { id: 'p', op: 'stream', topic: 'in' },
          { id: 'g', op: 'groupByKey', from: 'p' },
          { id: 'c', op: 'aggregate', from: 'g', kind: 'count' },
          { id: 's', op: 'suppress', from: 'c' },
        ],
      }),
    ).toThrow(/needs a windowed aggregation/);
    expect(() => buildTopology({ steps: [{ id: 'p', op: 'stream', topic: 'bad topic!' }] })).toThrow();
  });
});

describe('the Java DSL text', () => {
  it('is the program of SuppressTopologyTest, statement for statement', () => {
    const steps = sessionCount('myname');
    expect(toJavaDsl(buildTopology({ steps }))).toBe(
      [
        '// Kafka Streams DSL. Values are records with accessors (value.amount()); joined(l, r) builds {"left": l, "right": r}.',
        'StreamsBuilder builder = new StreamsBuilder();',
        'var in = builder.stream("input");',
        'var g = in.groupBy((key, value) -> key);',
        'var w = g.windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(5)));',
        'var c = w.count(Materialized.as("counts"));',
        'var s = c.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("myname"));',
        'var ts = s.toStream();',
        'var m = ts.map((key, value) -> KeyValue.pair(key, value));',
        'm.to("output-suppressed");',
        'Topology topology = builder.build();',
        'System.out.println(topology.describe());',
        '',
      ].join('\n'),
    );
  });

  it('writes expressions as Java, branches by their Kafka map keys, joins with JoinWindows', () => {
    const java = toJavaDsl(
      buildTopology({
        steps: [
          { id: 'new', op: 'stream', topic: 'purchases' },
          { id: 'f', op: 'filter', from: 'new', predicate: 'value.amount > 10 && key == "a"' },
          {
            id: 'sp',
            op: 'split',
            from: 'f',
            branches: [{ id: 'big', predicate: 'value.amount > 100' }],
            defaultBranch: { id: 'rest' },
          },
          {
            id: 'j',
            op: 'join',
            from: 'big',
            other: 'rest',
            kind: 'left',
            windows: { beforeMs: 10, afterMs: 10, graceMs: 5 },
          },
        ],
      }),
    );
    expect(java).toContain('var new_ = builder.stream("purchases");');
    expect(java).toContain(
      'var f = new_.filter((key, value) -> (value.amount() > 10) && Objects.equals(key, "a"));',
    );
    expect(java).toContain('var big = sp.get("KSTREAM-BRANCH-00000000021");');
    expect(java).toContain('var rest = sp.get("KSTREAM-BRANCH-00000000020");');
    expect(java).toContain(
      'JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5))',
    );
  });
});
