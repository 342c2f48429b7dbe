/**
 * A produce-path fuzz run: random broker/controller crashes and restarts, partitions and heals,
 * while a client writes uniquely valued records to the current leader with the chosen acks. It
 * records every acknowledged write, checks replica invariants after every step, and at the end
 * heals everything, lets the cluster settle, checks that every replica converged on its leader,
 * and reports acknowledged records that were lost.
 */
import type { BrokerNode } from '../cluster/broker-state';
import { tpKey, type PartitionLog } from '../cluster/partition-log';
import { clusterView } from '../cluster/narration';
import { isEngineError } from '../errors';
import { deriveStream, nextFloat, nextInt } from '../kernel/prng';
import type { ProduceResponse } from '../protocol/produce';
import { type Simulation, engineOf, type FacadeSimulation } from '../simulation';
import type { Command } from '../types';
import { batchOf, produce, replyTo, sendRaw, simulationWithRawClient } from './raw-client';
import { checkConvergence } from './convergence';
import { untilReady } from './scenario';

export interface ProduceFuzzResult {
  violation: string | null;
  acked: number;
  /** Acknowledged records missing (or changed) after the cluster settled. */
  lost: { offset: number; value: string }[];
  sim: Simulation;
}

const TOPIC = 'fuzz';

function brokers(sim: FacadeSimulation): BrokerNode[] {
  return Object.values(engineOf(sim).kernel.state.nodes).filter((n): n is BrokerNode => n.kind === 'broker');
}

/**
 * Replica invariants over every broker's log of the fuzz partition: HW <= LEO, ISR within the
 * replicas, and agreement below the HW. Below both replicas' HW nothing changes (no unclean
 * election here), so `verified` remembers how far each pair was compared.
 */
export function checkReplicas(sim: FacadeSimulation, verified = new Map<string, number>()): string | null {
  const p = clusterView(engineOf(sim).kernel.state.shared).image.topics[TOPIC]?.partitions[0];
  if (!p) return null;
  if (!p.isr.every((b) => p.replicas.includes(b)))
    return `ISR ${p.isr} is not a subset of replicas ${p.replicas}`;
  const logs = brokers(sim).flatMap((b) => {
    const log = b.durable.logs[tpKey(TOPIC, 0)];
    return log ? [{ id: b.durable.brokerId, log }] : [];
  });
  for (const { id, log } of logs) {
    if (log.highWatermark > log.logEndOffset)
      return `broker ${id}: HW ${log.highWatermark} > LEO ${log.logEndOffset}`;
  }
  for (let i = 0; i < logs.length; i++) {
    for (let j = i + 1; j < logs.length; j++) {
      const a = logs[i]!;
      const b = logs[j]!;
      const upTo = Math.min(a.log.highWatermark, b.log.highWatermark);
      const key = `${a.id}|${b.id}`;
      const from = verified.get(key) ?? 0;
      if (upTo <= from) continue;
      for (let o = from; o < upTo; o++) {
        if (valueAt(a.log, o) !== valueAt(b.log, o))
          return `brokers ${a.id} and ${b.id} disagree at offset ${o} below the HW`;
      }
      verified.set(key, upTo);
    }
  }
  return null;
}

function valueAt(log: PartitionLog, offset: number): string | null | undefined {
  for (let i = log.batches.length - 1; i >= 0; i--) {
    const b = log.batches[i]!;
    if (offset >= b.baseOffset) return b.records[offset - b.baseOffset]?.value;
  }
  return undefined;
}

export function produceFuzz(
  seed: number,
  opts: { acks: 0 | 1 | -1; minIsr: number; durationMs: number; checkEveryStep: boolean },
): ProduceFuzzResult {
  const sim = untilReady(simulationWithRawClient({ seed, brokers: 3 + (seed % 3) }));
  sim.dispatch({
    type: 'topic.create',
    topic: TOPIC,
    partitions: 1,
    replicationFactor: 3,
    config: { 'min.insync.replicas': opts.minIsr },
  });
  sim.runFor(500);
  const rng = deriveStream(seed, 'produce-fuzzer');
  const pending = new Map<number, string>();
  const acked = new Map<number, string>();
  let n = 0;
  let violation: string | null = null;
  const verified = new Map<string, number>();
  const end = sim.now() + opts.durationMs;
  let nextAction = sim.now();
  while (sim.now() < end && !violation) {
    const due = sim.nextEventAtMs();
    if (due === undefined || due > nextAction) {
      sim.runFor(Math.max(0, nextAction - sim.now()));
      act(sim, rng, pending, () => `v${n++}`, opts.acks);
      nextAction = sim.now() + 50 + nextInt(rng, 400);
    } else {
      sim.step();
    }
    collect(sim, pending, acked);
    if (opts.checkEveryStep) violation = checkReplicas(sim, verified);
  }
  // Settle: heal every fault (links too), restart everything, give elections and catch-up time;
  // then every replica must have converged on its leader (convergence.ts).
  if (!violation) {
    violation = checkConvergence(sim, 40_000);
    collect(sim, pending, acked);
    violation ??= checkReplicas(sim);
  }
  const p = sim.snapshot().topics.find((t) => t.name === TOPIC)!.partitions[0]!;
  const lost: { offset: number; value: string }[] = [];
  if (p.leader >= 0) {
    const log = sim.readLog(p.leader, TOPIC, 0);
    for (const [offset, value] of acked) if (log[offset]?.value !== value) lost.push({ offset, value });
  }
  return { violation, acked: acked.size, lost, sim };
}

function act(
  sim: FacadeSimulation,
  rng: ReturnType<typeof deriveStream>,
  pending: Map<number, string>,
  next: () => string,
  acks: 0 | 1 | -1,
) {
  const roll = nextFloat(rng);
  const nodes = sim.snapshot().nodes.filter((x) => x.kind === 'broker' || x.kind === 'controller');
  let fault: Command | null = null;
  if (roll < 0.06) {
    const up = nodes.filter((x) => x.alive);
    if (up.length > 2) fault = { type: 'node.crash', node: up[nextInt(rng, up.length)]!.id };
  } else if (roll < 0.12) {
    const down = nodes.filter((x) => !x.alive);
    if (down.length) fault = { type: 'node.restart', node: down[nextInt(rng, down.length)]!.id };
  } else if (roll < 0.17) {
    const a: string[] = [];
    const b: string[] = [];
    for (const x of nodes) (nextFloat(rng) < 0.5 ? a : b).push(x.id);
    if (a.length && b.length) fault = { type: 'network.partition', sides: [a, b] };
  } else if (roll < 0.22) {
    fault = { type: 'network.heal' } as Command;
  } else if (roll < 0.26) {
    // A slow or lossy link, one direction, between two random nodes (or back to normal).
    const from = nodes[nextInt(rng, nodes.length)]!.id;
    const to = nodes[nextInt(rng, nodes.length)]!.id;
    if (from !== to) {
      const kind = nextInt(rng, 3);
      fault =
        kind === 0
          ? { type: 'link.configure', from, to, latencyMs: 200 + nextInt(rng, 3000) }
          : kind === 1
            ? { type: 'link.configure', from, to, lossRate: nextInt(rng, 50) / 100 }
            : { type: 'link.configure', from, to, latencyMs: 3, lossRate: 0 };
    }
  } else {
    // Write to whoever the committed metadata says leads (a client would learn it from Metadata).
    const p = sim.snapshot().topics.find((t) => t.name === TOPIC)?.partitions[0];
    if (p && p.leader >= 0) {
      const value = next();
      const id = sendRaw(sim, `broker-${p.leader}`, 'Produce', produce(TOPIC, 0, batchOf([value]), acks));
      pending.set(id, value);
    }
  }
  if (fault) {
    try {
      sim.dispatch(fault);
    } catch (e) {
      if (!isEngineError(e)) throw e;
    }
  }
}

function collect(sim: FacadeSimulation, pending: Map<number, string>, acked: Map<number, string>): void {
  for (const [id, value] of pending) {
    const reply = replyTo(sim, id);
    if (!reply) continue;
    pending.delete(id);
    const r = (reply.body as ProduceResponse).partitions[0]!;
    if (r.error === null) acked.set(r.baseOffset, value);
  }
}
