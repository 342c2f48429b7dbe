/**
 * The cluster module: controller and broker nodes, the topic commands and the cluster's part of
 * the snapshot (quorum, brokers, topics).
 */
import { validateTopicConfig } from '../config';
import { brokerNodeId } from '../core-module';
import { EngineError } from '../errors';
import type { Kernel } from '../kernel/kernel';
import type { EngineModule } from '../module';
import type {
  GroupSnapshot,
  BrokerSnapshot,
  ClusterSnapshot,
  ControllerSnapshot,
  NodeId,
  TopicSnapshot,
} from '../types';
import { brokerBehaviour } from './broker';
import type { BrokerDurable, BrokerNode } from './broker-state';
import { appendRecords, controllerBehaviour } from './controller';
import type { ControllerDurable, ControllerNode } from './controller-state';
import { type MetadataImage } from './metadata';
import { clusterView } from './narration';
import { coordinatedGroup } from './coordinator-services';
import { lastStableOffset, toLogRecords, tpKey } from './partition-log';
import { controlOffsets, transactionSnapshots } from './txn-snapshot';
import { logTail } from './log-tail';
import { checkCreateTopic, createTopicRecords } from './replication-control';
import { findCollision, validateTopicName } from './topic-name';

export const controllerNodeId = (i: number): NodeId => `controller-${i}`;

function controllers(kernel: Kernel): ControllerNode[] {
  return Object.values(kernel.state.nodes).filter((n) => n.kind === 'controller') as ControllerNode[];
}

/** The live leader of the highest epoch: where an admin request lands. */
export function activeController(kernel: Kernel): ControllerNode | undefined {
  let best: ControllerNode | undefined;
  for (const c of controllers(kernel)) {
    if (!c.alive || c.volatile?.role !== 'leader') continue;
    if (!best || c.durable.epoch > best.durable.epoch) best = c;
  }
  return best;
}

function requireActive(kernel: Kernel): ControllerNode {
  const active = activeController(kernel);
  if (!active) {
    throw new EngineError(
      'NOT_CONTROLLER',
      'There is no active controller right now: the quorum has no leader.',
    );
  }
  return active;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function topicIdFrom(randomInt: (n: number) => number): string {
  let id = '';
  for (let i = 0; i < 22; i++) id += ID_CHARS[randomInt(64)];
  return id;
}

export const clusterModule: EngineModule = {
  name: 'cluster',
  behaviours: { controller: controllerBehaviour, broker: brokerBehaviour },
  setup(kernel, options) {
    const voters = Array.from({ length: options.controllers }, (_, i) => controllerNodeId(i + 1));
    for (const id of voters) {
      kernel.addNode<ControllerDurable>(id, 'controller', { voters, epoch: 0, votedFor: null, log: [] });
    }
    for (let i = 1; i <= options.brokers; i++) {
      kernel.addNode<BrokerDurable>(brokerNodeId(i), 'broker', {
        brokerId: i,
        voters,
        metadataLog: [],
        logs: {},
      });
    }
  },
  commands: {
    'topic.create': (kernel, c) => {
      validateTopicName(c.topic);
      const view = clusterView(kernel.state.shared).image;
      // The controller checks its working state, uncommitted topics included (Kafka's
      // ReplicationControlManager keeps its collision map in the timeline): two colliding topics
      // created in the same instant must not both pass.
      const working = activeController(kernel)?.volatile?.leader?.working.topics ?? {};
      const collision = findCollision(c.topic, [...Object.keys(view.topics), ...Object.keys(working)]);
      if (collision && collision !== c.topic) {
        throw new EngineError(
          'INVALID_TOPIC_EXCEPTION',
          `Topic '${c.topic}' collides with existing topic: ${collision}`,
        );
      }
      const config = validateTopicConfig(c.config ?? {});
      const active = requireActive(kernel);
      checkCreateTopic(active.volatile.leader!.working, c.topic, c.partitions, c.replicationFactor);
      return () =>
        kernel.invoke<ControllerDurable, ControllerNode['volatile']>(active.id, (ctx, self) => {
          const records = createTopicRecords(
            self.volatile.leader!.working,
            ctx.config,
            c.topic,
            topicIdFrom(ctx.randomInt),
            c.partitions,
            c.replicationFactor,
            config,
            ctx.randomInt,
          );
          appendRecords(ctx, self, records);
        });
    },
    'topic.delete': (kernel, c) => {
      const active = requireActive(kernel);
      if (!active.volatile.leader!.working.topics[c.topic]) {
        throw new EngineError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${c.topic}' does not exist.`);
      }
      return () =>
        kernel.invoke<ControllerDurable, ControllerNode['volatile']>(active.id, (ctx, self) => {
          appendRecords(ctx, self, [{ type: 'RemoveTopic', name: c.topic }]);
        });
    },
  },
  snapshot(kernel, snap) {
    const view = clusterView(kernel.state.shared);
    snap.quorum = quorumSnapshot(kernel, view.committedOffset);
    snap.brokers = brokerSnapshots(kernel, view.image);
    snap.topics = topicSnapshots(view.image, brokerNodes(kernel));
    snap.groups = groupSnapshots(brokerNodes(kernel));
    snap.transactions = transactionSnapshots(brokerNodes(kernel));
  },
  readLog(kernel, broker, topic, partition) {
    const node = brokerNodes(kernel).find((b) => b.durable.brokerId === broker);
    const log = node?.durable.logs[tpKey(topic, partition)];
    return log ? toLogRecords(log) : undefined;
  },
};

/** Groups as their live coordinators hold them. */
function groupSnapshots(brokers: BrokerNode[]): GroupSnapshot[] {
  const out: GroupSnapshot[] = [];
  for (const b of brokers) {
    if (!b.alive || !b.volatile) continue;
    for (const g of Object.values(b.volatile.groups)) {
      if (typeof coordinatedGroup(b, g.groupId) === 'string') continue;
      out.push({
        groupId: g.groupId,
        coordinator: b.durable.brokerId,
        state: g.state,
        generation: g.generation,
        protocol: g.protocol,
        leader: g.leader,
        members: Object.values(g.members).map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          groupInstanceId: m.groupInstanceId,
          assignment: m.assignment.map((tp) => ({ ...tp })),
        })),
        offsets: Object.values(g.offsets).map((o) => ({
          topic: o.topic,
          partition: o.partition,
          offset: o.offset,
        })),
      });
    }
  }
  return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

function brokerNodes(kernel: Kernel): BrokerNode[] {
  return Object.values(kernel.state.nodes).filter((n): n is BrokerNode => n.kind === 'broker');
}

function quorumSnapshot(kernel: Kernel, committedOffset: number): ClusterSnapshot['quorum'] {
  const voters: ControllerSnapshot[] = controllers(kernel).map((c) => ({
    id: c.id,
    alive: c.alive,
    role: c.volatile?.role ?? null,
    epoch: c.durable.epoch,
    votedFor: c.durable.votedFor,
    leaderId: c.volatile?.leaderId ?? null,
    logEndOffset: c.durable.log.length,
    highWatermark: c.volatile?.highWatermark ?? 0,
  }));
  const active = activeController(kernel);
  return {
    leader: active?.id ?? null,
    epoch: Math.max(0, ...voters.map((v) => v.epoch)),
    voters,
    committedOffset,
  };
}

function brokerSnapshots(kernel: Kernel, image: MetadataImage): BrokerSnapshot[] {
  return Object.values(kernel.state.nodes)
    .filter((n): n is BrokerNode => n.kind === 'broker')
    .map((b) => {
      const reg = image.brokers[b.durable.brokerId];
      const state = !b.alive ? 'crashed' : !reg ? 'starting' : reg.fenced ? 'fenced' : 'unfenced';
      return {
        id: b.durable.brokerId,
        node: b.id,
        alive: b.alive,
        state,
        brokerEpoch: reg?.brokerEpoch ?? null,
        metadataOffset: b.volatile?.image.nextOffset ?? null,
      };
    });
}

function topicSnapshots(image: MetadataImage, brokers: BrokerNode[]): TopicSnapshot[] {
  return Object.values(image.topics)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((t) => ({
      name: t.name,
      topicId: t.topicId,
      config: { ...t.config },
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        replicas: [...p.replicas],
        isr: [...p.isr],
        leaderRecoveryState: p.leaderRecoveryState,
        replicaStates: p.replicas.flatMap((id) => {
          const b = brokers.find((n) => n.durable.brokerId === id);
          const log = b?.durable.logs[tpKey(t.name, p.partition)];
          if (!b || !log) return [];
          return [
            {
              broker: id,
              alive: b.alive,
              logStartOffset: log.logStartOffset,
              logEndOffset: log.logEndOffset,
              highWatermark: log.highWatermark,
              segmentBaseOffsets: log.segments.map((seg) => seg.baseOffset),
              lastStableOffset: lastStableOffset(log),
              controlOffsets: controlOffsets(log),
              tail: logTail(log),
            },
          ];
        }),
      })),
    }));
}
