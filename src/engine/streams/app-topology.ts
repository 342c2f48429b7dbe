/**
 * What an instance needs to know about its topology, computed once per spec object (a WeakMap, so
 * a keyframe's copy simply computes it again): the processor graph, which sub-topology reads each
 * topic as named on the cluster, each sub-topology's changelogs, and live StreamTask wrappers over
 * the tasks' plain data (again keyed by the data object, never part of the state).
 */
import { changelogTopicName, internalTopicName } from './app-layout';
import { StreamTask, type TaskData, type TaskConfig } from './task';
import { buildTopology, type TopologyGraph } from './topology-builder';
import type { TopologySpec } from './topology-spec';

export interface AppTopology {
  graph: TopologyGraph;
  /** Cluster topic name → the sub-topology whose source reads it. */
  sourceSub: Map<string, number>;
  /** Per sub-topology: its source topics on the cluster, and its stores' changelog topics. */
  sources: string[][];
  changelogs: { store: string; topic: string }[][];
  /** Changelog topic → store. */
  storeOf: Map<string, string>;
  internal: Set<string>;
}

const topologies = new WeakMap<TopologySpec, Map<string, AppTopology>>();

export function appTopology(spec: TopologySpec, app: string): AppTopology {
  let perApp = topologies.get(spec);
  if (!perApp) topologies.set(spec, (perApp = new Map()));
  const hit = perApp.get(app);
  if (hit) return hit;
  const graph = buildTopology(spec);
  const internal = new Set(graph.repartitionTopics.map((t) => t.name));
  const onCluster = (t: string) => (internal.has(t) ? internalTopicName(app, t) : t);
  const sourceSub = new Map<string, number>();
  const sources: string[][] = [];
  const changelogs: { store: string; topic: string }[][] = [];
  const storeOf = new Map<string, string>();
  graph.subtopologies.forEach((members, sub) => {
    const nodes = graph.nodes.filter((n) => members.includes(n.name));
    const topics = nodes.filter((n) => n.kind === 'source').flatMap((n) => n.topics.map(onCluster));
    for (const t of topics) sourceSub.set(t, sub);
    sources.push(topics);
    const stores = [...new Set(nodes.flatMap((n) => n.stores))];
    changelogs.push(
      stores.map((store) => {
        const topic = changelogTopicName(app, store);
        storeOf.set(topic, store);
        return { store, topic };
      }),
    );
  });
  const t: AppTopology = {
    graph,
    sourceSub,
    sources,
    changelogs,
    storeOf,
    internal: new Set([...internal].map((n) => internalTopicName(app, n))),
  };
  perApp.set(app, t);
  return t;
}

const tasks = new WeakMap<TaskData, StreamTask>();

/** The StreamTask over `data` (built once per data object; a restored keyframe builds its own). */
export function streamTask(
  topo: AppTopology,
  app: string,
  cacheMaxBytes: number,
  subtopology: number,
  partition: number,
  data: TaskData,
): StreamTask {
  let t = tasks.get(data);
  if (!t) {
    const internal = new Set(topo.graph.repartitionTopics.map((r) => r.name));
    const config: TaskConfig = {
      cacheMaxBytes,
      internalTopic: (name) => (internal.has(name) ? internalTopicName(app, name) : name),
    };
    t = new StreamTask(topo.graph, subtopology, partition, config, data);
    tasks.set(data, t);
  }
  return t;
}

export function newTaskData(): TaskData {
  return { streamTimeMs: -1, stats: {}, processors: {} };
}
