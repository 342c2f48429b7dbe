/**
 * Safety invariants checked after every step of a fuzzed run. Each returns a description of the
 * violation, or null. They look at node state directly (the omniscient view a test may take).
 */
import type { ControllerNode } from '../cluster/controller-state';
import { engineOf, type FacadeSimulation } from '../simulation';
import type { EngineEvent } from '../types';

/** Tracks facts across steps: who led each Raft epoch, who led each partition leader epoch. */
export class InvariantChecker {
  private raftLeaders = new Map<number, string>();
  private partitionLeaders = new Map<string, number>();
  private seen = 0;
  /** Per voter pair, the committed prefix already compared. Committed entries never change, so a
   * step only needs to compare what was committed since; `final` re-checks everything. */
  private verified = new Map<string, number>();

  check(sim: FacadeSimulation): string | null {
    const events = engineOf(sim).kernel.trace.length > this.seen ? sim.events(this.seen) : [];
    this.seen += events.length;
    return this.checkEvents(events) ?? checkCommittedPrefixes(sim, this.verified);
  }

  /** A full comparison, for the end of a run. */
  final(sim: FacadeSimulation): string | null {
    return checkCommittedPrefixes(sim, new Map());
  }

  private checkEvents(events: EngineEvent[]): string | null {
    for (const e of events) {
      if (e.type === 'raft.leaderElected') {
        const prev = this.raftLeaders.get(e.epoch);
        if (prev !== undefined && prev !== e.node)
          return `two Raft leaders in epoch ${e.epoch}: ${prev} and ${e.node}`;
        this.raftLeaders.set(e.epoch, e.node);
      }
      if (e.type === 'partition.changed' && e.leader !== -1) {
        const key = `${e.topic}-${e.partition}@${e.leaderEpoch}`;
        const prev = this.partitionLeaders.get(key);
        if (prev !== undefined && prev !== e.leader) {
          return `two leaders of ${e.topic}-${e.partition} in leader epoch ${e.leaderEpoch}: ${prev} and ${e.leader}`;
        }
        this.partitionLeaders.set(key, e.leader);
      }
    }
    return null;
  }
}

/** Every two voters agree on every entry below both of their high watermarks. */
export function checkCommittedPrefixes(sim: FacadeSimulation, verified: Map<string, number>): string | null {
  const voters = Object.values(engineOf(sim).kernel.state.nodes).filter(
    (n) => n.kind === 'controller',
  ) as ControllerNode[];
  for (let i = 0; i < voters.length; i++) {
    for (let j = i + 1; j < voters.length; j++) {
      const a = voters[i]!;
      const b = voters[j]!;
      const upTo = Math.min(a.volatile?.highWatermark ?? 0, b.volatile?.highWatermark ?? 0);
      const pair = `${a.id}|${b.id}`;
      for (let o = verified.get(pair) ?? 0; o < upTo; o++) {
        const x = a.durable.log[o];
        const y = b.durable.log[o];
        if (x === y) continue; // the same entry, passed along by Fetch
        if (!x || !y || x.epoch !== y.epoch || JSON.stringify(x.record) !== JSON.stringify(y.record)) {
          return `${a.id} and ${b.id} disagree on committed metadata offset ${o}`;
        }
      }
      if (upTo > (verified.get(pair) ?? 0)) verified.set(pair, upTo);
    }
    const v = voters[i]!;
    if (v.volatile && v.volatile.highWatermark > v.durable.log.length) {
      return `${v.id} has a high watermark past its log end`;
    }
  }
  return null;
}
