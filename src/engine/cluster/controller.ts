/**
 * A controller node: a KRaft voter (raft.ts) which, while it leads, is the active controller
 * (QuorumController): it registers brokers, tracks their heartbeats, fences silent brokers,
 * unfences caught-up ones, creates and deletes topics, and runs preferred-leader elections. Every
 * decision is a metadata record appended to the Raft log; replies wait until the record commits.
 */
import {
  dispatchRpc,
  isMetadataFetchRequest,
  isMetadataFetchResponse,
  responseTo,
  type ResponseKind,
  type RpcHandlers,
  type RpcMessageOf,
  type ServedBy,
} from '../protocol/rpc-kinds';
import { brokerSetting } from '../config';
import type { NodeBehaviour, NodeContext, RpcMessage } from '../kernel/kernel';
import type { TimerOf } from '../protocol/timer-kinds';
import type {
  BrokerHeartbeatRequest,
  BrokerRegistrationRequest,
  ControllerReply,
  NotControllerReply,
} from '../protocol/kraft';

export type { BrokerHeartbeatRequest, BrokerRegistrationRequest, ControllerReply } from '../protocol/kraft';
import type { ControllerDurable, ControllerNode, ControllerVolatile } from './controller-state';
import type { MetadataRecord } from './metadata';
import { initialVolatile, Raft } from './raft';
import {
  createTopicRecords,
  fenceBrokerRecords,
  preferredLeaderRecords,
  unfenceBrokerRecords,
} from './replication-control';
import type { CreateInternalTopicRequest } from './coordinator-services';
import { narrateCommitted } from './narration';
import { isAcceptable } from './metadata';
import type { AlterPartitionRequest, AlterPartitionResponse } from './replica-manager';
import {
  PRODUCER_ID_BLOCK_SIZE,
  type AllocateProducerIdsRequest,
  type AllocateProducerIdsResponse,
} from './broker-services';

/** How often the active controller checks sessions and quorum. */
const LEADER_TICK_MS = 500;

const raft = new Raft({
  becameLeader(ctx, self) {
    const leader = self.volatile.leader!;
    // A new active controller gives every registered broker a fresh session.
    for (const id of Object.keys(leader.working.brokers)) leader.lastHeartbeatMs[Number(id)] = ctx.now();
    ctx.setTimer('leaderTick', LEADER_TICK_MS);
    if (brokerSetting(ctx.config, 'auto.leader.rebalance.enable')) {
      ctx.setTimer(
        'preferredCheck',
        brokerSetting(ctx.config, 'leader.imbalance.check.interval.seconds') * 1000,
      );
    }
  },
  committed(ctx, self, from, to) {
    narrateCommitted(ctx, self, from, to);
    const leader = self.volatile.leader;
    if (!leader) return;
    const due = leader.pendingReplies.filter((r) => r.offset < to);
    leader.pendingReplies = leader.pendingReplies.filter((r) => r.offset >= to);
    for (const r of due) ctx.send(r.to, r.kind, r.body, r.inReplyTo);
  },
});

export { raft };

/** Append as the active controller; returns the last offset. */
export function appendRecords(ctx: NodeContext, self: ControllerNode, records: MetadataRecord[]): number {
  return raft.appendAsLeader(ctx, self, records);
}

/** Reply now if everything appended so far is committed, else once it is. */
function replyAfterCommit(
  ctx: NodeContext,
  self: ControllerNode,
  msg: RpcMessage,
  kind: 'BrokerRegistrationResponse' | 'BrokerHeartbeatResponse' | 'CreateTopicsResponse',
  body: ControllerReply,
) {
  const last = self.durable.log.length - 1;
  if (last < self.volatile.highWatermark) ctx.send(msg.from, kind, body, msg.id);
  else
    self.volatile.leader!.pendingReplies.push({ offset: last, to: msg.from, kind, body, inReplyTo: msg.id });
}

function onBrokerRegistration(
  ctx: NodeContext,
  self: ControllerNode,
  msg: RpcMessage<BrokerRegistrationRequest>,
) {
  const leader = self.volatile.leader!;
  const { brokerId, incarnation } = msg.body;
  const existing = leader.working.brokers[brokerId];
  leader.lastHeartbeatMs[brokerId] = ctx.now();
  if (!existing || existing.incarnation !== incarnation) {
    // A broker that comes back with a new incarnation lost its volatile state: fence it (out of
    // every ISR, leadership moved away) before the new registration.
    const fence =
      existing && !existing.fenced
        ? fenceBrokerRecords(leader.working, ctx.config, brokerId, 'reregistered')
        : [];
    appendRecords(ctx, self, [...fence, { type: 'RegisterBroker', brokerId, incarnation }]);
  }
  const brokerEpoch = leader.working.brokers[brokerId]!.brokerEpoch;
  replyAfterCommit(ctx, self, msg, 'BrokerRegistrationResponse', { leaderId: self.id, brokerEpoch });
}

function onBrokerHeartbeat(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<BrokerHeartbeatRequest>) {
  const leader = self.volatile.leader!;
  const req = msg.body;
  const reg = leader.working.brokers[req.brokerId];
  if (!reg || reg.brokerEpoch !== req.brokerEpoch) {
    ctx.send(msg.from, 'BrokerHeartbeatResponse', { error: 'STALE_BROKER_EPOCH', leaderId: self.id }, msg.id);
    return;
  }
  leader.lastHeartbeatMs[req.brokerId] = ctx.now();
  // FENCED -> UNFENCED once the broker has caught up to its own registration (reference §5.2).
  if (reg.fenced && !req.wantFence && req.currentMetadataOffset > reg.brokerEpoch) {
    appendRecords(ctx, self, unfenceBrokerRecords(leader.working, ctx.config, req.brokerId));
  }
  const isFenced = leader.working.brokers[req.brokerId]!.fenced;
  replyAfterCommit(ctx, self, msg, 'BrokerHeartbeatResponse', { leaderId: self.id, isFenced });
}

/** Fence brokers whose session expired (BrokerHeartbeatManager). */
function expireSessions(ctx: NodeContext, self: ControllerNode): void {
  const leader = self.volatile.leader!;
  const timeoutMs = brokerSetting(ctx.config, 'broker.session.timeout.ms');
  for (const reg of Object.values(leader.working.brokers)) {
    if (reg.fenced) continue;
    const last = leader.lastHeartbeatMs[reg.brokerId] ?? ctx.now();
    if (ctx.now() - last > timeoutMs) {
      appendRecords(
        ctx,
        self,
        fenceBrokerRecords(leader.working, ctx.config, reg.brokerId, 'session-timeout'),
      );
    }
  }
}

/** An ISR change proposed by a partition leader (reference §4.3). */
function onAlterPartition(ctx: NodeContext, self: ControllerNode, msg: RpcMessage<AlterPartitionRequest>) {
  const leader = self.volatile.leader!;
  const req = msg.body;
  const reply = (error: AlterPartitionResponse['error']) => {
    const p = leader.working.topics[req.topic]?.partitions[req.partition];
    const res: AlterPartitionResponse = {
      error,
      leaderId: self.id,
      topic: req.topic,
      partition: req.partition,
      leaderEpoch: p?.leaderEpoch ?? -1,
      partitionEpoch: p?.partitionEpoch ?? -1,
      isr: p ? [...p.isr] : [],
    };
    return res;
  };
  const reg = leader.working.brokers[req.brokerId];
  const p = leader.working.topics[req.topic]?.partitions[req.partition];
  let error: AlterPartitionResponse['error'] = null;
  if (!reg || reg.brokerEpoch !== req.brokerEpoch) error = 'STALE_BROKER_EPOCH';
  else if (!p) error = 'UNKNOWN_TOPIC_OR_PARTITION';
  else if (p.leader !== req.brokerId || req.leaderEpoch !== p.leaderEpoch) error = 'FENCED_LEADER_EPOCH';
  else if (req.partitionEpoch !== p.partitionEpoch) error = 'INVALID_UPDATE_VERSION';
  else if (!req.newIsr.includes(req.brokerId)) error = 'INVALID_REPLICA_ASSIGNMENT';
  else if (req.newIsr.some((b) => !p.isr.includes(b) && !isAcceptable(leader.working, b)))
    error = 'INELIGIBLE_REPLICA';
  if (error) {
    ctx.send(msg.from, 'AlterPartitionResponse', reply(error), msg.id);
    return;
  }
  appendRecords(ctx, self, [
    {
      type: 'PartitionChange',
      topic: req.topic,
      partition: req.partition,
      isr: [...req.newIsr],
      reason: req.reason,
    },
  ]);
  const last = self.durable.log.length - 1;
  leader.pendingReplies.push({
    offset: last,
    to: msg.from,
    kind: 'AlterPartitionResponse',
    body: reply(null),
    inReplyTo: msg.id,
  });
}

function onAllocateProducerIds(
  ctx: NodeContext,
  self: ControllerNode,
  msg: RpcMessage<AllocateProducerIdsRequest>,
) {
  const leader = self.volatile.leader!;
  const reg = leader.working.brokers[msg.body.brokerId];
  if (!reg || reg.brokerEpoch !== msg.body.brokerEpoch) {
    const res: AllocateProducerIdsResponse = {
      error: 'STALE_BROKER_EPOCH',
      leaderId: self.id,
      producerIdStart: -1,
      producerIdLen: 0,
    };
    ctx.send(msg.from, 'AllocateProducerIdsResponse', res, msg.id);
    return;
  }
  const start = leader.working.nextProducerId;
  appendRecords(ctx, self, [
    { type: 'ProducerIds', brokerId: msg.body.brokerId, nextProducerId: start + PRODUCER_ID_BLOCK_SIZE },
  ]);
  const res: AllocateProducerIdsResponse = {
    error: null,
    leaderId: self.id,
    producerIdStart: start,
    producerIdLen: PRODUCER_ID_BLOCK_SIZE,
  };
  leader.pendingReplies.push({
    offset: self.durable.log.length - 1,
    to: msg.from,
    kind: 'AllocateProducerIdsResponse',
    body: res,
    inReplyTo: msg.id,
  });
}

/** A broker asks for an internal topic (__consumer_offsets) on first use. */
function onCreateInternalTopic(
  ctx: NodeContext,
  self: ControllerNode,
  msg: RpcMessage<CreateInternalTopicRequest>,
) {
  const leader = self.volatile.leader!;
  const req = msg.body;
  if (!leader.working.topics[req.name]) {
    try {
      const topicId = Array.from(
        { length: 22 },
        () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[ctx.randomInt(64)],
      ).join('');
      appendRecords(
        ctx,
        self,
        createTopicRecords(
          leader.working,
          ctx.config,
          req.name,
          topicId,
          req.partitions,
          req.replicationFactor,
          req.config,
          ctx.randomInt,
        ),
      );
    } catch {
      // Not enough brokers yet: the broker asks again later.
    }
  }
  replyAfterCommit(ctx, self, msg, 'CreateTopicsResponse', { leaderId: self.id });
}

/** Requests only the active controller serves; any other controller answers NOT_CONTROLLER. */
type ActiveOnlyKind =
  'BrokerRegistration' | 'BrokerHeartbeat' | 'AlterPartition' | 'CreateTopics' | 'AllocateProducerIds';

function notController(
  ctx: NodeContext,
  self: ControllerNode,
  msg: RpcMessage,
  kind: ResponseKind<ActiveOnlyKind>,
) {
  ctx.send(
    msg.from,
    kind,
    { error: 'NOT_CONTROLLER', leaderId: self.volatile.leaderId } satisfies NotControllerReply,
    msg.id,
  );
}

function activeOnly<K extends ActiveOnlyKind>(
  handle: (ctx: NodeContext, self: ControllerNode, msg: RpcMessageOf<K>) => void,
) {
  return (ctx: NodeContext, self: ControllerNode, msg: RpcMessageOf<K>): void => {
    if (self.volatile.role !== 'leader') return notController(ctx, self, msg, responseTo(msg.kind));
    handle(ctx, self, msg);
  };
}

/**
 * What a controller does with each kind of message: every request a controller serves
 * (RPC_SERVERS) must be here, or this fails to compile.
 */
export const CONTROLLER_HANDLERS: RpcHandlers<
  ServedBy<'controller'> | 'VoteResponse' | 'FetchResponse',
  NodeContext,
  ControllerNode
> = {
  Vote: (ctx, self, msg) => raft.onVote(ctx, self, msg),
  VoteResponse: (ctx, self, msg) => raft.onVoteResponse(ctx, self, msg),
  BeginQuorumEpoch: (ctx, self, msg) => raft.onBeginQuorumEpoch(ctx, self, msg),
  // Controllers serve the metadata log; partition Fetches are for brokers (the body says which).
  Fetch: (ctx, self, msg) => {
    if (isMetadataFetchRequest(msg)) raft.onFetch(ctx, self, msg);
  },
  FetchResponse: (ctx, self, msg) => {
    if (isMetadataFetchResponse(msg)) raft.onFetchResponse(ctx, self, msg);
  },
  BrokerRegistration: activeOnly<'BrokerRegistration'>(onBrokerRegistration),
  BrokerHeartbeat: activeOnly<'BrokerHeartbeat'>(onBrokerHeartbeat),
  AlterPartition: activeOnly<'AlterPartition'>(onAlterPartition),
  CreateTopics: activeOnly<'CreateTopics'>(onCreateInternalTopic),
  AllocateProducerIds: activeOnly<'AllocateProducerIds'>(onAllocateProducerIds),
};

export const controllerBehaviour: NodeBehaviour<
  ControllerDurable,
  ControllerVolatile,
  TimerOf<'controller'>
> = {
  start(ctx) {
    // Nothing is known to be committed after a (re)start: the committed image grows as a leader
    // reports its high watermark. The durable log and vote are what survive.
    const v = initialVolatile();
    const t = brokerSetting(ctx.config, 'controller.quorum.election.timeout.ms');
    v.roleTimer = ctx.setTimer('election', t + ctx.randomInt(t));
    return v;
  },
  onMessage(ctx, self, msg) {
    dispatchRpc(CONTROLLER_HANDLERS, ctx, self, msg); // BeginQuorumEpochResponse and the rest: nothing to do
  },
  onTimer(ctx, self, timer) {
    switch (timer.name) {
      case 'election':
        if (self.volatile.role === 'candidate') return raft.electionFailed(ctx, self);
        if (self.volatile.role === 'unattached') return raft.startElection(ctx, self);
        return;
      case 'backoff':
      case 'fetchTimeout':
        if (self.volatile.role === 'candidate' || self.volatile.role === 'follower')
          raft.startElection(ctx, self);
        return;
      case 'fetchRetry':
        self.volatile.fetchRetryTimer = null;
        return raft.sendFetch(ctx, self);
      case 'fetchWait':
        return raft.onFetchWait(ctx, self, timer.data.requestId);
      case 'leaderTick':
        if (self.volatile.role !== 'leader') return;
        raft.leaderTick(ctx, self);
        if (self.volatile.role === 'leader') {
          expireSessions(ctx, self);
          ctx.setTimer('leaderTick', LEADER_TICK_MS);
        }
        return;
      case 'preferredCheck': {
        if (self.volatile.role !== 'leader') return;
        const records = preferredLeaderRecords(self.volatile.leader!.working);
        if (records.length) appendRecords(ctx, self, records);
        ctx.setTimer(
          'preferredCheck',
          brokerSetting(ctx.config, 'leader.imbalance.check.interval.seconds') * 1000,
        );
        return;
      }
    }
  },
};
