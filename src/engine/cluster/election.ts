/**
 * Partition leader election, as the KRaft controller's PartitionChangeBuilder does it
 * (reference §4.5). Pure: the caller says which brokers are acceptable (registered, unfenced).
 */
export type ElectionType = 'ONLINE' | 'UNCLEAN' | 'PREFERRED';

export interface ElectionInput {
  replicas: readonly number[];
  isr: readonly number[];
  /** Current leader, -1 for none. */
  leader: number;
}

export interface ElectionResult {
  /** -1 when no replica can lead. */
  leader: number;
  /** True when the leader was taken from outside the ISR (unclean election). */
  unclean: boolean;
}

export function electLeader(
  p: ElectionInput,
  type: ElectionType,
  acceptable: (broker: number) => boolean,
): ElectionResult {
  const valid = (b: number) => p.isr.includes(b) && acceptable(b);
  if (type === 'PREFERRED') {
    const preferred = p.replicas[0];
    if (preferred !== undefined && valid(preferred)) return { leader: preferred, unclean: false };
  }
  // ONLINE: keep a valid leader, else the first valid replica in replica order.
  if (p.leader !== -1 && valid(p.leader)) return { leader: p.leader, unclean: false };
  const online = p.replicas.find(valid);
  if (online !== undefined) return { leader: online, unclean: false };
  if (type === 'UNCLEAN') {
    const any = p.replicas.find(acceptable);
    if (any !== undefined) return { leader: any, unclean: true };
  }
  return { leader: -1, unclean: false };
}
