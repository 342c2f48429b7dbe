/**
 * Compact notation for assignor tests and examples: "t1-0, t1-2" ⇄ [{topic:'t1',partition:0}, ...].
 * The partition number follows the last '-', so topic names may contain dashes.
 */
import type { GroupAssignment, TopicPartition } from './types';

export function tps(spec: string): TopicPartition[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const dash = s.lastIndexOf('-');
      return { topic: s.slice(0, dash), partition: Number(s.slice(dash + 1)) };
    });
}

export function tpNames(list: readonly TopicPartition[]): string[] {
  return list.map((tp) => `${tp.topic}-${tp.partition}`);
}

/** Member → "topic-partition" names, in the assignor's order. */
export function named(assignment: GroupAssignment): Record<string, string[]> {
  return Object.fromEntries(Object.entries(assignment).map(([m, list]) => [m, tpNames(list)]));
}

/** Member → names sorted, for results whose order within a member is not meaningful. */
export function namedSorted(assignment: GroupAssignment): Record<string, string[]> {
  return Object.fromEntries(Object.entries(named(assignment)).map(([m, list]) => [m, [...list].sort()]));
}
