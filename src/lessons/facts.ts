/**
 * Small pure helpers lessons build their facts, reveals and checks from. They read the snapshot
 * and the event history only: no engine objects, no time.
 */
import type { ClusterSnapshot, Command, EngineEvent, EventOf, EventType } from '../engine';

/** The quorum has a leader and every live broker is registered and unfenced. */
export function clusterReady(snapshot: ClusterSnapshot): boolean {
  return (
    snapshot.quorum.leader !== null &&
    snapshot.brokers.length > 0 &&
    snapshot.brokers.every((b) => !b.alive || b.state === 'unfenced')
  );
}

/**
 * Every topic the setup creates exists with a leader for each partition, and every live broker has
 * applied the metadata that says so (a client asking any broker then sees the topic: a consumer
 * that subscribed earlier would get an assignment without it).
 */
export function setupTopicsExist(setup: readonly Command[]): (snapshot: ClusterSnapshot) => boolean {
  const names = setup.flatMap((c) => (c.type === 'topic.create' ? [c.topic] : []));
  return (snapshot) =>
    snapshot.brokers.every((b) => !b.alive || (b.metadataOffset ?? -1) >= snapshot.quorum.committedOffset) &&
    names.every((name) => {
      const topic = snapshot.topics.find((t) => t.name === name);
      return !!topic && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0);
    });
}

export function topicOf(snapshot: ClusterSnapshot, name: string) {
  return snapshot.topics.find((t) => t.name === name);
}

export function partitionOf(snapshot: ClusterSnapshot, topic: string, partition: number) {
  return topicOf(snapshot, topic)?.partitions.find((p) => p.partition === partition);
}

/** The leader replica's state of a partition (its log end and high watermark). */
export function leaderReplica(snapshot: ClusterSnapshot, topic: string, partition: number) {
  const p = partitionOf(snapshot, topic, partition);
  return p?.replicaStates.find((r) => r.broker === p.leader);
}

export function eventsOf<K extends EventType>(events: readonly EngineEvent[], type: K): EventOf<K>[] {
  return events.filter((e): e is EventOf<K> => e.type === type);
}

/** Node ids of the brokers, `broker-1..N`. */
export function brokerNodes(snapshot: ClusterSnapshot): string[] {
  return snapshot.brokers.map((b) => b.node);
}

/** User topics (not `__consumer_offsets` and other internal topics). */
export function userTopics(snapshot: ClusterSnapshot) {
  return snapshot.topics.filter((t) => !t.name.startsWith('__'));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function list(items: readonly (string | number)[]): string {
  const words = items.map(String);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * Sends accepted in `events` paired with their acknowledgement or failure (if any yet): key,
 * value, partition and offset. Only sends whose `command.accepted` is in `events` count, so a
 * step can ask about its own sends and not earlier ones still being acknowledged.
 */
export function sendsIn(events: readonly EngineEvent[]) {
  const sends = new Map<
    number,
    {
      producer: string;
      topic: string;
      key: string | null;
      value: string;
      partition?: number;
      offset?: number;
      error?: string;
    }
  >();
  for (const e of events) {
    if (e.type === 'command.accepted' && e.command.type === 'producer.send') {
      const { producer, topic, key, value } = e.command;
      sends.set(e.commandId, { producer, topic, key, value });
    } else if (e.type === 'producer.acked') {
      const send = sends.get(e.commandId);
      if (send) Object.assign(send, { partition: e.partition, offset: e.offset });
    } else if (e.type === 'producer.failed') {
      const send = sends.get(e.commandId);
      if (send) send.error = e.error;
    }
  }
  return [...sends.values()];
}
