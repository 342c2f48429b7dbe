/**
 * Positions and fetching against the scripted fake brokers: auto.offset.reset, seeks (offset,
 * beginning, end, timestamp), long-poll fetches below the high watermark, max.poll.records, lag,
 * and the errors that send the consumer back to metadata or to its reset policy.
 */
import { describe, expect, it } from 'vitest';
import type { ListOffsetsRequest } from '../protocol/consume';
import type { ReplicaFetchRequest } from '../protocol/produce';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { ConfigValue, SeekTarget } from '../types';
import { eventsOf as of } from '../testing/scenario';
import {
  consumeWorld,
  fakeAppend,
  fakeConsumeFault,
  fakeHighWatermark,
  fakeLogStart,
  fakeMoveLeader,
} from './consumer-fake-cluster';

/** Consumer `m` reading orders-0 by manual assignment (no group: auto.offset.reset decides). */
function reader(config: Record<string, ConfigValue> = {}, setup?: (sim: Simulation) => void): Simulation {
  const sim = consumeWorld();
  setup?.(sim);
  sim.dispatch({ type: 'consumer.create', consumer: 'm', config });
  sim.dispatch({ type: 'consumer.assign', consumer: 'm', partitions: [{ topic: 'orders', partition: 0 }] });
  return sim;
}

const values = (sim: Simulation, since = 0) =>
  of(sim, 'consumer.received', since).flatMap((e) => e.records.map((r) => r.value));
const partition0 = (sim: Simulation) => sim.snapshot().consumers.find((c) => c.id === 'm')!.assignment[0]!;
const sent = (sim: Simulation, kind: string, since = 0) =>
  of(sim, 'rpc.sent', since).filter((e) => e.kind === kind);
const seek = (sim: Simulation, to: SeekTarget) =>
  sim.dispatch({ type: 'consumer.seek', consumer: 'm', topic: 'orders', partition: 0, to });

describe('auto.offset.reset', () => {
  const existing = (sim: Simulation) => fakeAppend(sim, 'orders', 0, ['old-0', 'old-1']);

  it('earliest: ListOffsets -2, then everything from the log start', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest' }, existing);
    sim.runFor(200);
    expect(sent(sim, 'ListOffsets').map((e) => (e.body as ListOffsetsRequest).partitions)).toEqual([
      [{ topic: 'orders', partition: 0, timestamp: -2 }],
    ]);
    expect(of(sim, 'consumer.positionSet')).toMatchObject([{ offset: 0, reason: 'reset-earliest' }]);
    expect(values(sim)).toEqual(['old-0', 'old-1']);
  });

  it('latest (the default): ListOffsets -1, then only what is written after', () => {
    const sim = reader({}, existing);
    sim.runFor(200);
    expect(of(sim, 'consumer.positionSet')).toMatchObject([{ offset: 2, reason: 'reset-latest' }]);
    fakeAppend(sim, 'orders', 0, ['new']);
    sim.runFor(100);
    expect(values(sim)).toEqual(['new']);
  });

  it('none: consumer.failed NO_OFFSET_FOR_PARTITION; the partition waits for a seek', () => {
    const sim = reader({ 'auto.offset.reset': 'none' }, existing);
    sim.runFor(1000);
    expect(of(sim, 'consumer.failed')).toMatchObject([
      {
        consumer: 'm',
        error: 'NO_OFFSET_FOR_PARTITION',
        message: 'Undefined offset with no reset policy for partitions: [orders-0]',
      },
    ]);
    expect(sent(sim, 'Fetch')).toEqual([]);
    expect(partition0(sim).position).toBeNull();
    seek(sim, 1);
    sim.runFor(100);
    expect(values(sim)).toEqual(['old-1']);
  });

  it('a group consumer starts from the committed offset (OffsetFetch) instead', () => {
    const sim = consumeWorld();
    fakeAppend(sim, 'orders', 0, ['a', 'b', 'c']);
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'm',
      groupId: 'g',
      config: { 'auto.offset.reset': 'earliest' },
    });
    sim.dispatch({
      type: 'consumer.commit',
      consumer: 'm',
      offsets: [{ topic: 'orders', partition: 0, offset: 2 }],
    });
    sim.runFor(100);
    sim.dispatch({ type: 'consumer.assign', consumer: 'm', partitions: [{ topic: 'orders', partition: 0 }] });
    sim.runFor(200);
    expect(sent(sim, 'OffsetFetch')).toHaveLength(1);
    expect(of(sim, 'consumer.positionSet')).toMatchObject([{ offset: 2, reason: 'committed' }]);
    expect(values(sim)).toEqual(['c']);
    expect(partition0(sim)).toMatchObject({ position: 3, committed: 2, lag: 0 });
  });

  it('OFFSET_OUT_OF_RANGE (the log start moved past the position) resets by the policy', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 100 }, existing);
    sim.runFor(200);
    fakeAppend(sim, 'orders', 0, ['2', '3', '4', '5']);
    fakeLogStart(sim, 'orders', 0, 4);
    seek(sim, 1);
    sim.runFor(300);
    expect(
      sent(sim, 'FetchResponse').some((e) => JSON.stringify(e.body).includes('OFFSET_OUT_OF_RANGE')),
    ).toBe(true);
    expect(of(sim, 'consumer.positionSet').map((e) => [e.offset, e.reason])).toEqual([
      [0, 'reset-earliest'],
      [1, 'seek'],
      [4, 'reset-earliest'],
    ]);
    expect(values(sim).slice(-2)).toEqual(['4', '5']);
  });

  it('OFFSET_OUT_OF_RANGE with none: consumer.failed, and nothing more is fetched', () => {
    const sim = reader({ 'auto.offset.reset': 'none' }, existing);
    seek(sim, 10);
    sim.runFor(500);
    // No committed offset (no group) fails at once; the seek then fetches, out of range.
    expect(of(sim, 'consumer.failed').map((e) => e.error)).toEqual([
      'NO_OFFSET_FOR_PARTITION',
      'OFFSET_OUT_OF_RANGE',
    ]);
    expect(of(sim, 'consumer.failed')[1]!.message).toMatch(
      /Fetch position 10 is out of range for partition orders-0/,
    );
    expect(sent(sim, 'Fetch')).toHaveLength(1);
  });
});

describe('seek', () => {
  // A seek does not recall a fetch already parked at the broker: the new position is fetched once it
  // comes back (after fetch.max.wait.ms at most), as in Kafka.
  function timeline(): Simulation {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 });
    fakeAppend(sim, 'orders', 0, ['t100-a', 't100-b'], { timestamp: 100 });
    fakeAppend(sim, 'orders', 0, ['t200'], { timestamp: 200 });
    fakeAppend(sim, 'orders', 0, ['t300'], { timestamp: 300 });
    sim.runFor(300);
    return sim;
  }

  it('to an offset: the next fetch starts there, inside a batch too', () => {
    const sim = timeline();
    const since = sim.events().length;
    seek(sim, 1);
    sim.runFor(100);
    expect(of(sim, 'consumer.positionSet', since)).toMatchObject([{ offset: 1, reason: 'seek' }]);
    expect(values(sim, since)).toEqual(['t100-b', 't200', 't300']);
  });

  it("to 'beginning' and 'end': resolved lazily with ListOffsets -2 / -1", () => {
    const sim = timeline();
    let since = sim.events().length;
    seek(sim, 'beginning');
    sim.runFor(100);
    expect((sent(sim, 'ListOffsets', since)[0]!.body as ListOffsetsRequest).partitions[0]!.timestamp).toBe(
      -2,
    );
    expect(of(sim, 'consumer.positionSet', since)).toMatchObject([{ offset: 0, reason: 'seek' }]);
    expect(values(sim, since)).toEqual(['t100-a', 't100-b', 't200', 't300']);
    since = sim.events().length;
    seek(sim, 'end');
    sim.runFor(100);
    expect((sent(sim, 'ListOffsets', since)[0]!.body as ListOffsetsRequest).partitions[0]!.timestamp).toBe(
      -1,
    );
    expect(of(sim, 'consumer.positionSet', since)).toMatchObject([{ offset: 4, reason: 'seek' }]);
    expect(values(sim, since)).toEqual([]);
  });

  it('to a timestamp: the first offset whose timestamp is at or after it', () => {
    const sim = timeline();
    const since = sim.events().length;
    sim.dispatch({
      type: 'consumer.seek',
      consumer: 'm',
      topic: 'orders',
      partition: 0,
      to: { timestampMs: 150 },
    });
    sim.runFor(100);
    expect((sent(sim, 'ListOffsets', since)[0]!.body as ListOffsetsRequest).partitions[0]!.timestamp).toBe(
      150,
    );
    expect(of(sim, 'consumer.positionSet', since)).toMatchObject([{ offset: 2, reason: 'timestamp' }]);
    expect(values(sim, since)).toEqual(['t200', 't300']);
  });

  it('to a timestamp after every record: offsetsForTimes finds nothing, so the seek goes to the end', () => {
    const sim = timeline();
    const since = sim.events().length;
    seek(sim, { timestampMs: 10_000 });
    sim.runFor(100);
    expect(
      sent(sim, 'ListOffsets', since).map((e) => (e.body as ListOffsetsRequest).partitions[0]!.timestamp),
    ).toEqual([10_000, -1]);
    expect(of(sim, 'consumer.positionSet', since)).toMatchObject([{ offset: 4, reason: 'timestamp' }]);
  });

  it('a fetch in flight during a seek is discarded when it comes back', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest' });
    sim.runFor(100); // position 0, a long poll parked at broker-1
    const since = sim.events().length;
    seek(sim, 2);
    fakeAppend(sim, 'orders', 0, ['0', '1', '2', '3']); // answers the parked fetch from offset 0
    sim.runFor(100);
    expect(values(sim, since)).toEqual(['2', '3']);
  });
});

describe('fetching', () => {
  it('one long-poll Fetch per leader, with fetch.max.wait.ms and fetch.min.bytes; answered when data arrives', () => {
    const sim = consumeWorld();
    sim.dispatch({
      type: 'consumer.create',
      consumer: 'm',
      config: { 'fetch.max.wait.ms': 400, 'fetch.min.bytes': 1, 'isolation.level': 'read_committed' },
    });
    sim.dispatch({
      type: 'consumer.assign',
      consumer: 'm',
      partitions: [0, 1, 2].map((partition) => ({ topic: 'orders', partition })),
    });
    sim.runFor(50);
    const fetches = sent(sim, 'Fetch');
    expect(fetches.map((e) => e.to).sort()).toEqual(['broker-1', 'broker-2', 'broker-3']);
    expect(fetches[0]!.body).toMatchObject({
      replicaId: -1,
      maxWaitMs: 400,
      minBytes: 1,
      isolationLevel: 'read_committed',
    } satisfies Partial<ReplicaFetchRequest>);
    expect((sent(sim, 'ListOffsets')[0]!.body as ListOffsetsRequest).isolationLevel).toBe('read_committed');
    // Nothing to read: the broker holds the fetch for maxWaitMs.
    const first = fetches.find((e) => e.to === 'broker-2')!;
    sim.runFor(500);
    const answer = sent(sim, 'FetchResponse').find((e) => e.inReplyTo === first.id)!;
    expect(answer.atMs - first.deliverAtMs).toBe(400);
    // Data arriving mid-wait answers at once, and the record is received on arrival.
    const t = sim.now();
    fakeAppend(sim, 'orders', 1, ['hello']);
    sim.runFor(50);
    expect(of(sim, 'consumer.received').map((e) => [e.atMs - t < 20, e.records[0]!.value])).toEqual([
      [true, 'hello'],
    ]);
  });

  it('never reads at or above the high watermark: records wait until it moves', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest' });
    fakeAppend(sim, 'orders', 0, ['a', 'b', 'c'], { highWatermark: 0 });
    sim.runFor(300);
    expect(values(sim)).toEqual([]);
    fakeHighWatermark(sim, 'orders', 0, 3);
    sim.runFor(50);
    expect(values(sim)).toEqual(['a', 'b', 'c']);
  });

  it('max.poll.records: one consumer.received per poll, each poll its own step, positions and lag follow', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'max.poll.records': 3 });
    sim.runFor(100);
    fakeAppend(sim, 'orders', 0, ['0', '1', '2', '3', '4', '5', '6']);
    sim.runUntil((s) => of(s, 'consumer.received').length === 1, 100);
    expect(partition0(sim)).toMatchObject({ position: 3, lag: 4 });
    const perStep: number[] = [];
    while (of(sim, 'consumer.received').length < 3) {
      perStep.push(sim.step().filter((e) => e.type === 'consumer.received').length);
    }
    expect(perStep.filter((n) => n > 0)).toEqual([1, 1]);
    const polls = of(sim, 'consumer.received');
    expect(polls.map((e) => e.records.map((r) => r.offset))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(new Set(polls.map((e) => e.atMs)).size).toBe(1);
    sim.runFor(10);
    expect(partition0(sim)).toMatchObject({ position: 7, lag: 0 });
    expect(sim.snapshot().consumers[0]!.received).toBe(7);
    // No new fetch for the partition while records were still buffered.
    const fetchOffsets = sent(sim, 'Fetch').map(
      (e) => (e.body as ReplicaFetchRequest).partitions[0]!.fetchOffset,
    );
    expect(fetchOffsets.filter((o) => o > 0 && o < 7)).toEqual([]);
  });

  it('NOT_LEADER_OR_FOLLOWER: metadata again, then fetch from the new leader with its epoch', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 100 });
    sim.runFor(100);
    fakeMoveLeader(sim, 'orders', 0, 2);
    fakeAppend(sim, 'orders', 0, ['x']);
    sim.runFor(400);
    const last = sent(sim, 'Fetch').at(-1)!;
    expect(last.to).toBe('broker-2');
    expect((last.body as ReplicaFetchRequest).partitions[0]!.currentLeaderEpoch).toBe(1);
    expect(sent(sim, 'Metadata').length).toBeGreaterThanOrEqual(2);
    expect(values(sim)).toEqual(['x']);
  });

  it('the leader crashes with a fetch parked: the reset connection sends the consumer to the new leader at once', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'request.timeout.ms': 1000 });
    sim.runFor(100);
    const parked = sent(sim, 'Fetch').at(-1)!;
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    fakeMoveLeader(sim, 'orders', 0, 3);
    fakeAppend(sim, 'orders', 0, ['y']);
    sim.runFor(1200);
    // The crash resets the connection the parked fetch was waiting on: the consumer does not wait for
    // request.timeout.ms; until metadata names the new leader, retries to the old one are refused.
    const next = sent(sim, 'Fetch').filter((e) => e.id > parked.id);
    expect(next[0]!.atMs - parked.atMs).toBeLessThan(1000);
    expect(next.at(-1)!.to).toBe('broker-3');
    expect(values(sim)).toEqual(['y']);
  });

  it('a request to a broker that is already down fails at once and is retried after retry.backoff.ms', () => {
    const sim = consumeWorld();
    sim.dispatch({ type: 'broker.crash', broker: 1 });
    sim.dispatch({ type: 'consumer.create', consumer: 'm', config: { 'auto.offset.reset': 'earliest' } });
    sim.dispatch({ type: 'consumer.assign', consumer: 'm', partitions: [{ topic: 'orders', partition: 0 }] });
    sim.runUntil((x) => of(x, 'rpc.dropped').some((e) => e.kind === 'ListOffsets'), 1000);
    fakeMoveLeader(sim, 'orders', 0, 2);
    sim.runFor(300);
    const lookups = sent(sim, 'ListOffsets');
    expect(lookups.at(-1)!.to).toBe('broker-2');
    const refused = of(sim, 'rpc.dropped').filter((e) => e.kind === 'ListOffsets');
    expect(refused.length).toBe(lookups.length - 1);
    expect(refused.every((e) => e.reason === 'node-down' && e.to === 'broker-1')).toBe(true);
    for (let i = 1; i < lookups.length; i++) {
      expect(lookups[i]!.atMs - lookups[i - 1]!.deliverAtMs).toBeGreaterThanOrEqual(100);
    }
    expect(partition0(sim).position).toBe(0);
  });

  it('a Fetch that is never answered times out after request.timeout.ms', () => {
    const sim = reader({ 'auto.offset.reset': 'earliest', 'request.timeout.ms': 2000 });
    sim.runFor(100);
    fakeConsumeFault(sim, { kind: 'Fetch', silent: true });
    sim.runFor(600); // the long poll in flight is answered, the next one is lost
    const lost = sent(sim, 'Fetch').at(-1)!;
    fakeAppend(sim, 'orders', 0, ['late']);
    sim.runFor(1000);
    expect(values(sim)).toEqual([]);
    sim.runFor(1500);
    expect(values(sim)).toEqual(['late']);
    const retry = sent(sim, 'Fetch').find((e) => e.id > lost.id)!;
    expect(retry.atMs - lost.atMs).toBeGreaterThanOrEqual(2000);
  });
});
