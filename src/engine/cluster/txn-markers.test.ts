/**
 * One marker per partition per transaction end (issue 13, reference §7.3): the coordinator sends
 * WriteTxnMarkers once and waits for the leader's answer, which comes when the marker is
 * replicated (acks=-1) or after request.timeout.ms; only partitions that come back with a
 * retriable error are sent again.
 */
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../simulation';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';

function setup(brokerConfig: Record<string, number> = {}): Simulation {
  const sim = untilReady(
    cluster(7, {
      brokers: 3,
      brokerConfig: {
        'transaction.state.log.num.partitions': 3,
        'offsets.topic.num.partitions': 3,
        ...brokerConfig,
      },
    }),
  );
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'tx', config: { 'transactional.id': 'tx-1' } });
  const ready = sim.runUntil((s) => s.snapshot().producers[0]?.transactionState === 'READY', 20_000);
  if (!ready) throw new Error(`never initialized\n${tail(sim)}`);
  return sim;
}

const leaderOf = (sim: Simulation) => sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;

/** Every follower's fetches reach the leader slowly (but the followers stay in the ISR). */
function slowFollowers(sim: Simulation, latencyMs: number) {
  const p = leaderOf(sim);
  for (const b of p.replicas.filter((r) => r !== p.leader)) {
    sim.dispatch({ type: 'link.configure', from: `broker-${b}`, to: `broker-${p.leader}`, latencyMs });
  }
}

function commitOne(sim: Simulation) {
  sim.dispatch({ type: 'producer.beginTransaction', producer: 'tx' });
  sim.dispatch({
    type: 'producer.send',
    producer: 'tx',
    topic: 'orders',
    key: null,
    value: 'a',
    partition: 0,
  });
  sim.runFor(2000);
  sim.dispatch({ type: 'producer.commitTransaction', producer: 'tx' });
}

describe('transaction markers', () => {
  it('a commit whose marker replicates slowly writes one marker, not one per resend', () => {
    const sim = setup();
    slowFollowers(sim, 4000); // replicating a marker now takes 4–8 s, longer than the old 3 s resend
    commitOne(sim);
    expect(sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 60_000)).toBe(true);
    sim.runFor(10_000);
    expect(eventsOf(sim, 'partition.markerWritten').filter((e) => e.topic === 'orders')).toHaveLength(1);
    const log = sim.readLog(leaderOf(sim).leader, 'orders', 0);
    expect(log.filter((r) => r.control).map((r) => r.control)).toEqual(['COMMIT']);
    expect(eventsOf(sim, 'rpc.sent').filter((e) => e.kind === 'WriteTxnMarkers')).toHaveLength(1);
  });

  it('a marker not replicated within request.timeout.ms is sent again, never sooner', () => {
    const sim = setup({ 'request.timeout.ms': 4000 });
    slowFollowers(sim, 4000);
    commitOne(sim);
    const answered = (s: Simulation) =>
      eventsOf(s, 'rpc.sent').some((e) => e.kind === 'WriteTxnMarkersResponse');
    expect(sim.runUntil(answered, 20_000)).toBe(true);
    // The leader held the marker for request.timeout.ms, then answered REQUEST_TIMED_OUT.
    const first = eventsOf(sim, 'rpc.sent').find((e) => e.kind === 'WriteTxnMarkersResponse')!;
    expect(first.body).toMatchObject({ partitions: [{ topic: 'orders', error: 'REQUEST_TIMED_OUT' }] });
    slowFollowers(sim, 3); // the link recovers: a resent marker replicates in time
    expect(sim.runUntil((s) => eventsOf(s, 'transaction.committed').length > 0, 30_000)).toBe(true);
    const sends = eventsOf(sim, 'rpc.sent').filter((e) => e.kind === 'WriteTxnMarkers');
    expect(sends.length).toBeGreaterThan(1);
    // Each resend waited out the request timeout (Kafka's coordinator times out just before the
    // leader answers, as both use request.timeout.ms), and each request wrote exactly one marker.
    for (let i = 1; i < sends.length; i++)
      expect(sends[i]!.atMs - sends[i - 1]!.atMs).toBeGreaterThanOrEqual(4000);
    const markers = eventsOf(sim, 'partition.markerWritten').filter((e) => e.topic === 'orders');
    expect(markers).toHaveLength(sends.length);
  });
});
