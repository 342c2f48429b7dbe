/**
 * The busy cluster several benches measure against: a 6-partition, 3-replica topic, producers and a
 * two-member consumer group (c1, c2 in group g, from the earliest offset) subscribed to it. One
 * definition, so the layout, page and checker figures describe the same kind of load.
 */
import type { ConfigValue, Simulation } from '../src/engine/index';

export function startBusyCluster(
  sim: Simulation,
  topic: string,
  producers: readonly string[],
  producerConfig: Record<string, ConfigValue>,
): void {
  sim.dispatch({ type: 'topic.create', topic, partitions: 6, replicationFactor: 3 });
  for (const p of producers) sim.dispatch({ type: 'producer.create', producer: p, config: producerConfig });
  for (const c of ['c1', 'c2'])
    sim.dispatch({
      type: 'consumer.create',
      consumer: c,
      groupId: 'g',
      config: { 'auto.offset.reset': 'earliest' },
    });
  sim.runFor(1000);
  for (const c of ['c1', 'c2']) sim.dispatch({ type: 'consumer.subscribe', consumer: c, topics: [topic] });
}

/** Every producer sends one record every 50 ms of virtual time, `ticks` times (50 keys in turn). */
export function sendEvery50ms(
  sim: Simulation,
  topic: string,
  producers: readonly string[],
  ticks: number,
): void {
  for (let t = 0; t < ticks; t++) {
    for (const p of producers)
      sim.dispatch({ type: 'producer.send', producer: p, topic, key: `k${t % 50}`, value: `v${t}` });
    sim.runFor(50);
  }
}
