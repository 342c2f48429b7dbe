/**
 * Sweep with real consumers in a group under random broker/controller faults (crashes, restarts,
 * partitions) and consumer crashes and restarts, alternating eager (range) and cooperative-sticky.
 * Checked throughout: no partition has two owners within one generation. Checked after the cluster
 * settles: the group converges (everyone stable in one generation, every partition owned), every
 * acknowledged record was received, and every received record is the committed log's record at
 * that offset (so none was read above the high watermark and later truncated); a partition that
 * changes hands resumes from the group's committed offset. The guarantee checker reads each seed's
 * trace too: any violation it finds fails the sweep.
 */
import { describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { deriveStream, nextInt, type PrngState } from '../kernel/prng';
import type { Simulation } from '../simulation';
import { guaranteeGuard } from '../checker/guard';
import { randomFault } from '../testing/fuzz';
import { cluster, eventsOf, tail, untilReady } from '../testing/scenario';
import type { Command, ConfigValue } from '../types';
import { checkExclusiveOwnership } from './consumer-invariants';

const SEEDS = 40;
const CONSUMERS = ['c1', 'c2', 'c3'];

function tryDispatch(sim: Simulation, command: Command): void {
  try {
    sim.dispatch(command);
  } catch (e) {
    if (!isEngineError(e)) throw e;
  }
}

function consumerFault(sim: Simulation, rng: PrngState): Command {
  const c = sim.snapshot().consumers[nextInt(rng, CONSUMERS.length)]!;
  return c.alive ? { type: 'consumer.crash', consumer: c.id } : { type: 'node.restart', node: c.node };
}

function run(seed: number): { sim: Simulation; violation: string | null } {
  const sim = untilReady(cluster(seed));
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 6, replicationFactor: 3 });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.create', producer: 'p', config: { 'request.timeout.ms': 3000 } });
  const config: Record<string, ConfigValue> = {
    'heartbeat.interval.ms': 1000,
    'session.timeout.ms': 6000,
    'auto.offset.reset': 'earliest',
    'auto.commit.interval.ms': 1000,
    'request.timeout.ms': 5000,
    'max.poll.interval.ms': 10000,
    'partition.assignment.strategy': seed % 2 === 0 ? 'cooperative-sticky' : 'range',
  };
  for (const c of CONSUMERS) {
    sim.dispatch({ type: 'consumer.create', consumer: c, groupId: 'g', config });
    sim.dispatch({ type: 'consumer.subscribe', consumer: c, topics: ['orders'] });
  }
  const rng = deriveStream(seed, 'consumer-sweep');
  const topics = { n: 0 };
  let violation: string | null = null;
  let seen = 0;
  const check = () => {
    const hw = checkReceivedBelowHw(sim, seen);
    seen = hw.next;
    return hw.violation ?? checkExclusiveOwnership(sim);
  };
  for (let round = 0; round < 30 && !violation; round++) {
    for (let i = 0; i < 5; i++) {
      const n = round * 5 + i;
      sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'orders', key: `k${n}`, value: `v${n}` });
    }
    const roll = nextInt(rng, 10);
    if (roll < 2) {
      const fault = randomFault(sim, rng, topics);
      if (fault) tryDispatch(sim, fault);
    } else if (roll < 4) {
      tryDispatch(sim, consumerFault(sim, rng));
    }
    for (let t = 0; t < 40 && !violation; t++) {
      sim.runFor(50);
      violation = check();
    }
  }
  tryDispatch(sim, { type: 'network.heal' } as Command);
  for (const n of sim.snapshot().nodes) if (!n.alive) tryDispatch(sim, { type: 'node.restart', node: n.id });
  for (let t = 0; t < 60_000 / 250 && !violation; t++) {
    sim.runFor(250);
    violation = check();
  }
  return { sim, violation };
}

/**
 * No record is handed to the application at or above the high watermark: every received offset is
 * below the highest HW any replica of that partition has reached (HWs only grow on a leader).
 */
function checkReceivedBelowHw(sim: Simulation, from: number): { next: number; violation: string | null } {
  const events = sim.events(from);
  for (const e of events) {
    if (e.type !== 'consumer.received') continue;
    for (const r of e.records) {
      const hw = Math.max(
        ...Object.values(sim.kernel.state.nodes)
          .filter((n) => n.kind === 'broker')
          .map(
            (n) =>
              (n.durable as { logs: Record<string, { highWatermark: number }> }).logs[
                `${r.topic}-${r.partition}`
              ]?.highWatermark ?? 0,
          ),
      );
      if (r.offset >= hw)
        return {
          next: from + events.length,
          violation: `${e.consumer} received ${r.topic}-${r.partition}/${r.offset} at or above the HW ${hw}`,
        };
    }
  }
  return { next: from + events.length, violation: null };
}

/** A group's committed offset for a partition never moves back, unless a seek or reset moved a position. */
function commitsMoveForward(sim: Simulation): string | null {
  const last = new Map<string, number>();
  for (const e of sim.events()) {
    if (e.type === 'consumer.positionSet' && e.reason !== 'committed')
      last.delete(`${e.topic}-${e.partition}`);
    if (e.type !== 'group.offsetCommitted') continue;
    const key = `${e.topic}-${e.partition}`;
    const prev = last.get(key);
    if (prev !== undefined && e.offset < prev)
      return `group ${e.groupId} committed ${key} back from ${prev} to ${e.offset}`;
    last.set(key, e.offset);
  }
  return null;
}

/**
 * A partition that changes hands resumes at the group's committed offset: never below the last
 * offset committed (replicated) before the coordinator answered the OffsetFetch, so nothing
 * committed is read twice by design, and never past what the group committed (the acked-records
 * check below covers skipping). The records after it are read again: at-least-once.
 */
function resumesFromCommitted(sim: Simulation): string | null {
  const committed = new Map<string, number>();
  const committedAtAnswer = new Map<number, Map<string, number>>(); // OffsetFetch request id → view
  const answerTo = new Map<string, number>(); // consumer node → latest OffsetFetchResponse's request
  for (const e of sim.events()) {
    if (e.type === 'group.offsetCommitted') committed.set(`${e.topic}-${e.partition}`, e.offset);
    if (e.type === 'rpc.sent' && e.kind === 'OffsetFetchResponse') {
      committedAtAnswer.set(e.inReplyTo!, new Map(committed));
      answerTo.set(e.to, e.inReplyTo!);
    }
    if (e.type !== 'consumer.positionSet' || e.reason !== 'committed') continue;
    const key = `${e.topic}-${e.partition}`;
    const request = answerTo.get(`consumer:${e.consumer}`);
    const floor = request === undefined ? undefined : committedAtAnswer.get(request)?.get(key);
    if (floor === undefined)
      return `${e.consumer} resumed ${key} at ${e.offset} without any committed offset to resume from`;
    if (e.offset < floor)
      return `${e.consumer} resumed ${key} at ${e.offset}, below the offset ${floor} committed before it asked`;
  }
  return null;
}

function problemsOf(sim: Simulation): string[] {
  const problems: string[] = [];
  const backwards = commitsMoveForward(sim);
  if (backwards) problems.push(backwards);
  const resume = resumesFromCommitted(sim);
  if (resume) problems.push(resume);
  const snap = sim.snapshot();
  const states = snap.consumers.map((c) => `${c.id}:${c.state}/${c.generation}`);
  if (snap.consumers.some((c) => c.state !== 'stable' || c.generation !== snap.consumers[0]!.generation)) {
    problems.push(`the group did not converge: ${states.join(' ')}`);
  }
  const owned = snap.consumers.flatMap((c) => c.assignment.map((a) => a.partition)).sort();
  if (owned.join() !== '0,1,2,3,4,5') problems.push(`partitions owned: ${owned.join()}`);
  const topic = snap.topics.find((t) => t.name === 'orders')!;
  const logs = topic.partitions.map((p) =>
    p.leader < 0 ? null : sim.readLog(p.leader, 'orders', p.partition),
  );
  const received = eventsOf(sim, 'consumer.received').flatMap((e) => e.records);
  for (const r of received) {
    const log = logs[r.partition];
    if (log && log[r.offset]?.value !== r.value) {
      problems.push(
        `received ${r.value} at orders-${r.partition}/${r.offset}, the log has ${log[r.offset]?.value}`,
      );
      break;
    }
  }
  const got = new Set(received.map((r) => `${r.partition}/${r.offset}`));
  for (const a of eventsOf(sim, 'producer.acked')) {
    if (!got.has(`${a.partition}/${a.offset}`)) {
      problems.push(`acknowledged orders-${a.partition}/${a.offset} was never received`);
      break;
    }
  }
  return problems;
}

describe('consumer group under random faults', () => {
  it(`keeps ownership exclusive, reads below the HW, commits forward, converges, and delivers every acknowledged record (${SEEDS} seeds)`, () => {
    let receivedTotal = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { sim, violation } = run(seed);
      guaranteeGuard(`consumer sweep, seed ${seed}`).feed(sim.events());
      const problems = violation ? [violation] : problemsOf(sim);
      receivedTotal += eventsOf(sim, 'consumer.received').length;
      expect(problems, `seed ${seed}: ${problems.join('; ')}\n${tail(sim, 60)}`).toEqual([]);
    }
    expect(receivedTotal).toBeGreaterThan(SEEDS * 10);
  });
});
