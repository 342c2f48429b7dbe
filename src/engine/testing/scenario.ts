/**
 * Helpers for scenario tests that read like prose: build a cluster with a seed, apply commands,
 * run until a fact holds, assert on the snapshot and the trace.
 */
import { createSimulation } from '../index';
import type { Simulation } from '../simulation';
import type { EngineEvent, EventOf, EventType, SimulationOptions } from '../types';
import { formatTrace } from '../kernel/trace';

export function cluster(seed: number, options: Partial<SimulationOptions> = {}): Simulation {
  return createSimulation({ seed, brokers: 3, ...options });
}

export function activeController(sim: Simulation): string | null {
  return sim.snapshot().quorum.leader;
}

/** Run until the quorum has a leader and every broker is registered and unfenced. */
export function untilReady(sim: Simulation, maxMs = 20_000): Simulation {
  const ready = sim.runUntil((s) => {
    const snap = s.snapshot();
    return snap.quorum.leader !== null && snap.brokers.every((b) => !b.alive || b.state === 'unfenced');
  }, maxMs);
  if (!ready) throw new Error(`cluster not ready after ${maxMs} ms\n${tail(sim)}`);
  return sim;
}

export function eventsOf<K extends EventType>(sim: Simulation, type: K, sinceSeq = 0): EventOf<K>[] {
  return sim.events(sinceSeq).filter((e): e is EventOf<K> => e.type === type);
}

export function lastSeq(sim: Simulation): number {
  return sim.events().at(-1)?.seq ?? 0;
}

/** The last `n` non-RPC lines of the trace, for failure messages. */
export function tail(sim: Simulation, n = 60): string {
  const interesting = sim.events().filter((e: EngineEvent) => !e.type.startsWith('rpc.'));
  return formatTrace(interesting.slice(-n));
}
