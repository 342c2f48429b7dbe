/**
 * What a safety sweep asks of consumers: who owns which partition in which generation. Within one
 * generation of a group no partition may belong to two members (reference §3.3; cooperative
 * rebalancing keeps this by moving a partition only after its old owner revoked it, §2.3).
 * Omniscient helpers for tests: they read node state directly.
 */
import { engineOf, type FacadeSimulation } from '../simulation';
import type { TopicPartition } from '../types';
import { consumerNodes } from './consumer-module';

export interface ConsumerOwnership {
  consumer: string;
  groupId: string;
  memberId: string;
  generation: number;
  /** The partitions the consumer holds now (its current assignment). */
  partitions: TopicPartition[];
}

/** Every live, subscribed consumer that is in a generation, with what it owns. */
export function groupOwnership(sim: FacadeSimulation): ConsumerOwnership[] {
  const out: ConsumerOwnership[] = [];
  for (const n of consumerNodes(engineOf(sim).kernel)) {
    const v = n.alive ? n.volatile : null;
    const g = v?.group;
    if (!v || !g || n.durable.closed || n.durable.subscription === null || g.generation < 0) continue;
    out.push({
      consumer: n.durable.name,
      groupId: n.durable.groupId!,
      memberId: g.memberId,
      // The generation whose SyncGroup handed out what the member holds. A member that joined a newer
      // generation (possibly at a zombie coordinator that cannot complete it) still holds the older
      // assignment until a sync succeeds or the generation is reset, as in Kafka.
      generation: g.lastAssignmentGeneration,
      partitions: Object.values(v.assigned).map((p) => ({ topic: p.topic, partition: p.partition })),
    });
  }
  return out;
}

/** A description of the first partition owned by two members of one group generation, or null. */
export function checkExclusiveOwnership(sim: FacadeSimulation): string | null {
  const owners = new Map<string, string>();
  for (const o of groupOwnership(sim)) {
    for (const tp of o.partitions) {
      const key = `${o.groupId}@${o.generation}/${tp.topic}-${tp.partition}`;
      const prev = owners.get(key);
      if (prev !== undefined) {
        return `${tp.topic}-${tp.partition} is owned by both ${prev} and ${o.consumer} in generation ${o.generation} of group ${o.groupId}`;
      }
      owners.set(key, o.consumer);
    }
  }
  return null;
}
