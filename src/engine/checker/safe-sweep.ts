/**
 * The safe configuration under random faults: acks=all, min.insync.replicas=2, idempotence, clean
 * elections only, a consumer group reading. Kafka promises no lost acknowledged write, no
 * duplicate and per-key order here, so the checker must find no violation on any seed.
 */
import { isEngineError } from '../errors';
import { deriveStream, nextInt } from '../kernel/prng';
import type { Simulation } from '../simulation';
import { randomFault } from '../testing/fuzz';
import { cluster, untilReady } from '../testing/scenario';
import type { Command } from '../types';

function tryDispatch(sim: Simulation, c: Command): void {
  try {
    sim.dispatch(c);
  } catch (e) {
    if (!isEngineError(e)) throw e;
  }
}

export function safeRun(seed: number, sends = 60): Simulation {
  const sim = untilReady(cluster(seed, { brokers: 3 + (seed % 2) }));
  sim.dispatch({
    type: 'topic.create',
    topic: 'safe',
    partitions: 2,
    replicationFactor: 3,
    config: { 'min.insync.replicas': 2 },
  });
  sim.dispatch({
    type: 'producer.create',
    producer: 'p',
    config: { acks: 'all', 'request.timeout.ms': 3000 },
  });
  sim.dispatch({
    type: 'consumer.create',
    consumer: 'c',
    groupId: 'g',
    config: { 'auto.offset.reset': 'earliest' },
  });
  sim.runFor(1000);
  sim.dispatch({ type: 'consumer.subscribe', consumer: 'c', topics: ['safe'] });
  const rng = deriveStream(seed, 'checker-sweep');
  const topics = { n: 0 };
  for (let t = 0; t < sends; t++) {
    sim.runFor(50 + nextInt(rng, 150));
    if (nextInt(rng, 8) === 0) {
      const fault = randomFault(sim, rng, topics);
      if (fault && !(fault.type === 'node.crash' && !/^(broker|controller)-/.test(fault.node)))
        tryDispatch(sim, fault);
    }
    sim.dispatch({ type: 'producer.send', producer: 'p', topic: 'safe', key: `k${t % 5}`, value: `v${t}` });
  }
  sim.dispatch({ type: 'network.heal' });
  for (const n of sim.snapshot().nodes) if (!n.alive) tryDispatch(sim, { type: 'node.restart', node: n.id });
  sim.runFor(20_000);
  return sim;
}
