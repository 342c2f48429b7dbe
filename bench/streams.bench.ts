/**
 * Stream processing on the simulated cluster (issue 17): records/s through a 3-operator windowed
 * aggregation (groupByKey → windowedBy(tumbling 60 s) + count → toStream → to) run by one streams
 * instance with real clients, changelog and output writes included. The baseline is the produce
 * path alone in the same run: the same records produced and acknowledged (acks=all, RF=3).
 */
import { performance } from 'node:perf_hooks';
import { createSimulation, type Simulation } from '../src/engine/index';
import { enqueueRecords } from '../src/engine/testing/bench-kit';
import { report } from './measure';

const RECORDS = 20_000;
const PARTITIONS = 4;

function cluster(): Simulation {
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
  for (const topic of ['purchases', 'counts'])
    sim.dispatch({ type: 'topic.create', topic, partitions: PARTITIONS, replicationFactor: 3 });
  sim.dispatch({ type: 'producer.create', producer: 'load', config: { acks: 'all', 'linger.ms': 5 } });
  sim.runFor(2000);
  return sim;
}

const records = Array.from({ length: RECORDS }, (_, i) => ({ key: `user-${i % 500}`, value: '1' }));

/** Produce every record and wait for the acknowledgements; returns the wall ms taken. */
function produce(sim: Simulation): number {
  const start = performance.now();
  for (let i = 0; i < RECORDS; i += 5000) {
    enqueueRecords(sim, 'load', 'purchases', records.slice(i, i + 5000));
    sim.runFor(50);
  }
  for (let guard = 0; guard < 10_000 && sim.snapshot().producers[0]!.acked < RECORDS; guard++)
    sim.runFor(100);
  if (sim.snapshot().producers[0]!.acked !== RECORDS) throw new Error('not every record was acknowledged');
  return performance.now() - start;
}

/** The input already in the log, one instance processes all of it; returns the wall ms taken. */
function processAll(): number {
  const sim = cluster();
  produce(sim);
  sim.dispatch({
    type: 'streams.create',
    app: 'bench',
    topology: {
      steps: [
        { id: 'in', op: 'stream', topic: 'purchases' },
        { id: 'g', op: 'groupByKey', from: 'in' },
        { id: 'w', op: 'windowedBy', from: 'g', windows: { type: 'tumbling', sizeMs: 60_000, graceMs: 0 } },
        { id: 'count', op: 'aggregate', from: 'w', kind: 'count', store: 'counts' },
        { id: 'out', op: 'toStream', from: 'count' },
        { id: 'to', op: 'to', from: 'out', topic: 'counts' },
      ],
    },
    config: { 'commit.interval.ms': 1000 },
  });
  sim.runFor(500);
  const since = sim.events().at(-1)!.seq;
  const start = performance.now();
  sim.dispatch({ type: 'streams.start', app: 'bench', instance: 'a' });
  let processed = 0;
  let seq = since;
  for (let guard = 0; guard < 2000 && processed < RECORDS; guard++) {
    sim.runFor(100);
    for (const e of sim.events(seq)) if (e.type === 'streams.processed') processed += e.records;
    seq = sim.events().at(-1)!.seq;
  }
  if (processed !== RECORDS) throw new Error(`only ${processed} of ${RECORDS} records were processed`);
  // And the commit that sends what the cache held and commits the offsets.
  sim.runUntil((s) => s.events(seq).some((e) => e.type === 'streams.committed'), 5000);
  return performance.now() - start;
}

export function benchStreams(): void {
  produce(cluster()); // warm-up
  const baselineMs = Math.min(produce(cluster()), produce(cluster()));
  const ms = Math.min(processAll(), processAll());
  report(
    'streams: windowed count (3 operators) on the cluster',
    (RECORDS / ms) * 1000,
    (RECORDS / baselineMs) * 1000,
    'records/s',
  );
}
