/**
 * Helpers for scenario tests that read like prose: build a cluster with a seed, apply commands,
 * run until a fact holds, assert on the snapshot and the trace.
 */
import { createSimulation } from '../index';
import { engineOf, type FacadeSimulation, type Simulation } from '../simulation';
import type { EngineEvent, EventOf, EventType, SimulationOptions } from '../types';
import { formatTrace } from '../kernel/trace';

/** A simulation with its kernel in reach: scenario tests may look inside. */
export function cluster(seed: number, options: Partial<SimulationOptions> = {}): Simulation {
  return engineOf(createSimulation({ seed, brokers: 3, ...options }));
}

export function activeController(sim: FacadeSimulation): string | null {
  return sim.snapshot().quorum.leader;
}

/** Run until the quorum has a leader and every broker is registered and unfenced. */
export function untilReady<S extends FacadeSimulation>(sim: S, maxMs = 20_000): S {
  const ready = sim.runUntil((s) => {
    const snap = s.snapshot();
    return snap.quorum.leader !== null && snap.brokers.every((b) => !b.alive || b.state === 'unfenced');
  }, maxMs);
  if (!ready) throw new Error(`cluster not ready after ${maxMs} ms\n${tail(sim)}`);
  return sim;
}

export function eventsOf<K extends EventType>(sim: FacadeSimulation, type: K, sinceSeq = 0): EventOf<K>[] {
  return sim.events(sinceSeq).filter((e): e is EventOf<K> => e.type === type);
}

export function lastSeq(sim: FacadeSimulation): number {
  return sim.events().at(-1)?.seq ?? 0;
}

/** The last `n` non-RPC lines of the trace, for failure messages. */
export function tail(sim: FacadeSimulation, n = 60): string {
  const interesting = sim.events().filter((e: EngineEvent) => !e.type.startsWith('rpc.'));
  return formatTrace(interesting.slice(-n));
}

/** A cluster mid-produce: topic `t` (2 partitions, RF 3), producer `p`, 50 sends 3 ms apart. */
export function busyCluster(seed = 4): Simulation {
  const sim = untilReady(cluster(seed));
  sim.dispatch({ type: 'topic.create', topic: 't', partitions: 2, replicationFactor: 3 });
  sim.runFor(300);
  sim.dispatch({ type: 'producer.create', producer: 'p' });
  sim.runFor(300);
  for (let i = 0; i < 50; i++) {
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: `k${i}`, value: `v${i}` });
    sim.runFor(3);
  }
  return sim;
}

/**
 * A produce-heavy session for storage and time-travel tests and benches: topic `orders` (one
 * partition per `partitions`, RF 3), producer `p1`, then bursts of `count` records (one
 * `producer.sendMany` each, 2 s apart) until `bursts` have been sent or the trace holds
 * `untilEvents` events.
 */
export function produceBursts<S extends FacadeSimulation>(
  sim: S,
  { partitions = 1, count = 1000, bursts = Infinity, untilEvents = Infinity } = {},
): S {
  sim.runFor(3000);
  untilReady(sim); // most seeds are by now
  sim.dispatch({ type: 'topic.create', topic: 'orders', partitions, replicationFactor: 3 });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'p1' });
  sim.runFor(300);
  for (let i = 0; i < bursts && sim.position().traceLength < untilEvents; i++) {
    sim.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'orders',
      key: `k${i}`,
      value: 'order',
      count,
    });
    sim.runFor(2000);
  }
  return sim;
}
