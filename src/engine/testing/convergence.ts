/**
 * The convergence invariant for the sweeps (issue 13): once every fault has healed (network healed,
 * link settings back to normal, every node restarted) and the cluster has had a quiet period, every
 * replica's log equals its leader's, every ISR is full, and no follower is stuck in a Fetch loop
 * that the leader answers at once, with nothing, more than a few times in a row.
 */
import { isEngineError } from '../errors';
import type { ReplicaFetchRequest, ReplicaFetchResponse } from '../protocol/produce';
import type { Simulation } from '../simulation';
import type { Command, EngineEvent, LogRecord } from '../types';

/** More immediate, empty answers in a row than this, with no progress, is a loop. */
export const MAX_IMMEDIATE_EMPTY_FETCHES = 5;
/** A Fetch sent this soon after the last answer counts as asking again at once. */
const IMMEDIATE_REFETCH_MS = 100;

/** Heal every fault a sweep can inject: partitions and cuts, link settings, crashed nodes. */
export function healEverything(sim: Simulation): void {
  const tryDispatch = (c: Command) => {
    try {
      sim.dispatch(c);
    } catch (e) {
      if (!isEngineError(e)) throw e;
    }
  };
  tryDispatch({ type: 'network.heal' } as Command);
  const snap = sim.snapshot();
  for (const l of snap.network.links) {
    tryDispatch({ type: 'link.configure', from: l.from, to: l.to, latencyMs: null, lossRate: null });
  }
  for (const node of snap.nodes) {
    if (!node.alive && node.kind !== 'test') tryDispatch({ type: 'node.restart', node: node.id });
  }
}

/**
 * Watches the trace for follower fetch loops: a replica Fetch answered in the same virtual ms it
 * arrived, with no records, whose next Fetch is sent at once (within 100 ms of the answer, so not
 * after a backoff) and asks for exactly the same thing (same offsets and epochs). Feed it events as they happen; `violation` names the first loop seen.
 */
export class FetchLoopDetector {
  private fetches = new Map<number, { from: string; to: string; deliverAtMs: number; key: string }>();
  private streak = new Map<string, { key: string; count: number; answeredAtMs: number }>();
  violation: string | null = null;

  observe(events: readonly EngineEvent[]): void {
    for (const e of events) {
      if (e.type !== 'rpc.sent') continue;
      if (e.kind === 'Fetch') {
        const body = e.body as ReplicaFetchRequest;
        if (body.topic !== undefined || !(body.replicaId >= 0)) continue; // metadata or consumer
        const key = JSON.stringify(
          body.partitions.map((p) => [p.topic, p.partition, p.fetchOffset, p.lastFetchedEpoch]),
        );
        // A follower that waited (replica.fetch.backoff.ms) before asking again is not looping.
        const pair = `${e.from}→${e.to}`;
        const s = this.streak.get(pair);
        if (s && e.sentAtMs - s.answeredAtMs > IMMEDIATE_REFETCH_MS) this.streak.delete(pair);
        this.fetches.set(e.id, { from: e.from, to: e.to, deliverAtMs: e.deliverAtMs, key });
      } else if (e.kind === 'FetchResponse' && e.inReplyTo !== undefined) {
        const req = this.fetches.get(e.inReplyTo);
        if (!req) continue;
        this.fetches.delete(e.inReplyTo);
        const pair = `${req.from}→${req.to}`;
        const body = e.body as ReplicaFetchResponse;
        const empty = body.partitions.every((p) => p.batches.length === 0);
        // Error answers (a follower a metadata update behind its leader) are left to the log and
        // ISR comparison at the end: they stop once metadata settles, and the follower backs off.
        const errored = body.partitions.some((p) => p.error !== null);
        if (e.sentAtMs !== req.deliverAtMs || !empty || errored) {
          this.streak.delete(pair);
          continue;
        }
        const s = this.streak.get(pair);
        const count = s && s.key === req.key ? s.count + 1 : 1;
        this.streak.set(pair, { key: req.key, count, answeredAtMs: e.deliverAtMs });
        if (count > MAX_IMMEDIATE_EMPTY_FETCHES && !this.violation) {
          const why = body.partitions
            .map(
              (p) =>
                `${p.topic}-${p.partition}: ${p.error ?? (p.divergingEpoch ? `diverging ${JSON.stringify(p.divergingEpoch)}` : 'empty')}`,
            )
            .join(', ');
          this.violation = `fetch loop ${pair}: ${count} immediate empty answers in a row to ${req.key} (${why})`;
        }
      }
    }
  }
}

const recordKey = (r: LogRecord) =>
  JSON.stringify([r.offset, r.key, r.value, r.leaderEpoch, r.control ?? null]);

/** Every partition has a leader, a full ISR, and replicas whose logs equal the leader's. */
export function checkReplicasConverged(sim: Simulation): string | null {
  for (const topic of sim.snapshot().topics) {
    for (const p of topic.partitions) {
      const where = `${topic.name}-${p.partition}`;
      if (p.leader < 0) return `${where} has no leader after the faults healed`;
      const missing = p.replicas.filter((b) => !p.isr.includes(b));
      if (missing.length > 0)
        return `${where}: ISR [${p.isr}] is missing replicas [${missing}] after the faults healed`;
      const leaderLog = sim.readLog(p.leader, topic.name, p.partition).map(recordKey);
      for (const b of p.replicas) {
        if (b === p.leader) continue;
        const log = sim.readLog(b, topic.name, p.partition).map(recordKey);
        const n = Math.max(log.length, leaderLog.length);
        for (let i = 0; i < n; i++) {
          if (log[i] !== leaderLog[i]) {
            return `${where}: broker ${b}'s log differs from leader ${p.leader}'s at record ${i} (${log[i] ?? 'missing'} vs ${leaderLog[i] ?? 'missing'}; lengths ${log.length}/${leaderLog.length})`;
          }
        }
      }
    }
  }
  return null;
}

/**
 * Heal everything, run a quiet period watching for fetch loops, then compare every replica with
 * its leader. Returns the first violation, or null.
 */
export function checkConvergence(sim: Simulation, quietMs = 40_000): string | null {
  healEverything(sim);
  const detector = new FetchLoopDetector();
  let seen = sim.events().at(-1)?.seq ?? 0;
  const end = sim.now() + quietMs;
  while (sim.now() < end && !detector.violation) {
    sim.runFor(Math.min(1000, end - sim.now()));
    const fresh = sim.events(seen);
    seen = fresh.at(-1)?.seq ?? seen;
    detector.observe(fresh);
  }
  return detector.violation ?? checkReplicasConverged(sim);
}
