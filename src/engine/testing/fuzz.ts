/**
 * A seeded fault injector for sweeps: crashes and restarts nodes, partitions and heals the network,
 * and creates topics, at random times drawn from its own PRNG stream (never the engine's).
 */
import { deriveStream, nextFloat, nextInt, type PrngState } from '../kernel/prng';
import { isEngineError } from '../errors';
import type { FacadeSimulation as Simulation } from '../simulation';
import type { Command, NodeId } from '../types';
import { GuaranteeChecker } from '../checker/checker';

export interface FaultPlan {
  /** Mean virtual ms between faults. */
  meanGapMs: number;
  durationMs: number;
}

function pick<T>(rng: PrngState, xs: readonly T[]): T {
  return xs[nextInt(rng, xs.length)]!;
}

export function randomFault(sim: Simulation, rng: PrngState, topicSeq: { n: number }): Command | null {
  const nodes = sim.snapshot().nodes.filter((n) => n.kind === 'controller' || n.kind === 'broker');
  const down = nodes.filter((n) => !n.alive);
  const up = nodes.filter((n) => n.alive);
  const roll = nextFloat(rng);
  if (roll < 0.25 && up.length > 1) return { type: 'node.crash', node: pick(rng, up).id };
  if (roll < 0.45 && down.length > 0) return { type: 'node.restart', node: pick(rng, down).id };
  if (roll < 0.6) {
    const ids: NodeId[] = nodes.map((n) => n.id);
    const a: NodeId[] = [];
    const b: NodeId[] = [];
    for (const id of ids) (nextFloat(rng) < 0.5 ? a : b).push(id);
    if (a.length === 0 || b.length === 0) return null;
    return { type: 'network.partition', sides: [a, b] };
  }
  if (roll < 0.75) return { type: 'network.heal' } as Command;
  if (roll < 0.85) {
    const partitions = 1 + nextInt(rng, 4);
    return {
      type: 'topic.create',
      topic: `t${topicSeq.n++}`,
      partitions,
      replicationFactor: 1 + nextInt(rng, 3),
    };
  }
  return null;
}

/**
 * Run `sim` for `plan.durationMs` with random faults, calling `check` after every step.
 * Returns the first violation, or null.
 */
export function fuzz(
  sim: Simulation,
  seed: number,
  plan: FaultPlan,
  check: (sim: Simulation) => string | null,
): string | null {
  const rng = deriveStream(seed, 'fuzzer');
  const topicSeq = { n: 0 };
  const end = sim.now() + plan.durationMs;
  let nextFaultAt = sim.now() + nextInt(rng, plan.meanGapMs * 2);
  // Every sweep also runs the guarantee checker: a violation of Kafka's promises fails it.
  const guarantees = new GuaranteeChecker();
  while (sim.now() < end) {
    const next = sim.nextEventAtMs();
    if (next === undefined || next > nextFaultAt) {
      sim.runFor(Math.max(0, Math.min(nextFaultAt, end) - sim.now()));
      if (sim.now() >= nextFaultAt) {
        const fault = randomFault(sim, rng, topicSeq);
        if (fault) {
          try {
            sim.dispatch(fault);
          } catch (e) {
            if (!isEngineError(e)) throw e; // Kafka errors (no controller, too few brokers) are expected
          }
        }
        nextFaultAt = sim.now() + 1 + nextInt(rng, plan.meanGapMs * 2);
      }
    } else {
      sim.step();
    }
    const broken = guarantees.feed(sim.events(guarantees.lastSeq)).find((f) => f.verdict === 'violation');
    const violation = check(sim) ?? (broken ? `${broken.kind}: ${broken.sentences.join(' ')}` : null);
    if (violation) return violation;
  }
  return null;
}
