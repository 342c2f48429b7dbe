import { describe, expect, it } from 'vitest';
import { activeController, cluster, eventsOf, lastSeq, untilReady } from '../testing/scenario';

describe('the KRaft controller quorum', () => {
  it('elects one stable controller, which the other voters follow', () => {
    const sim = cluster(1);
    // Election timeouts are 1000-1999 ms: someone stands first and wins.
    expect(sim.runUntil((s) => activeController(s) !== null, 2500)).toBe(true);
    sim.runFor(10_000);
    const q = sim.snapshot().quorum;
    expect(q.leader).not.toBeNull();
    expect(eventsOf(sim, 'raft.leaderElected')).toHaveLength(1);
    for (const v of q.voters) {
      expect(v.leaderId).toBe(q.leader);
      expect(v.epoch).toBe(q.epoch);
      expect(v.role).toBe(v.id === q.leader ? 'leader' : 'follower');
      expect(v.highWatermark).toBe(q.committedOffset);
    }
  });

  it('registers and unfences every broker once it has caught up on metadata', () => {
    const sim = untilReady(cluster(2));
    const brokers = sim.snapshot().brokers;
    expect(brokers.map((b) => b.state)).toEqual(['unfenced', 'unfenced', 'unfenced']);
    expect(new Set(brokers.map((b) => b.brokerEpoch)).size).toBe(3);
    const registered = eventsOf(sim, 'broker.registered');
    const unfenced = eventsOf(sim, 'broker.unfenced');
    expect(registered).toHaveLength(3);
    for (const u of unfenced) {
      const r = registered.find((x) => x.broker === u.broker)!;
      expect(u.seq).toBeGreaterThan(r.seq);
    }
  });

  it('elects another controller within the timeouts when the active one crashes', () => {
    const sim = untilReady(cluster(3));
    const old = activeController(sim)!;
    const oldEpoch = sim.snapshot().quorum.epoch;
    const crashedAt = sim.now();
    sim.dispatch({ type: 'node.crash', node: old });
    // Followers notice after controller.quorum.fetch.timeout.ms (2000), then stand within the election timeout.
    expect(sim.runUntil((s) => activeController(s) !== null, 2000 + 2000 + 1000)).toBe(true);
    const q = sim.snapshot().quorum;
    expect(q.leader).not.toBe(old);
    expect(q.epoch).toBeGreaterThan(oldEpoch);
    expect(sim.now() - crashedAt).toBeGreaterThanOrEqual(2000);
    // Brokers find the new controller and stay unfenced.
    sim.runFor(12_000);
    expect(sim.snapshot().brokers.every((b) => b.state === 'unfenced')).toBe(true);
  });

  it('a partition isolating the active controller elects a new one on the majority side; the old one steps down', () => {
    const sim = untilReady(cluster(4));
    const old = activeController(sim)!;
    const others = ['controller-1', 'controller-2', 'controller-3'].filter((c) => c !== old);
    const since = lastSeq(sim);
    sim.dispatch({
      type: 'network.partition',
      sides: [[old], [...others, 'broker-1', 'broker-2', 'broker-3']],
    });
    expect(sim.runUntil((s) => others.includes(activeController(s) ?? ''), 6000)).toBe(true);
    const fresh = activeController(sim)!;
    // The isolated leader hears from no majority and resigns (check-quorum).
    sim.runFor(3000);
    const oldVoter = sim.snapshot().quorum.voters.find((v) => v.id === old)!;
    expect(oldVoter.role).not.toBe('leader');
    expect(eventsOf(sim, 'raft.resigned', since).some((e) => e.node === old)).toBe(true);
    // After heal it rejoins as a follower; there is exactly one leader.
    sim.dispatch({ type: 'network.heal' });
    sim.runFor(8000);
    const q = sim.snapshot().quorum;
    expect(q.voters.filter((v) => v.role === 'leader')).toHaveLength(1);
    expect(q.voters.find((v) => v.id === old)!.role).toBe('follower');
    expect(q.voters.every((v) => v.highWatermark === q.committedOffset || v.id === q.leader)).toBe(true);
    expect(fresh).not.toBe(old);
  });

  it('never grants two votes in one epoch, and a candidate with a stale log cannot win', () => {
    const sim = untilReady(cluster(5));
    const votes = eventsOf(sim, 'raft.voted');
    const byVoterEpoch = new Set(votes.map((v) => `${v.node}@${v.epoch}`));
    expect(byVoterEpoch.size).toBe(votes.length);
  });

  it('a restarted controller keeps its log and vote and catches up as a follower', () => {
    const sim = untilReady(cluster(6));
    const leader = activeController(sim)!;
    const follower = ['controller-1', 'controller-2', 'controller-3'].find((c) => c !== leader)!;
    sim.dispatch({ type: 'node.crash', node: follower });
    sim.dispatch({ type: 'broker.crash', broker: 1 }); // make metadata move while it is down
    sim.runFor(12_000);
    const before = sim.snapshot().quorum.voters.find((v) => v.id === follower)!;
    sim.dispatch({ type: 'node.restart', node: follower });
    sim.runFor(5000);
    const q = sim.snapshot().quorum;
    const after = q.voters.find((v) => v.id === follower)!;
    expect(after.logEndOffset).toBeGreaterThan(before.logEndOffset);
    expect(after.highWatermark).toBe(q.voters.find((v) => v.id === q.leader)!.highWatermark);
  });

  it('a single-controller quorum leads alone', () => {
    const sim = untilReady(cluster(7, { controllers: 1 }));
    expect(activeController(sim)).toBe('controller-1');
  });
});
