/**
 * Simulated acks=all produce throughput (issue "Produce path"): a 3-broker cluster, RF=3, 12
 * partitions, 100-byte values, virtual time fast-forwarded. The baseline is the same records
 * appended to plain per-partition arrays after murmur2 partitioning, measured in the same run.
 */
import { performance } from 'node:perf_hooks';
import { createSimulation, partitionForKey } from '../src/engine/index';
import { enqueueRecords } from '../src/engine/testing/bench-kit';
import { report } from './measure';

const RECORDS = 200_000;
const PARTITIONS = 12;

function makeRecords(): { key: string; value: string }[] {
  const value = 'x'.repeat(100);
  return Array.from({ length: RECORDS }, (_, i) => ({ key: `user-${i % 5000}`, value }));
}

function baselineRun(records: { key: string; value: string }[]): number {
  const start = performance.now();
  const arrays: { key: string; value: string; offset: number }[][] = Array.from(
    { length: PARTITIONS },
    () => [],
  );
  for (const r of records) {
    const arr = arrays[partitionForKey(r.key, PARTITIONS)]!;
    arr.push({ key: r.key, value: r.value, offset: arr.length });
  }
  return performance.now() - start;
}

function simulatedRun(records: { key: string; value: string }[]): {
  ms: number;
  acked: number;
  virtualMs: number;
} {
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  sim.dispatch({ type: 'topic.create', topic: 'bench', partitions: PARTITIONS, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  sim.runFor(2000);
  const startVirtual = sim.now();
  const start = performance.now();
  const chunk = 20_000;
  for (let i = 0; i < records.length; i += chunk) {
    enqueueRecords(sim, 'load', 'bench', records.slice(i, i + chunk));
    sim.runFor(50);
  }
  let acked = 0;
  for (let guard = 0; guard < 10_000 && acked < records.length; guard++) {
    sim.runFor(100);
    acked = sim.snapshot().producers[0]!.acked;
  }
  return { ms: performance.now() - start, acked, virtualMs: sim.now() - startVirtual };
}

export function benchProduce(): void {
  const records = makeRecords();
  baselineRun(records); // warm-up
  simulatedRun(records.slice(0, 20_000));
  const baselineMs = Math.min(baselineRun(records), baselineRun(records), baselineRun(records));
  const runs = [simulatedRun(records), simulatedRun(records)];
  const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
  if (best.acked !== RECORDS) throw new Error(`only ${best.acked} of ${RECORDS} records were acknowledged`);
  report(
    'produce acks=all RF=3 12 partitions',
    (RECORDS / best.ms) * 1000,
    (RECORDS / baselineMs) * 1000,
    'records/s',
  );
  console.log(
    `  (${RECORDS} records acknowledged in ${best.virtualMs} virtual ms, ${best.ms.toFixed(0)} wall ms)`,
  );
}
