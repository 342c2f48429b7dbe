/**
 * Kafka Streams applications as nodes on the simulated cluster (issue 17, layer 2): real clients,
 * tasks from the group, internal topics, changelog restore after a crash, the cache and the commit
 * interval deciding what is forwarded, and exactly-once hiding a crashed transaction.
 */
import { describe, expect, it } from 'vitest';
import { formatTrace, replaySimulation } from '../index';
import type { FacadeSimulation as Simulation } from '../simulation';
import { eventsOf, tail } from '../testing/scenario';
import { BROKER_CONFIG, ECHO_AND_COUNT, readTopic, streamsCluster, SUM_PER_KEY } from './app-kit';
import type { TopologyStep } from './topology-spec';

const FAST_GROUP = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1500 };

function send(sim: Simulation, pairs: [string, string][], gapMs = 50) {
  for (const [key, value] of pairs) {
    sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key, value });
    sim.runFor(gapMs);
  }
}

const values = (sim: Simulation, topic: string, iso?: 'read_committed' | 'read_uncommitted') =>
  readTopic(sim, topic, iso).map((r) => `${r.key}=${r.value}`);

describe('a streams application on the cluster', () => {
  it('creates its changelog topic and counts per key through a group member and a producer', () => {
    const sim = streamsCluster(3);
    sim.dispatch({ type: 'streams.create', app: 'shop', topology: { steps: SUM_PER_KEY } });
    sim.runFor(500);
    const changelog = sim.snapshot().topics.find((t) => t.name === 'shop-counts-changelog');
    expect(changelog?.partitions.length).toBe(2);
    expect(eventsOf(sim, 'streams.created')[0]).toMatchObject({ tasks: ['0_0', '0_1'] });
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    send(sim, [
      ['alice', '1'],
      ['bob', '1'],
      ['alice', '1'],
      ['carol', '1'],
      ['alice', '1'],
    ]);
    sim.runFor(40_000);
    expect(eventsOf(sim, 'streams.tasksAssigned').at(-1)?.active, tail(sim)).toEqual(['0_0', '0_1']);
    // The record cache held alice's updates back until the commit: one output each.
    expect(values(sim, 'totals', 'read_uncommitted').sort()).toEqual(['alice=3', 'bob=1', 'carol=1']);
    const snap = sim.snapshot().streamsApps![0]!;
    expect(snap.instances[0]!.tasks.map((t) => t.state)).toEqual(['running', 'running']);
    const group = sim.snapshot().groups.find((g) => g.groupId === 'shop');
    expect(group?.members.length).toBe(1);
  });

  it("Kafka's cache example on the cluster: <A,1> <D,5> <A,20> <A,300> → one A=321, or three without the cache", () => {
    const sums: TopologyStep[] = [
      { id: 'in', op: 'stream', topic: 'purchases' },
      { id: 'g', op: 'groupByKey', from: 'in' },
      { id: 'sum', op: 'aggregate', from: 'g', kind: 'sum', store: 'sums' },
      { id: 'out', op: 'toStream', from: 'sum' },
      { id: 'to', op: 'to', from: 'out', topic: 'totals' },
    ];
    const outputFor = (cache: number) => {
      const sim = streamsCluster(5);
      sim.dispatch({
        type: 'streams.create',
        app: 'sums',
        topology: { steps: sums },
        config: { 'statestore.cache.max.bytes': cache },
      });
      sim.runFor(500);
      sim.dispatch({ type: 'streams.start', app: 'sums', instance: 'a' });
      sim.runFor(8000);
      send(sim, [
        ['A', '1'],
        ['D', '5'],
        ['A', '20'],
        ['A', '300'],
      ]);
      sim.runFor(35_000);
      return values(sim, 'totals', 'read_uncommitted').filter((v) => v.startsWith('A='));
    };
    expect(outputFor(10_485_760)).toEqual(['A=321']);
    expect(outputFor(0)).toEqual(['A=1', 'A=21', 'A=321']);
  });

  it("moves a crashed instance's task to the other, which restores the store from the changelog first", () => {
    const sim = streamsCluster(3);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: SUM_PER_KEY },
      config: { 'commit.interval.ms': 1000, ...FAST_GROUP },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'b' });
    sim.runFor(5000);
    const pairs: [string, string][] = Array.from({ length: 12 }, (_, i) => [
      ['alice', 'bob', 'carol'][i % 3]!,
      '1',
    ]);
    send(sim, pairs, 100);
    sim.runFor(2000);
    const before = eventsOf(sim, 'streams.tasksAssigned');
    const owner = (task: string) => before.filter((e) => e.active.includes(task)).at(-1)!.instance;
    const victim = owner('0_0');
    const survivor = victim === 'a' ? 'b' : 'a';
    const since = sim.events().at(-1)!.seq;
    sim.dispatch({ type: 'streams.crash', instance: victim });
    sim.runFor(15_000);
    const after = eventsOf(sim, 'streams.tasksAssigned', since);
    expect(after.at(-1), tail(sim)).toMatchObject({ instance: survivor, active: ['0_0', '0_1'] });
    const restoring = eventsOf(sim, 'streams.taskRestoring', since);
    expect(restoring.map((e) => e.task)).toEqual(['0_0']);
    const restored = eventsOf(sim, 'streams.restored', since);
    expect(restored.length).toBeGreaterThan(0);
    expect(restored[0]).toMatchObject({ instance: survivor, topic: 'shop-counts-changelog', partition: 0 });
    // Restoring comes before running, and running before processing anything of the moved task.
    const running = eventsOf(sim, 'streams.taskRunning', since).find((e) => e.task === '0_0')!;
    expect(running.seq).toBeGreaterThan(restored.at(-1)!.seq);
    expect(running.restoredRecords).toBe(restored.reduce((n, e) => n + e.records, 0));
    // The counts carry on from the restored store.
    send(sim, [
      ['alice', '1'],
      ['bob', '1'],
      ['carol', '1'],
    ]);
    sim.runFor(3000);
    const last = new Map(readTopic(sim, 'totals', 'read_uncommitted').map((r) => [r.key, r.value]));
    expect(Object.fromEntries(last)).toEqual({ alice: '5', bob: '5', carol: '5' });
  });

  it('at_least_once: a crash after sending but before the offset commit duplicates output', () => {
    const sim = streamsCluster(3);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: ECHO_AND_COUNT },
      config: { 'statestore.cache.max.bytes': 0, ...FAST_GROUP },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    send(sim, [
      ['alice', 'p1'],
      ['alice', 'p2'],
    ]);
    sim.runFor(500); // processed and sent, not committed (commit.interval.ms is 30000)
    sim.dispatch({ type: 'streams.crash', instance: 'a' });
    sim.runFor(1000);
    sim.dispatch({ type: 'streams.restart', instance: 'a' });
    sim.runFor(20_000);
    expect(values(sim, 'echo').sort()).toEqual(['alice=p1', 'alice=p1', 'alice=p2', 'alice=p2']);
    // The count was restored from its changelog (2) and the two records counted again.
    expect(values(sim, 'totals').at(-1)).toBe('alice=4');
  });

  it('exactly_once_v2: a crash mid-transaction aborts its output; read_committed readers never see it', () => {
    const sim = streamsCluster(3);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: ECHO_AND_COUNT },
      config: { 'processing.guarantee': 'exactly_once_v2', 'commit.interval.ms': 9000, ...FAST_GROUP },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    send(sim, [
      ['alice', 'p1'],
      ['alice', 'p2'],
    ]);
    sim.runFor(300); // processed and sent in the open transaction
    expect(eventsOf(sim, 'streams.committed')).toEqual([]);
    sim.dispatch({ type: 'streams.crash', instance: 'a' });
    sim.runFor(500);
    // The crashed transaction's records are in the log, but the LSO stays before them.
    expect(values(sim, 'echo', 'read_uncommitted')).toEqual(['alice=p1', 'alice=p2']);
    expect(values(sim, 'echo', 'read_committed')).toEqual([]);
    sim.dispatch({ type: 'streams.restart', instance: 'a' });
    sim.runFor(20_000);
    expect(eventsOf(sim, 'transaction.aborted').length).toBe(1);
    expect(values(sim, 'echo', 'read_uncommitted').sort()).toEqual([
      'alice=p1',
      'alice=p1',
      'alice=p2',
      'alice=p2',
    ]);
    expect(values(sim, 'echo', 'read_committed')).toEqual(['alice=p1', 'alice=p2']);
    expect(values(sim, 'totals', 'read_committed').at(-1)).toBe('alice=2');
  });

  it('a restored suppress buffer does not emit a final result again (its changelog tombstones are read back)', () => {
    const sim = streamsCluster(3);
    const finalCounts: TopologyStep[] = [
      { id: 'in', op: 'stream', topic: 'purchases' },
      { id: 'g', op: 'groupByKey', from: 'in' },
      { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 10_000, graceMs: 0 } },
      { id: 'c', op: 'aggregate', from: 'w', kind: 'count', store: 'per-window' },
      { id: 's', op: 'suppress', from: 'c' },
      { id: 'out', op: 'toStream', from: 's' },
      { id: 'to', op: 'to', from: 'out', topic: 'totals' },
    ];
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: finalCounts },
      config: { 'processing.guarantee': 'exactly_once_v2', ...FAST_GROUP },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    const at = (key: string, timestamp: number) =>
      sim.dispatch({
        type: 'producer.send',
        producer: 'shop',
        topic: 'purchases',
        key,
        value: '1',
        timestamp,
      });
    // Same key, same partition: 5 s is in [0 s, 10 s); 12 s closes it, and its count is emitted.
    at('alice', 5000);
    sim.runFor(300);
    at('alice', 12_000);
    sim.runFor(3000);
    expect(values(sim, 'totals', 'read_committed')).toEqual(['[alice@0/10000]=1']);
    sim.dispatch({ type: 'streams.crash', instance: 'a' });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.restart', instance: 'a' });
    sim.runFor(20_000);
    // The buffer comes back from its changelog: [10 s, 20 s) still waits; [0 s, 10 s) was emitted
    // and tombstoned. Stream time passing 20 s emits the second window only.
    at('alice', 25_000);
    sim.runFor(3000);
    expect(values(sim, 'totals', 'read_committed').sort(), tail(sim)).toEqual([
      '[alice@0/10000]=1',
      '[alice@10000/20000]=1',
    ]);
  });

  it('is deterministic and replays from its command log', () => {
    const build = () => {
      const sim = streamsCluster(9);
      sim.dispatch({
        type: 'streams.create',
        app: 'shop',
        topology: { steps: SUM_PER_KEY },
        config: { 'processing.guarantee': 'exactly_once_v2' },
      });
      sim.runFor(500);
      sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
      sim.runFor(6000);
      send(sim, [['x', '1']]);
      sim.dispatch({ type: 'streams.crash', instance: 'a' });
      sim.runFor(500);
      return sim;
    };
    const one = build();
    const two = build();
    expect(formatTrace(two.events())).toBe(formatTrace(one.events()));
    const again = replaySimulation({ seed: 9, brokers: 3, brokerConfig: BROKER_CONFIG }, one.commandLog());
    again.runFor(one.now() - again.now());
    expect(formatTrace(again.events())).toBe(formatTrace(one.events()));
  });

  it('a key change goes through a real <application.id>-…-repartition topic into a second sub-topology', () => {
    const sim = streamsCluster(6);
    const byItem: TopologyStep[] = [
      { id: 'in', op: 'stream', topic: 'purchases' },
      { id: 'rekey', op: 'selectKey', from: 'in', key: 'value' },
      { id: 'g', op: 'groupByKey', from: 'rekey', name: 'by-item' },
      { id: 'count', op: 'aggregate', from: 'g', kind: 'count', store: 'items' },
      { id: 'out', op: 'toStream', from: 'count' },
      { id: 'to', op: 'to', from: 'out', topic: 'totals' },
    ];
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: byItem },
      config: { 'statestore.cache.max.bytes': 0 },
    });
    sim.runFor(500);
    const created = eventsOf(sim, 'streams.created')[0]!;
    expect(created.internalTopics).toEqual(['shop-by-item-repartition', 'shop-items-changelog']);
    expect(created.tasks).toEqual(['0_0', '0_1', '1_0', '1_1']);
    const repartition = sim.snapshot().topics.find((t) => t.name === 'shop-by-item-repartition');
    expect(repartition?.partitions.length).toBe(2);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    send(sim, [
      ['alice', 'book'],
      ['bob', 'book'],
      ['carol', 'pen'],
      ['dave', 'book'],
    ]);
    sim.runFor(3000);
    expect(
      readTopic(sim, 'shop-by-item-repartition', 'read_uncommitted')
        .map((r) => r.key)
        .sort(),
    ).toEqual(['book', 'book', 'book', 'pen']);
    const last = new Map(readTopic(sim, 'totals', 'read_uncommitted').map((r) => [r.key, r.value]));
    expect(Object.fromEntries(last)).toEqual({ book: '3', pen: '1' });
  });

  it("a record older than its window end + grace is dropped with Kafka's message (event time from producer.send)", () => {
    const sim = streamsCluster(2);
    const windowed: TopologyStep[] = [
      { id: 'in', op: 'stream', topic: 'purchases' },
      { id: 'g', op: 'groupByKey', from: 'in' },
      { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 5000, graceMs: 1000 } },
      { id: 'count', op: 'aggregate', from: 'w', kind: 'count', store: 'per-user' },
    ];
    sim.dispatch({ type: 'streams.create', app: 'shop', topology: { steps: windowed } });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    const t = sim.now();
    sim.dispatch({
      type: 'producer.send',
      producer: 'shop',
      topic: 'purchases',
      key: 'u',
      value: 'a',
      timestamp: t,
    });
    sim.runFor(300);
    // A purchase made at 100 ms arrives now: its window [0, 5000) closed at 6000 ms of stream time.
    sim.dispatch({
      type: 'producer.send',
      producer: 'shop',
      topic: 'purchases',
      key: 'u',
      value: 'b',
      timestamp: 100,
    });
    sim.runFor(300);
    const drops = eventsOf(sim, 'streams.dropped');
    expect(drops.length, tail(sim)).toBe(1);
    expect(drops[0]).toMatchObject({ timestampMs: 100 });
    expect(drops[0]!.message).toMatch(/^Skipping record for expired window/);
    const processed = eventsOf(sim, 'streams.processed').flatMap((e) => e.timestamps);
    expect(processed).toEqual([t, 100]);
  });

  it('a checkpoint taken mid-run continues identically (tasks and stores are plain data)', () => {
    const sim = streamsCluster(4);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: SUM_PER_KEY },
      config: { 'commit.interval.ms': 1000 },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    send(sim, [
      ['alice', '1'],
      ['bob', '1'],
    ]);
    const cp = sim.checkpoint();
    const from = sim.events().at(-1)!.seq;
    const more = () => {
      send(sim, [
        ['alice', '1'],
        ['carol', '1'],
      ]);
      sim.runFor(3000);
      return formatTrace(sim.events(from));
    };
    const first = more();
    expect(first).toContain('streams.committed');
    sim.restore(cp);
    expect(more()).toBe(first);
  });

  it('rejects bad applications with clear errors', () => {
    const sim = streamsCluster(3);
    const create = (config: Record<string, string | number>, steps = SUM_PER_KEY, app = 'x') =>
      sim.dispatch({ type: 'streams.create', app, topology: { steps }, config });
    expect(() => create({ 'processing.guarantee': 'exactly_once' })).toThrow(/processing.guarantee/);
    expect(() => create({ 'num.threads': 2 })).toThrow(/Unknown or unsupported StreamsConfig key/);
    expect(() => create({}, [{ id: 'in', op: 'stream', topic: 'nope' }])).toThrow(
      /MissingSourceTopicException/,
    );
    expect(() => sim.dispatch({ type: 'streams.start', app: 'ghost', instance: 'a' })).toThrow(
      /no application/,
    );
    expect(() => sim.dispatch({ type: 'streams.crash', instance: 'ghost' })).toThrow(
      /UNKNOWN_NODE|no instance/,
    );
  });
});
