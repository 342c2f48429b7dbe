/**
 * A read-process-write pipeline under random faults, for the transactions sweep. The "application"
 * lives in this harness (the engine simulates clients, not their business logic) and follows the
 * exactly-once recipe: initTransactions, then poll with a read_committed consumer; per batch begin,
 * send `out:<input>` for each input, sendOffsetsToTransaction, commit; on any failure the
 * application dies and starts over (initTransactions first, then the consumer from its committed
 * offsets). Brokers and controllers crash, restart and get partitioned at random, and so does the
 * application. A read_committed auditor reads the output topic throughout.
 */
import type { ProducerNode } from '../client/producer-state';
import { isEngineError } from '../errors';
import { deriveStream, nextInt } from '../kernel/prng';
import { engineOf, type FacadeSimulation } from '../simulation';
import type { Command, LogRecord, ProducerTransactionState } from '../types';
import { randomFault } from './fuzz';
import { cluster, untilReady } from './scenario';
import { checkExactlyOnce, checkReadCommitted } from './txn-invariants';

export interface PipelineResult {
  sim: FacadeSimulation;
  violation: string | null;
  /** Committed transactions, aborted ones, app crashes, committed outputs. */
  stats: {
    commits: number;
    aborts: number;
    appCrashes: number;
    outputs: number;
    inputs: number;
    processed: number;
  };
}

const TICK_MS = 50;

function tryDispatch(sim: FacadeSimulation, c: Command): void {
  try {
    sim.dispatch(c);
  } catch (e) {
    if (!isEngineError(e)) throw e;
  }
}

function txnState(sim: FacadeSimulation, producer: string): ProducerTransactionState | null {
  const n = engineOf(sim).kernel.node(`producer:${producer}`) as ProducerNode | undefined;
  if (!n?.alive) return null;
  return n.volatile?.txn?.state ?? null;
}

/** The log of the partition's current leader (or null when it has none). */
function leaderLog(sim: FacadeSimulation, topic: string, partition: number): LogRecord[] | null {
  const p = sim.snapshot().topics.find((t) => t.name === topic)?.partitions[partition];
  if (!p || p.leader < 0) return null;
  try {
    return sim.readLog(p.leader, topic, partition);
  } catch {
    return null;
  }
}

export function runPipeline(seed: number, inputs = 30): PipelineResult {
  const sim = untilReady(
    cluster(seed, {
      brokers: 3,
      brokerConfig: {
        'transaction.state.log.num.partitions': 2,
        'offsets.topic.num.partitions': 2,
        'transaction.abort.timed.out.transaction.cleaner.interval.ms': 1000,
      },
    }),
  );
  for (const topic of ['in', 'out']) {
    sim.dispatch({
      type: 'topic.create',
      topic,
      partitions: 2,
      replicationFactor: 3,
      config: { 'min.insync.replicas': 2 },
    });
  }
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'src', config: { 'request.timeout.ms': 3000 } });
  sim.dispatch({
    type: 'producer.create',
    producer: 'tp',
    config: {
      'transactional.id': 'pipe',
      'transaction.timeout.ms': 5000,
      'request.timeout.ms': 3000,
      'delivery.timeout.ms': 10000,
    },
  });
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'audit',
    config: { 'isolation.level': 'read_committed', 'auto.offset.reset': 'earliest' },
  });
  sim.dispatch({
    type: 'consumer.assign',
    consumer: 'audit',
    partitions: [
      { topic: 'out', partition: 0 },
      { topic: 'out', partition: 1 },
    ],
  });
  const rng = deriveStream(seed, 'txn-pipeline');
  const eager = seed % 2 === 0;
  const topics = { n: 0 };
  const stats = { commits: 0, aborts: 0, appCrashes: 0, outputs: 0, inputs: 0, processed: 0 };
  const app = {
    phase: 'starting' as 'starting' | 'running' | 'down',
    restartAtMs: 0,
    consumerCreated: false,
    inTxn: false,
    pending: [] as { topic: string; partition: number; offset: number; value: string | null }[],
  };
  let seen = sim.events().at(-1)?.seq ?? 0;
  let sent = 0;
  let violation: string | null = null;

  const crashApp = () => {
    tryDispatch(sim, { type: 'node.crash', node: 'producer:tp' });
    if (app.consumerCreated) tryDispatch(sim, { type: 'node.crash', node: 'consumer:proc' });
    app.phase = 'down';
    // An eager application comes straight back (a supervisor restarts it at once).
    app.restartAtMs = sim.now() + (eager ? nextInt(rng, 60) : 300 + nextInt(rng, 2500));
    app.inTxn = false;
    app.pending = [];
    stats.appCrashes++;
  };

  const tick = (faults: boolean) => {
    sim.runFor(TICK_MS);
    const events = sim.events(seen);
    seen += events.length;
    for (const e of events) {
      if (e.type === 'consumer.received' && e.consumer === 'proc' && app.phase !== 'down') {
        app.pending.push(...e.records);
      } else if (e.type === 'consumer.received' && e.consumer === 'audit') {
        violation ??= checkReadCommitted('audit', e.records, (t, p) => leaderLog(sim, t, p));
      } else if (e.type === 'producer.transactionCommitted' && e.producer === 'tp') {
        app.inTxn = false;
        stats.commits++;
      } else if (e.type === 'transaction.aborted') {
        stats.aborts++; // by the application, by the timeout, or by fencing a crashed instance
      } else if (e.type === 'producer.transactionAborted' && e.producer === 'tp') {
        if (app.phase === 'running') crashApp(); // the records of the aborted batch must be read again
      }
    }
    if (app.phase === 'down' && sim.now() >= app.restartAtMs) {
      tryDispatch(sim, { type: 'node.restart', node: 'producer:tp' });
      // An eager application polls before initTransactions is done: its consumer must then be
      // kept from reading offsets of a transaction still pending (UNSTABLE_OFFSET_COMMIT).
      if (eager && app.consumerCreated) tryDispatch(sim, { type: 'node.restart', node: 'consumer:proc' });
      app.phase = 'starting';
    }
    if (app.phase === 'starting' && txnState(sim, 'tp') === 'READY') {
      // initTransactions is done (any transaction of an older instance is complete): now poll.
      if (!app.consumerCreated) {
        sim.dispatch({
          type: 'consumer.create',
          consumer: 'proc',
          groupId: 'pipe',
          config: {
            'isolation.level': 'read_committed',
            'auto.offset.reset': 'earliest',
            'enable.auto.commit': false,
          },
        });
        sim.dispatch({
          type: 'consumer.assign',
          consumer: 'proc',
          partitions: [
            { topic: 'in', partition: 0 },
            { topic: 'in', partition: 1 },
          ],
        });
        app.consumerCreated = true;
      } else if (!eager) tryDispatch(sim, { type: 'node.restart', node: 'consumer:proc' });
      app.phase = 'running';
    }
    const state = txnState(sim, 'tp');
    if (app.phase === 'running' && (state === 'FENCED' || state === 'ABORTABLE_ERROR')) crashApp();
    if (app.phase === 'running' && !app.inTxn && app.pending.length > 0 && state === 'READY') {
      sim.dispatch({ type: 'producer.beginTransaction', producer: 'tp' });
      const next: Record<string, { topic: string; partition: number; offset: number }> = {};
      for (const r of app.pending) {
        sim.dispatch({
          type: 'producer.send',
          producer: 'tp',
          topic: 'out',
          key: r.value,
          value: `out:${r.value}`,
        });
        next[r.partition] = { topic: 'in', partition: r.partition, offset: r.offset + 1 };
      }
      sim.dispatch({
        type: 'producer.sendOffsetsToTransaction',
        producer: 'tp',
        groupId: 'pipe',
        offsets: Object.values(next),
      });
      sim.dispatch({ type: 'producer.commitTransaction', producer: 'tp' });
      app.pending = [];
      app.inTxn = true;
      if (faults && nextInt(rng, 5) === 0) {
        // Die while the commit is on its way: the decision may or may not have been made.
        sim.runFor(1 + nextInt(rng, 20));
        crashApp();
      }
    }
    if (!faults) return;
    if (sent < inputs && nextInt(rng, 3) === 0) {
      tryDispatch(sim, {
        type: 'producer.send',
        producer: 'src',
        topic: 'in',
        key: `k${sent}`,
        value: `i${sent}`,
      });
      sent++;
    }
    const roll = nextInt(rng, 100);
    if (roll < 2) {
      const fault = randomFault(sim, rng, topics);
      if (fault) tryDispatch(sim, fault);
    } else if (roll < 4 && app.phase === 'running') crashApp();
  };

  for (let t = 0; t < 30_000 / TICK_MS && !violation; t++) tick(true);
  tryDispatch(sim, { type: 'network.heal' } as Command);
  for (const n of sim.snapshot().nodes) {
    if (!n.alive && (n.kind === 'broker' || n.kind === 'controller'))
      tryDispatch(sim, { type: 'node.restart', node: n.id });
  }
  for (let t = 0; t < 40_000 / TICK_MS && !violation; t++) tick(false);
  if (violation) return { sim, violation, stats };

  // Exactly once, over the settled logs.
  const inputRecords = [0, 1].flatMap((p) =>
    (leaderLog(sim, 'in', p) ?? []).filter((r) => !r.control).map((r) => ({ ...r, partition: p })),
  );
  const committed: Record<number, number> = {};
  for (const o of sim.snapshot().groups.find((g) => g.groupId === 'pipe')?.offsets ?? []) {
    if (o.topic === 'in') committed[o.partition] = o.offset;
  }
  const outputs = [0, 1].map((p) => leaderLog(sim, 'out', p) ?? []);
  violation = checkExactlyOnce(inputRecords, committed, outputs);
  const audited = sim
    .events()
    .filter((e) => e.type === 'consumer.received' && e.consumer === 'audit')
    .flatMap((e) => (e.type === 'consumer.received' ? e.records : []));
  violation ??= checkReadCommitted('audit', audited, (t, p) => leaderLog(sim, t, p));
  stats.inputs = inputRecords.length;
  stats.processed = inputRecords.filter((r) => r.offset < (committed[r.partition] ?? 0)).length;
  stats.outputs = outputs.reduce((n, log) => n + log.filter((r) => r.value?.startsWith('out:')).length, 0);
  return { sim, violation, stats };
}
