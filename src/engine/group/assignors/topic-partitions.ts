/** Small helpers for (topic, partition) pairs that the assignors share. */
import { JavaHashSet, javaStringHashCode } from '../java-hash';
import type { TopicPartition } from './types';

/** A Map/Set key; the partition number comes first so no topic name can make two keys collide. */
export function tpKey(tp: TopicPartition): string {
  return `${tp.partition}:${tp.topic}`;
}

/** Java's `String.compareTo`: UTF-16 code units, which is also what JS `<` compares. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byTopicThenPartition(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

export function byPartitionThenTopic(a: TopicPartition, b: TopicPartition): number {
  return a.partition - b.partition || compareStrings(a.topic, b.topic);
}

/** `TopicPartition.hashCode`: 31 * (31 + partition) + topic.hashCode(), as Java ints. */
export function javaTopicPartitionHash(tp: TopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}

/** A `HashSet<TopicPartition>` that iterates in Java's order. */
export function newTopicPartitionHashSet(): JavaHashSet<TopicPartition> {
  return new JavaHashSet<TopicPartition>(javaTopicPartitionHash, tpKey);
}

/** Partitions 0..count-1 of `topic`. */
export function partitionsOf(topic: string, count: number): TopicPartition[] {
  return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
}

/** Removes the first element equal to `tp` (Java's `List.remove(Object)`); true if one was there. */
export function removeFirst(list: TopicPartition[], tp: TopicPartition): boolean {
  const i = list.findIndex((x) => x.partition === tp.partition && x.topic === tp.topic);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}
