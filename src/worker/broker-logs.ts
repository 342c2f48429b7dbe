/**
 * Where the partition logs sit in the engine's state: each broker's durable `logs`, by
 * `topic-partition` (src/engine/cluster/broker-state.ts). The keyframes and the IndexedDB mirror
 * read them from here, and only from here, so a change of that layout is one edit.
 */
import type { BrokerDurable } from '../engine/cluster/broker-state';
import type { PartitionLog } from '../engine/cluster/partition-log';
import type { KernelState } from '../engine/kernel/kernel';
import { logId, type LogId } from '../engine/storage/log-store';

export interface BrokerLog {
  id: LogId;
  node: string;
  key: string;
  log: PartitionLog;
}

/** Every replica log in the state, in node then partition order. */
export function brokerLogs(state: KernelState): BrokerLog[] {
  const out: BrokerLog[] = [];
  for (const node of Object.values(state.nodes)) {
    if (node.kind !== 'broker') continue;
    const logs = (node.durable as BrokerDurable).logs;
    for (const key of Object.keys(logs))
      out.push({ id: logId(node.id, key), node: node.id, key, log: logs[key]! });
  }
  return out;
}

export function findLog(state: KernelState, node: string, key: string): PartitionLog | undefined {
  const record = state.nodes[node];
  return record?.kind === 'broker' ? (record.durable as BrokerDurable).logs[key] : undefined;
}
