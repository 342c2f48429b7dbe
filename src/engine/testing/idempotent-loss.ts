/**
 * The lost-responses run for the idempotent producer (issue 13): a producer with the default
 * `enable.idempotence` sends a steady stream of records to one partition while most of the
 * leaders' answers to it are lost for a few seconds; then the links are clean again. Afterwards
 * every record must be in the log exactly once, in send order, and acknowledged.
 */
import { deriveStream, nextInt } from '../kernel/prng';
import type { Simulation } from '../simulation';
import { healEverything } from './convergence';
import { cluster, untilReady } from './scenario';

export interface IdempotentLossResult {
  problem: string | null;
  sent: number;
  acked: number;
  sim: Simulation;
}

const TOPIC = 'orders';

export function idempotentLossRun(
  seed: number,
  opts: { lossRate?: number; lossyMs?: number; settleMs?: number } = {},
): IdempotentLossResult {
  const lossRate = opts.lossRate ?? 0.7;
  const lossyMs = opts.lossyMs ?? 4000;
  const sim = untilReady(cluster(seed, { brokers: 3 }));
  sim.dispatch({ type: 'topic.create', topic: TOPIC, partitions: 1, replicationFactor: 3 });
  sim.dispatch({
    type: 'producer.create',
    producer: 'p',
    config: { 'linger.ms': 0, 'request.timeout.ms': 1000, 'delivery.timeout.ms': 120_000 },
  });
  sim.runFor(1000);
  const rng = deriveStream(seed, 'idempotent-loss');
  let sent = 0;
  const send = () => {
    sim.dispatch({
      type: 'producer.send',
      producer: 'p',
      topic: TOPIC,
      key: null,
      value: `v${sent++}`,
      partition: 0,
    });
  };
  // Heavy loss on every broker's answers to the producer, with records still being sent.
  for (let b = 1; b <= 3; b++) {
    sim.dispatch({ type: 'link.configure', from: `broker-${b}`, to: 'producer:p', lossRate });
  }
  const lossyEnd = sim.now() + lossyMs;
  while (sim.now() < lossyEnd) {
    send();
    sim.runFor(5 + nextInt(rng, 40));
  }
  healEverything(sim);
  for (let i = 0; i < 20; i++) {
    send();
    sim.runFor(10);
  }
  sim.runFor(opts.settleMs ?? 30_000);
  const acked = sim.events().filter((e) => e.type === 'producer.acked').length;
  return { problem: checkExactlyOnceInOrder(sim, sent), sent, acked, sim };
}

/** Every value v0..v(sent-1) in the leader's log once, in order, and acknowledged at its offset. */
export function checkExactlyOnceInOrder(sim: Simulation, sent: number): string | null {
  const p = sim.snapshot().topics.find((t) => t.name === TOPIC)?.partitions[0];
  if (!p || p.leader < 0) return 'the partition has no leader';
  const values = sim.readLog(p.leader, TOPIC, 0).map((r) => r.value);
  const expected = Array.from({ length: sent }, (_, i) => `v${i}`);
  for (let i = 0; i < Math.max(values.length, sent); i++) {
    if (values[i] !== expected[i]) {
      const stuck = sim
        .events()
        .filter((e) => e.type === 'producer.retryScheduled')
        .slice(-1)[0];
      return `log differs at offset ${i}: ${values[i] ?? 'missing'} instead of ${expected[i] ?? 'nothing'} (log has ${values.length} of ${sent}; last retry: ${JSON.stringify(stuck)})`;
    }
  }
  const acked = new Map<number, number>();
  for (const e of sim.events()) {
    if (e.type === 'producer.acked') acked.set(e.offset, (acked.get(e.offset) ?? 0) + 1);
    if (e.type === 'producer.failed') return `a send failed: ${e.error} ${e.message}`;
  }
  for (let i = 0; i < sent; i++) {
    if (acked.get(i) !== 1) return `offset ${i} was acknowledged ${acked.get(i) ?? 0} times`;
  }
  return null;
}
