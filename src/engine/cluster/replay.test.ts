/**
 * Replay (issue #9): a log is history you can read again. A new consumer group bootstraps from the
 * earliest offset; a view (an account balance) is rebuilt from `AccountBalanceChanged` events, the
 * way event sourcing derives state, and rebuilding it again gives the same answer.
 */
import { describe, expect, it } from 'vitest';
import type { FacadeSimulation as Simulation } from '../simulation';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';

interface AccountBalanceChanged {
  type: 'AccountBalanceChanged';
  account: string;
  delta: number;
}

const CHANGES: [string, number][] = [
  ['alice', 100],
  ['bob', 50],
  ['alice', -30],
  ['carol', 70],
  ['bob', 25],
  ['alice', 5],
  ['carol', -70],
  ['bob', -15],
];

function withHistory(seed: number): Simulation {
  const sim = untilReady(cluster(seed, { brokerConfig: { 'offsets.topic.num.partitions': 3 } }));
  sim.dispatch({
    type: 'topic.create',
    topic: 'account-events',
    partitions: 2,
    replicationFactor: 3,
    config: { 'retention.ms': -1 }, // an event store keeps everything
  });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'bank' });
  for (const [account, delta] of CHANGES) {
    const event: AccountBalanceChanged = { type: 'AccountBalanceChanged', account, delta };
    // Keyed by account: one account's events stay in order on one partition.
    sim.dispatch({
      type: 'producer.send',
      producer: 'bank',
      topic: 'account-events',
      key: account,
      value: JSON.stringify(event),
    });
  }
  const acked = sim.runUntil((s) => eventsOf(s, 'producer.acked').length === CHANGES.length, 10_000);
  if (!acked) throw new Error(tail(sim));
  return sim;
}

/** Subscribe a new group and wait until it has read `count` records; returns them in read order. */
function readAll(
  sim: Simulation,
  consumer: string,
  groupId: string,
  reset: 'earliest' | 'latest',
  count: number,
) {
  const since = sim.events().at(-1)!.seq;
  sim.dispatch({ type: 'consumer.create', consumer, groupId, config: { 'auto.offset.reset': reset } });
  sim.dispatch({ type: 'consumer.subscribe', consumer, topics: ['account-events'] });
  const records = () =>
    eventsOf(sim, 'consumer.received', since)
      .filter((e) => e.consumer === consumer)
      .flatMap((e) => e.records);
  sim.runUntil(() => records().length >= count, 15_000);
  sim.runFor(2000); // and nothing more arrives
  return records();
}

/** The projection: fold the events into balances. */
function balances(records: { value: string | null }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const e = JSON.parse(r.value!) as AccountBalanceChanged;
    if (e.type === 'AccountBalanceChanged') out[e.account] = (out[e.account] ?? 0) + e.delta;
  }
  return out;
}

describe('replay', () => {
  it('a new group bootstraps from earliest and reads the whole history; a latest one reads only what comes next', () => {
    const sim = withHistory(31);
    expect(readAll(sim, 'fraud-model', 'fraud-v2', 'earliest', CHANGES.length)).toHaveLength(CHANGES.length);
    expect(readAll(sim, 'dashboard', 'dash', 'latest', 1)).toHaveLength(0);
    sim.dispatch({
      type: 'producer.send',
      producer: 'bank',
      topic: 'account-events',
      key: 'dave',
      value: JSON.stringify({ type: 'AccountBalanceChanged', account: 'dave', delta: 1 }),
    });
    const ok = sim.runUntil(
      (s) => eventsOf(s, 'consumer.received').some((e) => e.consumer === 'dashboard'),
      10_000,
    );
    expect(ok, tail(sim)).toBe(true);
  });

  it('rebuilds account balances from AccountBalanceChanged events, and again the same way', () => {
    const sim = withHistory(32);
    const first = balances(readAll(sim, 'projector-1', 'balances-v1', 'earliest', CHANGES.length));
    expect(first).toEqual({ alice: 75, bob: 60, carol: 0 });
    // A new version of the projection replays the same history into the same state.
    const second = balances(readAll(sim, 'projector-2', 'balances-v2', 'earliest', CHANGES.length));
    expect(second).toEqual(first);
    // Per account, events arrive in the order they happened (one key, one partition).
    const alice = readAll(sim, 'audit', 'audit', 'earliest', CHANGES.length)
      .map((r) => JSON.parse(r.value!) as AccountBalanceChanged)
      .filter((e) => e.account === 'alice')
      .map((e) => e.delta);
    expect(alice).toEqual([100, -30, 5]);
  });
});
