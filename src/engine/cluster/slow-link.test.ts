import { describe, expect, it } from 'vitest';
import { cluster, untilReady } from '../testing/scenario';

describe('slow links', () => {
  it('a broker behind a very slow link to the controllers still follows the metadata log', () => {
    const sim = untilReady(cluster(41));
    for (const c of ['controller-1', 'controller-2', 'controller-3']) {
      sim.dispatch({ type: 'link.configure', from: c, to: 'broker-3', latencyMs: 3000 });
      sim.dispatch({ type: 'link.configure', from: 'broker-3', to: c, latencyMs: 3000 });
    }
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 2, replicationFactor: 3 });
    sim.runFor(60_000);
    const b3 = sim.snapshot().brokers.find((b) => b.id === 3)!;
    expect(b3.metadataOffset).toBe(sim.snapshot().quorum.committedOffset);
  });
});
