import { describe, expect, it } from 'vitest';
import { readTopic, streamsCluster } from '../streams/app-kit';
import { eventsOf } from '../testing/scenario';
import { COUNT_PER_WINDOW, ROLLING_COUNT, startFlink, submitFlink } from './flink-kit';

function send(sim: ReturnType<typeof streamsCluster>, key: string, timestamp: number) {
  sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'purchases', key, value: '1', timestamp });
}

describe('a Flink job on the simulated cluster', () => {
  it('deploys, checkpoints and counts with exactly-once output', () => {
    const sim = streamsCluster(7);
    startFlink(sim);
    submitFlink(sim, ROLLING_COUNT, 'exactly-once');
    sim.runFor(1000);
    for (let i = 0; i < 6; i++) send(sim, i % 2 === 0 ? 'alice' : 'bob', 1000 + i);
    sim.runFor(4000);
    const snap = sim.snapshot();
    expect(snap.flink?.job?.status).toBe('RUNNING');
    expect(eventsOf(sim, 'flink.checkpointCompleted').length).toBeGreaterThan(0);
    const out = readTopic(sim, 'totals', 'read_committed');
    const byKey = (k: string) => out.filter((r) => r.key === k).map((r) => r.value);
    expect(byKey('alice')).toEqual(['1', '2', '3']);
    expect(byKey('bob')).toEqual(['1', '2', '3']);
  });

  it('fires an event-time Window when the watermark (min over partitions) passes its end', () => {
    const sim = streamsCluster(3);
    startFlink(sim);
    submitFlink(sim, COUNT_PER_WINDOW, 'exactly-once', 2, 500, { outOfOrdernessMs: 2000 });
    sim.runFor(1000);
    for (const [k, t] of [
      ['alice', 1000],
      ['bob', 2000],
      ['alice', 3000],
      ['bob', 13000],
      ['alice', 14000],
    ] as const)
      send(sim, k, t);
    sim.runFor(3000);
    const fired = eventsOf(sim, 'flink.windowFired');
    expect(fired.map((e) => `${e.key}@${e.startMs}=${e.value}`).sort()).toEqual(['alice@0=2', 'bob@0=1']);
    expect(fired.every((e) => e.watermarkMs >= 9999)).toBe(true);
  });
});

describe('two-phase commit across a crash', () => {
  it('a checkpoint completed but not yet committed is committed by the restore (recoverAndCommit)', () => {
    const sim = streamsCluster(11);
    startFlink(sim);
    submitFlink(sim, ROLLING_COUNT, 'exactly-once', 2, 500);
    sim.runFor(1000);
    for (let i = 0; i < 4; i++) send(sim, 'alice', 1000 + i);
    // Run until a checkpoint completes whose sink pre-committed a transaction with records in it.
    let since = sim.events().at(-1)!.seq;
    let txn: string | null = null;
    let host = '';
    sim.runUntil((s) => {
      for (const e of s.events(since)) {
        since = e.seq;
        if (e.type === 'flink.sinkPreCommitted' && e.transactionalId) txn = e.transactionalId;
        if (e.type === 'flink.checkpointCompleted' && txn) {
          const placed = eventsOf(s, 'flink.jobDeployed').at(-1)!.placement;
          host = placed.find((p) => p.task === `agg-${txn!.split('-').at(-2)}`)!.taskManager;
          return true;
        }
      }
      return false;
    }, 10000);
    expect(txn).not.toBeNull();
    // The JobManager's NotifyCheckpointComplete is on its way: the TaskManager dies first.
    sim.dispatch({ type: 'node.crash', node: host });
    sim.runFor(300);
    sim.dispatch({ type: 'node.restart', node: host });
    sim.runFor(5000);
    const recovered = eventsOf(sim, 'flink.sinkRecovered');
    expect(recovered.some((e) => e.commit?.includes(txn!))).toBe(true);
    const out = readTopic(sim, 'totals', 'read_committed');
    expect(out.filter((r) => r.key === 'alice').map((r) => r.value)).toEqual(['1', '2', '3', '4']);
  });
});
