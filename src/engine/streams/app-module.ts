/**
 * The streams module: the `streams` node kind, the streams.* commands and the applications' part of
 * the snapshot. `streams.create` records the application (module bookkeeping, which no node reads)
 * and creates its internal topics through the cluster's own topic.create path, as Kafka Streams'
 * InternalTopicManager does; each `streams.start` adds an instance node that learns everything else
 * through its clients' RPCs.
 */
import { clusterModule } from '../cluster/module';
import { clusterView } from '../cluster/narration';
import { resolveConsumerConfig } from '../client/consumer-config';
import { resolveProducerConfig } from '../client/producer-config';
import { EngineError } from '../errors';
import type { Kernel, NodeRecord } from '../kernel/kernel';
import type { CommandHandler, EngineModule } from '../module';
import { internalTopics, tasksOf, transactionalId, type InternalTopic } from './app-layout';
import { streamsBehaviour } from './app-node';
import {
  resolveStreamsConfig,
  streamsNodeId,
  type StreamsConfig,
  type StreamsDurable,
  type StreamsVolatile,
} from './app-state';
import { appTopology } from './app-topology';
import type { StreamsAppSnapshot } from './app-types';
import { storeViews } from './store-view';
import { validateTopologySpec, type TopologySpec } from './topology-spec';

interface AppDef {
  app: string;
  spec: TopologySpec;
  config: StreamsConfig;
  consumerConfig: Record<string, string | number>;
  internal: InternalTopic[];
}

const NAME_RE = /^[A-Za-z0-9._-]{1,60}$/;

function apps(kernel: Kernel): Record<string, AppDef> {
  return ((kernel.state.shared.streamsApps as Record<string, AppDef> | undefined) ??= {});
}

type StreamsRecord = NodeRecord<StreamsDurable, StreamsVolatile>;

function instanceNode(kernel: Kernel, instance: string): StreamsRecord {
  const node = kernel.node(streamsNodeId(instance));
  if (!node || node.kind !== 'streams')
    throw new EngineError('UNKNOWN_NODE', `streams: no instance "${instance}" in this cluster.`);
  return node as StreamsRecord;
}

/** Consumer keys Kafka Streams lets through to its main consumer (the rest it sets itself). */
const CONSUMER_KEYS = ['session.timeout.ms', 'heartbeat.interval.ms'];

export const streamsModule: EngineModule = {
  name: 'streams',
  behaviours: { streams: streamsBehaviour },
  commands: {
    'streams.create': ((kernel, c, commandId) => {
      if (!NAME_RE.test(c.app))
        throw new EngineError(
          'INVALID_CONFIG',
          'application.id must be 1–60 letters, digits, ".", "_" or "-".',
        );
      if (apps(kernel)[c.app])
        throw new EngineError('DUPLICATE_NODE', `Application "${c.app}" already exists.`);
      validateTopologySpec(c.topology);
      const given = { ...(c.config ?? {}) };
      const consumerConfig: Record<string, string | number> = {};
      for (const k of CONSUMER_KEYS) {
        if (k in given) {
          consumerConfig[k] = given[k]!;
          delete given[k];
        }
      }
      const brokers = Object.values(kernel.state.nodes).filter((n) => n.kind === 'broker').length;
      const config = resolveStreamsConfig(given, brokers);
      resolveConsumerConfig(consumerConfig, c.app); // bad consumer keys fail now
      const topo = appTopology(c.topology, c.app);
      const image = clusterView(kernel.state.shared).image;
      const counts = (t: string) => image.topics[t]?.partitions.length;
      const internal = internalTopics(topo.graph, c.app, counts);
      const tasks = tasksOf(topo.graph, counts).map((t) => t.id);
      const create = clusterModule.commands!['topic.create'] as CommandHandler<'topic.create'>;
      const applies = internal
        .filter((t) => !image.topics[t.name])
        .map((t) =>
          create(
            kernel,
            {
              type: 'topic.create',
              topic: t.name,
              partitions: t.partitions,
              replicationFactor: config.replicationFactor,
              config: t.config,
            },
            commandId,
          ),
        );
      return () => {
        apps(kernel)[c.app] = { app: c.app, spec: c.topology, config, consumerConfig, internal };
        for (const apply of applies) apply();
        kernel.emit('streams.created', {
          app: c.app,
          guarantee: config.guarantee,
          internalTopics: internal.map((t) => t.name),
          tasks,
        });
      };
    }) as CommandHandler<'streams.create'>,

    'streams.start': ((kernel, c) => {
      const def = apps(kernel)[c.app];
      if (!def) throw new EngineError('UNKNOWN_NODE', `There is no application "${c.app}": create it first.`);
      if (!NAME_RE.test(c.instance)) throw new EngineError('INVALID_COMMAND', 'instance name is invalid.');
      const id = streamsNodeId(c.instance);
      if (kernel.node(id))
        throw new EngineError('DUPLICATE_NODE', `Instance "${c.instance}" already exists.`);
      const bootstrap = Object.values(kernel.state.nodes)
        .filter((n) => n.kind === 'broker')
        .map((n) => n.id);
      if (bootstrap.length === 0)
        throw new EngineError('INVALID_NODE_STATE', 'There is no broker to connect to.');
      const topo = appTopology(def.spec, def.app);
      const exactlyOnce = def.config.guarantee === 'exactly_once_v2';
      const client = `${c.instance}-StreamThread-1`;
      const isolation = exactlyOnce ? 'read_committed' : 'read_uncommitted';
      const durable: StreamsDurable = {
        app: def.app,
        instance: c.instance,
        spec: def.spec,
        config: def.config,
        consumer: {
          name: `${client}-consumer`,
          groupId: def.app,
          config: resolveConsumerConfig(
            {
              ...def.consumerConfig,
              'enable.auto.commit': false,
              'auto.offset.reset': 'earliest',
              'isolation.level': isolation,
              'max.poll.records': 1000,
            },
            def.app,
          ),
          bootstrap,
          subscription: [...new Set(topo.sources.flat())].sort(),
          manual: null,
          closed: false,
        },
        restore: {
          name: `${client}-restore-consumer`,
          groupId: null,
          config: resolveConsumerConfig(
            { 'auto.offset.reset': 'earliest', 'isolation.level': isolation, 'fetch.max.wait.ms': 50 },
            null,
          ),
          bootstrap,
          subscription: null,
          manual: null,
          closed: false,
        },
        producer: {
          name: `${client}-producer`,
          config: resolveProducerConfig(
            exactlyOnce
              ? {
                  'transactional.id': transactionalId(def.app, c.instance, 1),
                  'transaction.timeout.ms': 10000,
                }
              : { acks: 'all' },
          ),
          bootstrap,
        },
      };
      return () => kernel.addNode<StreamsDurable>(id, 'streams', durable);
    }) as CommandHandler<'streams.start'>,

    'streams.crash': ((kernel, c) => {
      const node = instanceNode(kernel, c.instance);
      if (!node.alive) throw new EngineError('INVALID_NODE_STATE', `${node.id} is already down.`);
      return () => kernel.crash(node.id);
    }) as CommandHandler<'streams.crash'>,

    'streams.restart': ((kernel, c) => {
      const node = instanceNode(kernel, c.instance);
      if (node.alive) throw new EngineError('INVALID_NODE_STATE', `${node.id} is running.`);
      return () => kernel.restart(node.id);
    }) as CommandHandler<'streams.restart'>,
  },
  snapshot(kernel, snap) {
    const defs = Object.values(apps(kernel));
    if (defs.length === 0) return;
    const nodes = Object.values(kernel.state.nodes).filter((n) => n.kind === 'streams') as StreamsRecord[];
    snap.streamsApps = defs.map((def): StreamsAppSnapshot => ({
      app: def.app,
      topology: def.spec,
      guarantee: def.config.guarantee,
      commitIntervalMs: def.config.commitIntervalMs,
      cacheMaxBytes: def.config.cacheMaxBytes,
      standbyReplicas: def.config.standbyReplicas,
      internalTopics: def.internal.map((t) => ({ name: t.name, kind: t.kind, partitions: t.partitions })),
      instances: nodes
        .filter((n) => n.durable.app === def.app)
        .map((n) => ({
          instance: n.durable.instance,
          node: n.id,
          alive: n.alive,
          generation: n.volatile?.generation ?? -1,
          committing: n.volatile?.commit != null,
          tasks: Object.values(n.volatile?.tasks ?? {}).map((t) => ({
            id: t.id,
            subtopology: t.subtopology,
            partition: t.partition,
            state: t.state,
            streamTimeMs: t.data.streamTimeMs,
            stats: Object.fromEntries(Object.entries(t.data.stats).map(([k, s]) => [k, { ...s }])),
            stores: storeViews(appTopology(n.durable.spec, def.app).graph, t.subtopology, t.data),
          })),
        })),
    }));
  },
};
