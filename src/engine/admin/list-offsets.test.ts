import { expect, test } from 'vitest';
import { admin, createSimulation } from '../index';

test('ListOffsets: earliest, latest (the high watermark), by timestamp, and errors; no consumer moves', () => {
  const sim = createSimulation({ seed: 3, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
  sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 3 });
  sim.runFor(1000);
  sim.dispatch({ type: 'producer.create', producer: 'p', config: { 'linger.ms': 0 } });
  sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'a' });
  sim.runFor(1000);
  const middle = sim.now();
  sim.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: null, value: 'b' });
  sim.runFor(1000);
  const ask = (spec: Parameters<typeof admin.listOffsets>[1]['spec']) =>
    admin.listOffsets(sim, { topic: 't', partition: 0, spec });
  expect(ask('earliest').offset).toBe(0);
  expect(ask('latest').offset).toBe(2);
  expect(ask({ timestampMs: middle }).offset).toBe(1);
  expect(ask({ timestampMs: sim.now() + 1 })).toEqual({ offset: -1, timestamp: -1, leaderEpoch: -1 });
  expect(() => admin.listOffsets(sim, { topic: 'nope', partition: 0, spec: 'latest' })).toThrow(
    expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
  );
  const before = sim.events().length;
  ask('latest');
  expect(sim.events().length).toBe(before);
});
