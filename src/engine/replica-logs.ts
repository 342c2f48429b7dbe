/**
 * Where the partition logs sit in the engine's state: each broker's durable `logs`, by
 * `topic-partition` (cluster/broker-state.ts). Checkpoints and the facade's `replicaLogs()` (which
 * the worker's IndexedDB mirror reads) find them here, and only here, so a change of that layout
 * is one edit.
 */
import type { BrokerDurable } from './cluster/broker-state';
import type { PartitionLog } from './cluster/partition-log';
import type { KernelState } from './kernel/kernel';
import { logId, type LogId } from './storage/log-store';

/** One replica's log, live: read it, never change it (the engine owns it). */
export interface ReplicaLog {
  id: LogId;
  node: string;
  key: string;
  log: PartitionLog;
}

/** Every replica log in the state, in node then partition order. */
export function replicaLogsOf(state: KernelState): ReplicaLog[] {
  const out: ReplicaLog[] = [];
  for (const node of Object.values(state.nodes)) {
    if (node.kind !== 'broker') continue;
    const logs = (node.durable as BrokerDurable).logs;
    for (const key of Object.keys(logs))
      out.push({ id: logId(node.id, key), node: node.id, key, log: logs[key]! });
  }
  return out;
}
