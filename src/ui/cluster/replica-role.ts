/** A replica's part in its partition, as the diagram and the inspector name it. */
import type { PartitionSnapshot } from '../../engine';

export type ReplicaRole = 'leader' | 'in-sync' | 'out-of-isr';

export function replicaRole(p: PartitionSnapshot, broker: number): ReplicaRole {
  if (p.leader === broker) return 'leader';
  return p.isr.includes(broker) ? 'in-sync' : 'out-of-isr';
}

export const ROLE_TEXT: Record<ReplicaRole, string> = {
  leader: 'leader',
  'in-sync': 'follower, in sync',
  'out-of-isr': 'follower, out of the ISR',
};
