import { describe, expect, it } from 'vitest';
import { cluster, untilReady } from '../../engine/testing/scenario';
import { Narrator } from './narrate';

describe('narration of admin operations', () => {
  it('tells what the learner asked and what the controller did', () => {
    const sim = untilReady(cluster(1));
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 });
    sim.runFor(300);
    sim.dispatch({ type: 'topic.createPartitions', topic: 'orders', count: 2 });
    sim.dispatch({ type: 'topic.alterConfigs', topic: 'orders', set: { 'retention.ms': '60000' } });
    sim.runFor(300);
    const texts = new Narrator().narrate(sim.events()).map((t) => t.text);
    expect(texts).toContain('You asked for 2 partitions of topic orders (CreatePartitions).');
    expect(texts.some((t) => /^Topic orders now has 2 partitions: orders-1 led by broker-\d\./.test(t))).toBe(
      true,
    );
    expect(texts).toContain(
      "Topic orders's config changed: retention.ms=60000. Each broker applies it as it reads the metadata record.",
    );
  });
});
