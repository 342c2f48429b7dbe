/**
 * Standby tasks (`num.standby.replicas`): warm copies of a task's state stores on an instance that
 * is not running it. A standby task never processes input; it keeps reading its stores' changelogs
 * through the restore consumer and applies them (Kafka's StandbyTask, updated by the
 * StoreChangelogReader in its standby mode). When a rebalance then makes the instance the task's
 * active owner, restoration starts from where the standby already is: little or nothing to read.
 *
 * Simplified against Kafka: Kafka's StreamsPartitionAssignor, on the group leader, places each
 * task's `num.standby.replicas` standbys on distinct other instances and ships them in the
 * assignment's userData. Our classic group protocol carries no userData, so each instance decides
 * for itself: with `num.standby.replicas` ≥ 1 it keeps a standby of every stateful task it is not
 * active for. With two instances this is exactly Kafka's placement; with more it keeps more copies
 * than Kafka would (one per other instance).
 */
import type { StreamsNode, TaskRuntime } from './app-state';
import { tasksOf } from './app-layout';
import { appTopology, newTaskData } from './app-topology';

/** A fresh task runtime (state `restoring` for an active task, `standby` for a warm copy). */
export function newTaskRuntime(
  self: StreamsNode,
  id: string,
  subtopology: number,
  partition: number,
  state: 'restoring' | 'standby',
): TaskRuntime {
  const topo = appTopology(self.durable.spec, self.durable.app);
  return {
    id,
    subtopology,
    partition,
    state,
    data: newTaskData(),
    changelogs: topo.changelogs[subtopology]!.map((c) => ({
      topic: c.topic,
      partition,
      store: c.store,
      fromOffset: -1,
      done: false,
    })),
    restored: 0,
    queue: [],
    consumed: {},
    committed: {},
    dirty: false,
  };
}

/**
 * The standby tasks this instance should keep besides its active ones: every task of a sub-topology
 * with state stores, not active here. Partition counts come from the main consumer's metadata (as
 * the assignor's do); while some are unknown there are no standbys yet.
 */
export function standbyTasks(
  self: StreamsNode,
  active: ReadonlySet<string>,
): { id: string; subtopology: number; partition: number }[] {
  if (self.durable.config.standbyReplicas <= 0) return [];
  const topo = appTopology(self.durable.spec, self.durable.app);
  const topics = self.volatile.consumer.topics;
  // Asked for user topics only: repartition topics take the count of the sub-topology writing them.
  const counts = (t: string) => {
    const n = topics[t]?.numPartitions ?? -1;
    return n > 0 ? n : undefined;
  };
  let all: { id: string; subtopology: number; partition: number }[];
  try {
    all = tasksOf(topo.graph, counts);
  } catch {
    return []; // a source topic's partition count is not known yet
  }
  return all.filter((t) => !active.has(t.id) && topo.changelogs[t.subtopology]!.length > 0);
}
