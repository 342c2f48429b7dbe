/**
 * The guarantee checker's results as the worker reports them with each batch: the findings (sent
 * only when they change), Kafka's metrics and the partitions the offset grid can show. Always
 * connected, so a view opened later still has the current findings.
 */
import type { Finding } from '../../engine';
import type { Batch } from '../../bridge/protocol';
import type { MetricRow } from '../../bridge/session-reports';

export class GuaranteeFeed {
  findings = $state.raw<Finding[]>([]);
  metrics = $state.raw<MetricRow[]>([]);
  partitions = $state.raw<{ topic: string; partition: number }[]>([]);
  /** Bumped with every batch: the grid refetches when it is shown. */
  version = $state(0);

  connect(source: { onBatch(listener: (batch: Batch) => void): () => void }): () => void {
    return source.onBatch((batch) => this.apply(batch));
  }

  apply(batch: Batch): void {
    const g = batch.guarantees;
    if (!g) return;
    if (g.findings) this.findings = g.findings;
    this.metrics = g.metrics;
    if (!samePartitions(this.partitions, g.partitions)) this.partitions = g.partitions;
    this.version++;
  }

  get violations(): number {
    return this.findings.filter((f) => f.verdict === 'violation').length;
  }
}

function samePartitions(
  a: { topic: string; partition: number }[],
  b: { topic: string; partition: number }[],
) {
  return (
    a.length === b.length && a.every((x, i) => x.topic === b[i]?.topic && x.partition === b[i]?.partition)
  );
}
