/**
 * The checker judges a Kafka Streams application's output by its processing.guarantee: an instance
 * crashed after sending output and before committing its input offsets. Under at_least_once the
 * reprocessed output is a duplicate Kafka allows; under exactly_once_v2 a read_committed reader sees
 * each result once, and an engine that lets it see one twice (test doubles: the real trace with one
 * fact changed, as a mutated engine would have produced it) is caught as a violation.
 */
import { describe, expect, it } from 'vitest';
import { ECHO_AND_COUNT, readTopic, streamsCluster } from '../streams/app-kit';
import type { ProcessingGuarantee } from '../streams/app-types';
import type { EngineEvent } from '../types';
import { checkTrace } from './checker';
import { offsetGrid } from './grid';
import type { Finding } from './types';

/** Two records processed and sent, then the instance crashes before its commit and restarts. */
function crashRun(guarantee: ProcessingGuarantee): { events: readonly EngineEvent[]; committed: string[] } {
  const sim = streamsCluster(3);
  sim.dispatch({
    type: 'streams.create',
    app: 'shop',
    topology: { steps: ECHO_AND_COUNT },
    config: {
      'processing.guarantee': guarantee,
      'statestore.cache.max.bytes': 0,
      'commit.interval.ms': 9000,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 1500,
    },
  });
  sim.runFor(500);
  sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
  sim.runFor(8000);
  for (const value of ['p1', 'p2']) {
    sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key: 'alice', value });
    sim.runFor(50);
  }
  sim.runFor(300); // processed and sent; the commit is 9 s away
  sim.dispatch({ type: 'streams.crash', instance: 'a' });
  sim.runFor(1000);
  sim.dispatch({ type: 'streams.restart', instance: 'a' });
  sim.runFor(20_000);
  // A reader of each isolation level reads the output (the checker sees their polls).
  const committed = readTopic(sim, 'echo', 'read_committed').map((r) => r.value!);
  readTopic(sim, 'echo', 'read_uncommitted');
  return { events: sim.events(), committed };
}

const alos = crashRun('at_least_once');
const eos = crashRun('exactly_once_v2');

const dupsIn = (fs: readonly Finding[], topic: string) =>
  fs.filter((f) => f.kind === 'duplicate' && f.topic === topic);

describe('a Streams application under at_least_once', () => {
  it('a crash before the commit duplicates output: found, allowed by its guarantee, told in sentences, linked to its steps', () => {
    expect(alos.committed.sort()).toEqual(['p1', 'p1', 'p2', 'p2']);
    const dups = dupsIn(checkTrace(alos.events).findings(), 'echo');
    expect(dups.map((f) => f.verdict)).toEqual(['allowed', 'allowed']);
    const f = dups[0]!;
    expect(f.sentences[0]).toMatch(
      /^app shop \(processing\.guarantee=at_least_once\) wrote its output alice="p1" to echo-\d at offset \d+ \([\d.]+ s, by instance a\) and again at offset \d+/,
    );
    expect(f.sentences[1]).toMatch(
      /^Instance a crashed at [\d.]+ s before committing the input it had processed/,
    );
    expect(f.because).toMatch(
      /^shop runs with processing\.guarantee=at_least_once: it sends output before it commits/,
    );
    // The steps are real events: both appends, the crash and the restart, in trace order.
    const bySeq = new Map(alos.events.map((e) => [e.seq, e]));
    expect(f.steps.map((s) => bySeq.get(s.seq)?.type)).toEqual([
      'partition.appended',
      'streams.crashed',
      'streams.restarted',
      'partition.appended',
    ]);
    expect(f.steps.every((s) => bySeq.get(s.seq)!.atMs === s.atMs)).toBe(true);
  });

  it("the offset grid marks both copies ×2 on the instance's row, committed by the application", () => {
    const c = checkTrace(alos.events);
    const [first, second] = dupsIn(c.findings(), 'echo');
    const grid = offsetGrid(c, 'echo', first!.partition, { from: 0, width: 10 })!;
    const row = grid.rows.find((r) => r.label === 'streams:a')!;
    const marked = row.cells.filter((x) => x.mark === 'duplicate');
    expect(marked.map((x) => x.offset)).toEqual(
      [first!.offset, second!.offset, ...first!.otherOffsets, ...second!.otherOffsets].sort(),
    );
    // The crashed run never committed its copy; the run after the restart committed the second.
    expect(marked[0]!.title).toMatch(/, not committed \(yet\)\. Written twice/);
    expect(marked.at(-1)!.title).toMatch(/, committed by app shop at [\d.]+ s\. Written twice/);
  });
});

describe('a Streams application under exactly_once_v2', () => {
  const checker = checkTrace(eos.events);

  it('the same crash leaves no duplicate for read_committed readers, and no violation', () => {
    expect(eos.committed).toEqual(['p1', 'p2']);
    expect(checker.findings().filter((f) => f.kind === 'duplicate')).toEqual([]);
    expect(checker.violations()).toEqual([]);
  });

  it("a read_uncommitted reader seeing the aborted output is allowed, and says it is Kafka's rule", () => {
    const reads = checker.findings().filter((f) => f.kind === 'aborted-read' && f.topic === 'echo');
    expect(reads.length).toBe(2);
    expect(reads.every((f) => f.verdict === 'allowed')).toBe(true);
    expect(reads[0]!.because).toMatch(
      /^shop runs with processing\.guarantee=exactly_once_v2, and Kafka promises exactly-once only to read_committed readers: they skip this aborted transaction \(instance a crashed at [\d.]+ s before committing it\)\. reader-\d+ uses isolation\.level=read_uncommitted/,
    );
    expect(reads[0]!.sentences[0]).toMatch(/the transaction of app shop's instance a had been aborted/);
  });

  it("a mutated engine that commits the crashed instance's transaction instead of aborting it is caught", () => {
    // The double: every ABORT marker of the crashed transaction written as COMMIT.
    const forged = eos.events.map((e) =>
      e.type === 'partition.markerWritten' && e.control === 'ABORT'
        ? { ...e, control: 'COMMIT' as const }
        : e,
    );
    const dups = dupsIn(checkTrace(forged).violations(), 'echo');
    expect(dups.map((f) => f.verdict)).toEqual(['violation', 'violation']);
    const f = dups[0]!;
    expect(f.sentences[1]).toMatch(
      /^Both copies are in committed transactions: a read_committed consumer of echo reads alice="p1" twice\./,
    );
    expect(f.because).toMatch(
      /^shop runs with processing\.guarantee=exactly_once_v2: .* exactly once, even after instance a crashed/,
    );
    // Judged when the second copy's transaction committed: that marker is the last step.
    const last = forged.find((e) => e.seq === f.steps.at(-1)!.seq);
    expect(last).toMatchObject({ type: 'partition.markerWritten', control: 'COMMIT', topic: 'echo' });
  });

  it('a mutated engine that writes output outside the transaction (then again after the restart) is caught', () => {
    // The double: the crashed instance's first Produce to echo carried a non-transactional batch.
    let done = false;
    const forged = eos.events.map((e) => {
      if (done || e.type !== 'rpc.sent' || e.kind !== 'Produce' || e.from !== 'streams:a') return e;
      const body = e.body as { partitions: { topic: string; batch: { isTransactional: boolean } }[] };
      if (!body.partitions.some((p) => p.topic === 'echo')) return e;
      done = true;
      return {
        ...e,
        body: {
          ...body,
          partitions: body.partitions.map((p) => ({ ...p, batch: { ...p.batch, isTransactional: false } })),
        },
      } as EngineEvent;
    });
    expect(done).toBe(true);
    const dups = dupsIn(checkTrace(forged).violations(), 'echo');
    expect(dups.length).toBeGreaterThan(0);
    expect(dups[0]!.sentences[1]).toMatch(/one was written outside any transaction/);
  });

  it('a mutated engine that loses committed output is caught, explained by the guarantee', () => {
    const commit = eos.events.find(
      (e) => e.type === 'partition.markerWritten' && e.control === 'COMMIT' && e.topic === 'echo',
    )!;
    if (commit.type !== 'partition.markerWritten') throw new Error('no commit');
    // The double: right after the commit every replica truncates the partition to its start.
    const forged: EngineEvent[] = [1, 2, 3].map((broker, i) => ({
      seq: commit.seq + 0.1 * (i + 1),
      atMs: commit.atMs,
      type: 'replica.truncated',
      broker,
      topic: 'echo',
      partition: commit.partition,
      toOffset: 0,
      removed: commit.offset,
    }));
    const at = eos.events.indexOf(commit) + 1;
    const lost = checkTrace([...eos.events.slice(0, at), ...forged, ...eos.events.slice(at)])
      .violations()
      .filter((f) => f.kind === 'lost-write' && f.topic === 'echo');
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0]!.sentences[0]).toMatch(
      /^app shop \(processing\.guarantee=exactly_once_v2\) committed its output alice="p\d"/,
    );
    expect(lost[0]!.because).toMatch(
      /^shop runs with processing\.guarantee=exactly_once_v2: a committed transaction's output/,
    );
  });
});

describe('equal outputs that are not duplicates', () => {
  it('equal inputs sent in one millisecond give equal outputs: no duplicate, no violation under exactly_once_v2', () => {
    const sim = streamsCluster(3);
    sim.dispatch({
      type: 'streams.create',
      app: 'shop',
      topology: { steps: ECHO_AND_COUNT },
      config: {
        'processing.guarantee': 'exactly_once_v2',
        'session.timeout.ms': 6000,
        'heartbeat.interval.ms': 1500,
      },
    });
    sim.runFor(500);
    sim.dispatch({ type: 'streams.start', app: 'shop', instance: 'a' });
    sim.runFor(8000);
    // Three equal purchases in one instant, twice: six equal records in echo, each from its own input.
    for (let burst = 0; burst < 2; burst++) {
      for (let i = 0; i < 3; i++)
        sim.dispatch({
          type: 'producer.send',
          producer: 'shop',
          topic: 'purchases',
          key: 'alice',
          value: 'hat',
        });
      sim.runFor(100);
    }
    sim.runFor(3000);
    expect(readTopic(sim, 'echo', 'read_committed').map((r) => r.value)).toEqual(Array(6).fill('hat'));
    const c = checkTrace(sim.events());
    expect(c.findings().filter((f) => f.kind === 'duplicate')).toEqual([]);
    expect(c.violations()).toEqual([]);
  });
});
