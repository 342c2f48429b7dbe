/**
 * Each consumer group's rebalances, step by step, from what the engine emitted — nothing scripted:
 *
 * 1. **join**: the coordinator goes PreparingRebalance (`group.stateChanged`) and members send
 *    JoinGroup (`rpc.sent` JoinGroup, `group.memberJoined`); members give up partitions first
 *    (`consumer.revoked`: all of them under an eager assignor);
 * 2. **assign**: everyone has joined (CompletingRebalance); the JoinGroup answer names the leader
 *    (`rpc.sent` JoinGroupResponse), which computes the assignment and sends it in its SyncGroup
 *    (`rpc.sent` SyncGroup with `assignments`);
 * 3. **sync**: the coordinator persists it and goes Stable; the SyncGroup answers hand each
 *    member its part (`consumer.assigned`: what it gained).
 *
 * Cooperative-sticky moves a partition in two rebalances: the first assignment leaves out what
 * changes owner, its owner revokes it after the sync (`consumer.revoked`), and rejoins; the
 * second rebalance assigns it. Those revocations are kept with the rebalance they follow, and the
 * next one is counted as its second round.
 *
 * Every fact carries its virtual time, so going back in time filters them (`rewind`).
 */
import type { EngineEvent, TopicPartition } from '../../engine';

export type RebalancePhase = 'join' | 'assign' | 'sync' | 'stable';
export const PHASES: readonly RebalancePhase[] = ['join', 'assign', 'sync', 'stable'];

export interface RebalanceStep {
  atMs: number;
  phase: RebalancePhase;
  text: string;
}

type MemberFactKind = 'joined' | 'revoked' | 'planned' | 'assigned';

interface MemberFact {
  atMs: number;
  clientId: string;
  kind: MemberFactKind;
  partitions: TopicPartition[];
}

interface RebalanceRecord {
  id: number;
  groupId: string;
  startedAtMs: number;
  /** 2 for a cooperative rebalance that follows one with revocations, and so on. */
  round: number;
  generation: number | null;
  protocol: string | null;
  leader: string | null;
  steps: RebalanceStep[];
  facts: MemberFact[];
}

export interface RebalanceMemberView {
  clientId: string;
  joined: boolean;
  /** Given up in this rebalance (before joining, or after the sync under cooperative-sticky). */
  revoked: TopicPartition[];
  /** What the leader's assignment gives it (null until the leader's SyncGroup). */
  planned: TopicPartition[] | null;
  /** What it gained when its SyncGroup answer arrived. */
  added: TopicPartition[];
}

export interface RebalanceView {
  id: number;
  groupId: string;
  startedAtMs: number;
  round: number;
  generation: number | null;
  protocol: string | null;
  leader: string | null;
  phase: RebalancePhase;
  steps: RebalanceStep[];
  members: RebalanceMemberView[];
  /** Partitions revoked after this rebalance's sync: a cooperative second round must follow. */
  revokedAfterSync: boolean;
}

/** Rebalances kept per group (the newest). */
const KEPT = 3;

const tp = (p: TopicPartition) => `${p.topic}-${p.partition}`;

export class RebalanceTracker {
  private records: RebalanceRecord[] = [];
  private nextId = 1;
  /** memberId → clientId, learnt from group.memberJoined (the leader is named by member id). */
  private readonly clients = new Map<string, string>();
  /** JoinGroup request id → its group, to place the answer (which does not name the group). */
  private readonly joins = new Map<number, string>();

  reset(): void {
    this.records = [];
    this.clients.clear();
    this.joins.clear();
  }

  /** The playhead went back to `toMs`: what happened after it has not happened on this timeline. */
  rewind(toMs: number): void {
    this.records = this.records
      .map((r) => ({
        ...r,
        steps: r.steps.filter((s) => s.atMs <= toMs),
        facts: r.facts.filter((f) => f.atMs <= toMs),
      }))
      .filter((r) => r.startedAtMs <= toMs && r.steps.length + r.facts.length > 0);
  }

  apply(events: readonly EngineEvent[]): boolean {
    let changed = false;
    for (const e of events) changed = this.one(e) || changed;
    return changed;
  }

  /** The group's rebalances, oldest first. */
  of(groupId: string): RebalanceView[] {
    return this.records.filter((r) => r.groupId === groupId).map(view);
  }

  private one(e: EngineEvent): boolean {
    switch (e.type) {
      case 'group.stateChanged':
        return this.stateChanged(e.groupId, e.to, e.generation, e.broker, e.atMs);
      case 'group.memberJoined':
        this.clients.set(e.memberId, e.clientId);
        return this.fact(e.groupId, e.atMs, e.clientId, 'joined', []);
      case 'consumer.revoked':
        return this.revoked(e.groupId, e.consumer, e.partitions, e.atMs);
      case 'consumer.assigned':
        if (e.groupId === null || e.generation < 0) return false;
        return this.fact(e.groupId, e.atMs, e.consumer, 'assigned', e.partitions);
      case 'rpc.sent':
        return this.rpc(e);
      default:
        return false;
    }
  }

  private rpc(e: Extract<EngineEvent, { type: 'rpc.sent' }>): boolean {
    const body = e.body as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null) return false;
    if (e.kind === 'JoinGroup' && typeof body.groupId === 'string') {
      this.joins.set(e.id, body.groupId);
      if (this.joins.size > 256) this.joins.delete(this.joins.keys().next().value!);
      const open = this.open(body.groupId, e.atMs);
      const client = typeof body.clientId === 'string' ? body.clientId : e.from;
      if (open.steps.some((s) => s.text === `${client} sends JoinGroup`)) return false;
      open.steps.push({ atMs: e.atMs, phase: 'join', text: `${client} sends JoinGroup` });
      return true;
    }
    if (e.kind === 'JoinGroupResponse' && e.inReplyTo !== undefined) {
      const groupId = this.joins.get(e.inReplyTo);
      this.joins.delete(e.inReplyTo);
      const r = groupId === undefined ? undefined : this.latest(groupId);
      if (!r || body.error !== null || typeof body.leader !== 'string') return false;
      r.generation = typeof body.generationId === 'number' ? body.generationId : r.generation;
      r.protocol = typeof body.protocolName === 'string' ? body.protocolName : r.protocol;
      r.leader = this.clients.get(body.leader) ?? body.leader;
      return true;
    }
    if (e.kind === 'SyncGroup' && typeof body.groupId === 'string' && Array.isArray(body.assignments)) {
      const assignments = body.assignments as { memberId: string; partitions: TopicPartition[] }[];
      const r = this.latest(body.groupId);
      if (!r || assignments.length === 0) return false;
      const leader = this.clients.get(String(body.memberId)) ?? String(body.memberId);
      r.steps.push({
        atMs: e.atMs,
        phase: 'assign',
        text: `leader ${leader} computed the assignment${r.protocol ? ` (${r.protocol})` : ''} and sends it in SyncGroup`,
      });
      for (const a of assignments) {
        const client = this.clients.get(a.memberId) ?? a.memberId;
        r.facts.push({ atMs: e.atMs, clientId: client, kind: 'planned', partitions: a.partitions });
      }
      return true;
    }
    return false;
  }

  private stateChanged(
    groupId: string,
    to: string,
    generation: number,
    broker: number,
    atMs: number,
  ): boolean {
    if (to === 'PreparingRebalance') {
      const r = this.open(groupId, atMs);
      r.steps.push({
        atMs,
        phase: 'join',
        text: `PreparingRebalance: coordinator broker-${broker} waits for every member's JoinGroup`,
      });
      return true;
    }
    const r = this.latest(groupId);
    if (!r || phaseOf(r) === 'stable') return false;
    if (to === 'CompletingRebalance') {
      r.generation = generation;
      r.steps.push({
        atMs,
        phase: 'assign',
        text: `CompletingRebalance: everyone joined generation ${generation}; the leader assigns`,
      });
      return true;
    }
    if (to === 'Stable') {
      r.generation = generation;
      r.steps.push({
        atMs,
        phase: 'sync',
        text: `assignment persisted: SyncGroup answers hand each member its partitions`,
      });
      r.steps.push({ atMs, phase: 'stable', text: `Stable in generation ${generation}` });
      return true;
    }
    return false;
  }

  private revoked(groupId: string, consumer: string, partitions: TopicPartition[], atMs: number): boolean {
    if (partitions.length === 0) return false;
    // After a sync (cooperative-sticky): it belongs to the rebalance that just ended.
    const r = this.latest(groupId) ?? this.open(groupId, atMs);
    r.facts.push({ atMs, clientId: consumer, kind: 'revoked', partitions });
    return true;
  }

  private fact(
    groupId: string,
    atMs: number,
    clientId: string,
    kind: MemberFactKind,
    partitions: TopicPartition[],
  ): boolean {
    const r = kind === 'joined' ? this.open(groupId, atMs) : this.latest(groupId);
    if (!r) return false;
    r.facts.push({ atMs, clientId, kind, partitions });
    return true;
  }

  private latest(groupId: string): RebalanceRecord | undefined {
    for (let i = this.records.length - 1; i >= 0; i--) {
      if (this.records[i]!.groupId === groupId) return this.records[i];
    }
    return undefined;
  }

  /** The group's rebalance in progress, or a new one if the last has finished. */
  private open(groupId: string, atMs: number): RebalanceRecord {
    const last = this.latest(groupId);
    if (last && phaseOf(last) !== 'stable') return last;
    const follows = last && view(last).revokedAfterSync;
    const r: RebalanceRecord = {
      id: this.nextId++,
      groupId,
      startedAtMs: atMs,
      round: follows ? last.round + 1 : 1,
      generation: null,
      protocol: last?.protocol ?? null,
      leader: null,
      steps: [],
      facts: [],
    };
    this.records.push(r);
    const mine = this.records.filter((x) => x.groupId === groupId);
    if (mine.length > KEPT) this.records.splice(this.records.indexOf(mine[0]!), 1);
    return r;
  }
}

function phaseOf(r: RebalanceRecord): RebalancePhase {
  return r.steps.at(-1)?.phase ?? 'join';
}

function view(r: RebalanceRecord): RebalanceView {
  const stableAt = r.steps.find((s) => s.phase === 'stable')?.atMs;
  const members = new Map<string, RebalanceMemberView>();
  const member = (clientId: string) => {
    let m = members.get(clientId);
    if (!m) {
      m = { clientId, joined: false, revoked: [], planned: null, added: [] };
      members.set(clientId, m);
    }
    return m;
  };
  let revokedAfterSync = false;
  for (const f of r.facts) {
    const m = member(f.clientId);
    if (f.kind === 'joined') m.joined = true;
    else if (f.kind === 'planned') m.planned = f.partitions;
    else if (f.kind === 'assigned') m.added = union(m.added, f.partitions);
    else {
      m.revoked = union(m.revoked, f.partitions);
      if (stableAt !== undefined && f.atMs >= stableAt) revokedAfterSync = true;
    }
  }
  return {
    id: r.id,
    groupId: r.groupId,
    startedAtMs: r.startedAtMs,
    round: r.round,
    generation: r.generation,
    protocol: r.protocol,
    leader: r.leader,
    phase: phaseOf(r),
    steps: r.steps,
    members: [...members.values()].sort((a, b) => a.clientId.localeCompare(b.clientId)),
    revokedAfterSync,
  };
}

function union(a: TopicPartition[], b: TopicPartition[]): TopicPartition[] {
  const seen = new Set(a.map(tp));
  return [...a, ...b.filter((p) => !seen.has(tp(p)))];
}

export const partitionName = tp;
