/**
 * KRaft's Raft, on a controller node (reference §5.1). Pull-based like Kafka's: followers and
 * observers (brokers) send Fetch to the leader; the leader learns each voter's end offset from
 * its fetch offset and advances the high watermark to the majority's end offset, but only past
 * the start of its own epoch (a new leader commits a record of its own term first).
 *
 * Votes go only to candidates whose log is at least as up to date, compared by (last epoch, end
 * offset); at most one vote per epoch, persisted with the epoch. A leader that hears from no
 * majority for `controller.quorum.fetch.timeout.ms` resigns (check-quorum).
 */
import { brokerSetting } from '../config';
import type { NodeContext, RpcMessage } from '../kernel/kernel';
import type { NodeId } from '../types';
import { applyRecord, buildImage, type MetadataEntry, type MetadataRecord } from './metadata';
import type {
  BeginQuorumEpochRequest,
  ControllerNode,
  FetchRequest,
  FetchResponse,
  VoteRequest,
  VoteResponse,
} from './controller-state';

/** Longest a leader holds a fetch with nothing new (Kafka's KRaft fetch max wait). */
export const FETCH_MAX_WAIT_MS = 500;
/** Entries per fetch response. */
const FETCH_MAX_ENTRIES = 200;

export interface RaftHooks {
  becameLeader(ctx: NodeContext, self: ControllerNode): void;
  /** The committed prefix grew from `from` to `to` (exclusive). */
  committed(ctx: NodeContext, self: ControllerNode, from: number, to: number): void;
}

const cfg = (ctx: NodeContext) => ({
  electionTimeoutMs: brokerSetting(ctx.config, 'controller.quorum.election.timeout.ms'),
  fetchTimeoutMs: brokerSetting(ctx.config, 'controller.quorum.fetch.timeout.ms'),
  backoffMaxMs: brokerSetting(ctx.config, 'controller.quorum.election.backoff.max.ms'),
});

const majority = (self: ControllerNode) => Math.floor(self.durable.voters.length / 2) + 1;
const endOffset = (self: ControllerNode) => self.durable.log.length;
const lastEpoch = (self: ControllerNode) => self.durable.log.at(-1)?.epoch ?? 0;

/** (epoch, end offset) for `epoch`, as LeaderEpochFileCache.endOffsetFor (reference §4.6). */
export function endOffsetForEpoch(
  log: readonly MetadataEntry[],
  epoch: number,
): { epoch: number; endOffset: number } {
  if (log.length === 0) return { epoch: -1, endOffset: -1 };
  const latest = log[log.length - 1]!.epoch;
  if (epoch >= latest) return { epoch: latest, endOffset: log.length };
  // First entry with an epoch greater than the requested one.
  const firstAfter = log.findIndex((e) => e.epoch > epoch);
  const before = firstAfter > 0 ? log[firstAfter - 1]!.epoch : epoch;
  return { epoch: Math.min(before, epoch), endOffset: firstAfter };
}

// ----- timers and transitions -----

function setRoleTimer(
  ctx: NodeContext,
  self: ControllerNode,
  name: 'election' | 'backoff' | 'fetchTimeout',
  delayMs: number,
): void {
  if (self.volatile.roleTimer !== null) ctx.cancelTimer(self.volatile.roleTimer);
  self.volatile.roleTimer = ctx.setTimer(name, delayMs);
}

function randomElectionTimeout(ctx: NodeContext): number {
  const t = cfg(ctx).electionTimeoutMs;
  return t + ctx.randomInt(t); // T + random(T), as QuorumState.randomElectionTimeoutMs
}

function cancelFetch(ctx: NodeContext, self: ControllerNode): void {
  if (self.volatile.fetchRetryTimer !== null) ctx.cancelTimer(self.volatile.fetchRetryTimer);
  self.volatile.fetchRetryTimer = null;
  self.volatile.fetchInFlight = null;
}

/** Raft's transitions and handlers. Stateless: all state lives in the node record. */
export class Raft {
  constructor(private readonly hooks: RaftHooks) {}

  leaveLeadership(ctx: NodeContext, self: ControllerNode): void {
    const leader = self.volatile.leader;
    if (!leader) return;
    for (const p of leader.parked) ctx.cancelTimer(p.timerId);
    self.volatile.leader = null;
  }

  /** Move to `epoch` (if higher) with no known leader, and wait for an election timeout. */
  becomeUnattached(ctx: NodeContext, self: ControllerNode, epoch: number): void {
    const wasLeader = self.volatile.role === 'leader';
    if (epoch > self.durable.epoch) {
      self.durable.epoch = epoch;
      self.durable.votedFor = null;
    }
    this.leaveLeadership(ctx, self);
    cancelFetch(ctx, self);
    self.volatile.role = 'unattached';
    self.volatile.leaderId = null;
    self.volatile.votesGranted = [];
    if (wasLeader)
      ctx.emit('raft.resigned', { node: self.id, epoch: self.durable.epoch, reason: 'higher-epoch' });
    setRoleTimer(ctx, self, 'election', randomElectionTimeout(ctx));
  }

  becomeFollower(ctx: NodeContext, self: ControllerNode, epoch: number, leaderId: NodeId): void {
    if (epoch > self.durable.epoch) {
      self.durable.epoch = epoch;
      self.durable.votedFor = null;
    }
    const wasLeader = self.volatile.role === 'leader';
    this.leaveLeadership(ctx, self);
    if (wasLeader) ctx.emit('raft.resigned', { node: self.id, epoch, reason: 'higher-epoch' });
    const changed = self.volatile.role !== 'follower' || self.volatile.leaderId !== leaderId;
    self.volatile.role = 'follower';
    self.volatile.leaderId = leaderId;
    self.volatile.votesGranted = [];
    self.volatile.electionRetries = 0;
    self.volatile.lastFetchOkMs = ctx.now();
    setRoleTimer(ctx, self, 'fetchTimeout', cfg(ctx).fetchTimeoutMs);
    if (changed) {
      cancelFetch(ctx, self);
      this.sendFetch(ctx, self);
    }
  }

  startElection(ctx: NodeContext, self: ControllerNode): void {
    this.leaveLeadership(ctx, self);
    cancelFetch(ctx, self);
    self.durable.epoch++;
    self.durable.votedFor = self.id;
    self.volatile.role = 'candidate';
    self.volatile.leaderId = null;
    self.volatile.votesGranted = [self.id];
    ctx.emit('raft.electionStarted', { node: self.id, epoch: self.durable.epoch });
    if (self.volatile.votesGranted.length >= majority(self)) {
      this.becomeLeader(ctx, self);
      return;
    }
    const req: VoteRequest = {
      epoch: self.durable.epoch,
      candidateId: self.id,
      lastEpoch: lastEpoch(self),
      lastOffset: endOffset(self),
    };
    for (const v of self.durable.voters) if (v !== self.id) ctx.send(v, 'Vote', req);
    setRoleTimer(ctx, self, 'election', randomElectionTimeout(ctx));
  }

  /** A failed candidacy backs off exponentially before the next (KafkaRaftClient). */
  electionFailed(ctx: NodeContext, self: ControllerNode): void {
    self.volatile.electionRetries++;
    const retries = self.volatile.electionRetries;
    const bound = 2 << Math.min(20, retries - 1);
    const backoff = Math.min(100 * ctx.randomInt(bound), cfg(ctx).backoffMaxMs);
    setRoleTimer(ctx, self, 'backoff', backoff);
  }

  becomeLeader(ctx: NodeContext, self: ControllerNode): void {
    if (self.volatile.roleTimer !== null) ctx.cancelTimer(self.volatile.roleTimer);
    self.volatile.roleTimer = null;
    self.volatile.role = 'leader';
    self.volatile.leaderId = self.id;
    self.volatile.electionRetries = 0;
    const now = ctx.now();
    const others = self.durable.voters.filter((v) => v !== self.id);
    self.volatile.leader = {
      epochStartOffset: endOffset(self),
      voterEndOffsets: Object.fromEntries(others.map((v) => [v, 0])),
      lastFetchMs: Object.fromEntries(others.map((v) => [v, now])),
      parked: [],
      pendingReplies: [],
      working: buildImage(self.durable.log, Number.POSITIVE_INFINITY),
      lastHeartbeatMs: {},
    };
    ctx.emit('raft.leaderElected', {
      node: self.id,
      epoch: self.durable.epoch,
      votes: [...self.volatile.votesGranted],
    });
    this.appendAsLeader(ctx, self, [{ type: 'LeaderChange', leaderId: self.id, epoch: self.durable.epoch }]);
    const begin: BeginQuorumEpochRequest = { epoch: self.durable.epoch, leaderId: self.id };
    for (const v of others) ctx.send(v, 'BeginQuorumEpoch', begin);
    this.hooks.becameLeader(ctx, self);
  }

  /** Append records to the leader's log; returns the offset of the last one. */
  appendAsLeader(ctx: NodeContext, self: ControllerNode, records: MetadataRecord[]): number {
    const leader = self.volatile.leader;
    if (!leader) throw new Error('appendAsLeader on a non-leader');
    for (const record of records) {
      const entry: MetadataEntry = { offset: endOffset(self), epoch: self.durable.epoch, record };
      self.durable.log.push(entry);
      applyRecord(leader.working, entry);
    }
    this.maybeAdvanceHighWatermark(ctx, self);
    this.completeParked(ctx, self);
    return endOffset(self) - 1;
  }

  maybeAdvanceHighWatermark(ctx: NodeContext, self: ControllerNode): void {
    const leader = self.volatile.leader!;
    const ends = self.durable.voters.map((v) =>
      v === self.id ? endOffset(self) : (leader.voterEndOffsets[v] ?? 0),
    );
    ends.sort((a, b) => b - a);
    const candidate = ends[Math.floor(self.durable.voters.length / 2)] ?? 0;
    if (candidate > leader.epochStartOffset && candidate > self.volatile.highWatermark) {
      this.setHighWatermark(ctx, self, candidate);
    }
  }

  setHighWatermark(ctx: NodeContext, self: ControllerNode, hw: number): void {
    const from = self.volatile.highWatermark;
    if (hw <= from) return;
    self.volatile.highWatermark = hw;
    for (let o = from; o < hw; o++) applyRecord(self.volatile.committed, self.durable.log[o]!);
    this.hooks.committed(ctx, self, from, hw);
    if (self.volatile.leader) this.completeParked(ctx, self);
  }

  // ----- votes -----

  onVote(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<VoteRequest>): void {
    const req = msg.body;
    if (req.epoch > self.durable.epoch) this.becomeUnattached(ctx, self, req.epoch);
    let granted = false;
    if (req.epoch === self.durable.epoch && self.volatile.leaderId === null) {
      const upToDate =
        req.lastEpoch > lastEpoch(self) ||
        (req.lastEpoch === lastEpoch(self) && req.lastOffset >= endOffset(self));
      const free = self.durable.votedFor === null || self.durable.votedFor === req.candidateId;
      granted = upToDate && free;
      if (granted) {
        self.durable.votedFor = req.candidateId;
        ctx.emit('raft.voted', { node: self.id, candidate: req.candidateId, epoch: req.epoch });
        if (self.volatile.role === 'unattached')
          setRoleTimer(ctx, self, 'election', randomElectionTimeout(ctx));
      }
    }
    const res: VoteResponse = { epoch: self.durable.epoch, granted, leaderId: self.volatile.leaderId };
    ctx.send(msg.from, 'VoteResponse', res, msg.id);
  }

  onVoteResponse(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<VoteResponse>): void {
    const res = msg.body;
    if (res.epoch > self.durable.epoch) {
      this.becomeUnattached(ctx, self, res.epoch);
      return;
    }
    if (self.volatile.role !== 'candidate' || res.epoch !== self.durable.epoch || !res.granted) return;
    if (!self.volatile.votesGranted.includes(msg.from)) self.volatile.votesGranted.push(msg.from);
    if (self.volatile.votesGranted.length >= majority(self)) this.becomeLeader(ctx, self);
  }

  onBeginQuorumEpoch(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<BeginQuorumEpochRequest>) {
    const req = msg.body;
    if (
      req.epoch >= self.durable.epoch &&
      !(req.epoch === self.durable.epoch && self.volatile.role === 'leader')
    ) {
      this.becomeFollower(ctx, self, req.epoch, req.leaderId);
    }
    ctx.send(msg.from, 'BeginQuorumEpochResponse', { epoch: self.durable.epoch }, msg.id);
  }

  // ----- fetch: leader side -----

  onFetch(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<FetchRequest>): void {
    const req = msg.body;
    if (!req.observer && req.epoch > self.durable.epoch) this.becomeUnattached(ctx, self, req.epoch);
    const reply = (body: Omit<FetchResponse, 'topic' | 'epoch' | 'leaderId'>) => {
      const res: FetchResponse = {
        topic: '__cluster_metadata',
        epoch: self.durable.epoch,
        leaderId: self.volatile.leaderId,
        ...body,
      };
      ctx.send(msg.from, 'FetchResponse', res, msg.id);
    };
    const hw = self.volatile.highWatermark;
    const hwBefore = hw;
    if (self.volatile.role !== 'leader') {
      reply({ error: 'NOT_LEADER_OR_FOLLOWER', records: [], highWatermark: hw });
      return;
    }
    if (!req.observer && req.epoch < self.durable.epoch) {
      reply({ error: 'FENCED_LEADER_EPOCH', records: [], highWatermark: hw });
      return;
    }
    const leader = self.volatile.leader!;
    const log = self.durable.log;
    const prev = req.fetchOffset > 0 ? log[req.fetchOffset - 1] : undefined;
    const diverged =
      req.fetchOffset > log.length || (req.fetchOffset > 0 && (!prev || prev.epoch !== req.lastFetchedEpoch));
    if (diverged) {
      reply({ records: [], highWatermark: hw, divergingEpoch: endOffsetForEpoch(log, req.lastFetchedEpoch) });
      return;
    }
    if (!req.observer && req.replicaId in leader.voterEndOffsets) {
      leader.voterEndOffsets[req.replicaId] = req.fetchOffset;
      leader.lastFetchMs[req.replicaId] = ctx.now();
      this.maybeAdvanceHighWatermark(ctx, self);
    }
    // Observers (brokers) receive committed records only; voters receive everything.
    const limit = req.observer ? self.volatile.highWatermark : log.length;
    const records = log.slice(req.fetchOffset, Math.min(limit, req.fetchOffset + FETCH_MAX_ENTRIES));
    // Answer at once when there is data, or when this very fetch moved the HW (the follower must learn it).
    const fresh = records.length > 0 || self.volatile.highWatermark !== hwBefore;
    if (fresh) {
      reply({ records, highWatermark: self.volatile.highWatermark });
      return;
    }
    // Nothing new: hold the fetch (long poll) until data arrives or the wait runs out.
    const timerId = ctx.setTimer('fetchWait', FETCH_MAX_WAIT_MS, { requestId: msg.id });
    leader.parked.push({ from: msg.from, requestId: msg.id, timerId, body: req });
  }

  onFetchWait(ctx: NodeContext, self: ControllerNode, requestId: number): void {
    const leader = self.volatile.leader;
    if (!leader) return;
    const i = leader.parked.findIndex((p) => p.requestId === requestId);
    if (i < 0) return;
    const [p] = leader.parked.splice(i, 1);
    this.answerParked(ctx, self, p!);
  }

  answerParked(
    ctx: NodeContext,
    self: ControllerNode,
    p: { from: NodeId; requestId: number; body: FetchRequest },
  ) {
    const log = self.durable.log;
    const limit = p.body.observer ? self.volatile.highWatermark : log.length;
    const res: FetchResponse = {
      topic: '__cluster_metadata',
      epoch: self.durable.epoch,
      leaderId: self.id,
      records: log.slice(p.body.fetchOffset, Math.min(limit, p.body.fetchOffset + FETCH_MAX_ENTRIES)),
      highWatermark: self.volatile.highWatermark,
    };
    ctx.send(p.from, 'FetchResponse', res, p.requestId);
  }

  /** New records or a new HW: answer every parked fetch. */
  completeParked(ctx: NodeContext, self: ControllerNode): void {
    const leader = self.volatile.leader;
    if (!leader || leader.parked.length === 0) return;
    const parked = leader.parked;
    leader.parked = [];
    for (const p of parked) {
      ctx.cancelTimer(p.timerId);
      this.answerParked(ctx, self, p);
    }
  }

  // ----- fetch: follower side -----

  sendFetch(ctx: NodeContext, self: ControllerNode): void {
    const leaderId = self.volatile.leaderId;
    if (self.volatile.role !== 'follower' || !leaderId) return;
    const req: FetchRequest = {
      topic: '__cluster_metadata',
      epoch: self.durable.epoch,
      replicaId: self.id,
      fetchOffset: endOffset(self),
      lastFetchedEpoch: lastEpoch(self),
      observer: false,
    };
    self.volatile.fetchInFlight = ctx.send(leaderId, 'Fetch', req);
    if (self.volatile.fetchRetryTimer !== null) ctx.cancelTimer(self.volatile.fetchRetryTimer);
    // A lost fetch is sent again (standing in for TCP retransmission) before the fetch timeout.
    self.volatile.fetchRetryTimer = ctx.setTimer('fetchRetry', FETCH_MAX_WAIT_MS * 2);
  }

  onFetchResponse(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<FetchResponse>): void {
    const res = msg.body;
    if (msg.inReplyTo !== self.volatile.fetchInFlight) return; // stale answer
    cancelFetch(ctx, self);
    if (res.epoch > self.durable.epoch) {
      if (res.leaderId) this.becomeFollower(ctx, self, res.epoch, res.leaderId);
      else this.becomeUnattached(ctx, self, res.epoch);
      return;
    }
    if (res.error || self.volatile.role !== 'follower') {
      if (self.volatile.role === 'follower') this.becomeUnattached(ctx, self, self.durable.epoch);
      return;
    }
    self.volatile.lastFetchOkMs = ctx.now();
    setRoleTimer(ctx, self, 'fetchTimeout', cfg(ctx).fetchTimeoutMs);
    const log = self.durable.log;
    if (res.divergingEpoch) {
      const mine = endOffsetForEpoch(log, res.divergingEpoch.epoch);
      const truncateTo = Math.max(
        self.volatile.highWatermark,
        Math.min(res.divergingEpoch.endOffset, mine.endOffset < 0 ? 0 : mine.endOffset, log.length),
      );
      if (truncateTo < log.length) {
        log.length = truncateTo;
        ctx.emit('raft.truncated', { node: self.id, toOffset: truncateTo });
      }
      this.sendFetch(ctx, self);
      return;
    }
    for (const e of res.records) {
      if (e.offset === log.length) log.push(e);
    }
    const hw = Math.min(res.highWatermark, log.length);
    if (hw > self.volatile.highWatermark) this.setHighWatermark(ctx, self, hw);
    this.sendFetch(ctx, self);
  }

  /** Leader duties on a tick: check-quorum and re-announcing the epoch to silent voters. */
  leaderTick(ctx: NodeContext, self: ControllerNode): void {
    const leader = self.volatile.leader;
    if (!leader) return;
    const now = ctx.now();
    const { fetchTimeoutMs } = cfg(ctx);
    const heard = 1 + Object.values(leader.lastFetchMs).filter((t) => now - t <= fetchTimeoutMs).length;
    if (heard < majority(self)) {
      this.leaveLeadership(ctx, self);
      self.volatile.role = 'unattached';
      self.volatile.leaderId = null;
      ctx.emit('raft.resigned', { node: self.id, epoch: self.durable.epoch, reason: 'check-quorum' });
      setRoleTimer(ctx, self, 'election', randomElectionTimeout(ctx));
      return;
    }
    for (const [v, t] of Object.entries(leader.lastFetchMs)) {
      if (now - t > fetchTimeoutMs / 2) {
        ctx.send(v, 'BeginQuorumEpoch', { epoch: self.durable.epoch, leaderId: self.id });
      }
    }
  }
}

/** The committed image as of a restart: nothing is known to be committed until a leader says so. */
export function initialVolatile(): ControllerNode['volatile'] {
  return {
    role: 'unattached',
    leaderId: null,
    highWatermark: 0,
    committed: buildImage([], 0),
    roleTimer: null,
    votesGranted: [],
    electionRetries: 0,
    fetchInFlight: null,
    fetchRetryTimer: null,
    lastFetchOkMs: 0,
    leader: null,
  };
}
