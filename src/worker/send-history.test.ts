import { describe, expect, it } from 'vitest';
import { createSimulation } from '../engine';
import { SENDS_KEPT } from '../bridge/send-window';
import { sendHistory } from './send-history';

describe('a jump’s send history', () => {
  it('after a burst, carries the kept sends’ events only (not every acknowledgement of the burst)', () => {
    const sim = createSimulation({ seed: 3, brokers: 3 });
    sim.runUntil((x) => x.snapshot().brokers.every((b) => b.state === 'unfenced'), 20_000);
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 3, replicationFactor: 3 });
    sim.runFor(500);
    sim.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
    sim.runFor(300);
    sim.dispatch({
      type: 'producer.sendMany',
      producer: 'p1',
      topic: 'orders',
      key: null,
      value: 'x',
      count: 1000,
    });
    sim.runFor(5000);
    const trace = sim.events();
    expect(trace.filter((e) => e.type === 'producer.acked')).toHaveLength(1000);
    const history = sendHistory(
      { length: trace.length, read: (from, to) => trace.slice(from, to) },
      sim.snapshot(),
    );
    const accepted = history.filter((e) => e.type === 'command.accepted');
    expect(accepted).toHaveLength(SENDS_KEPT);
    const kept = new Set(accepted.map((e) => (e.type === 'command.accepted' ? e.commandId : -1)));
    const acked = history.filter((e) => e.type === 'producer.acked');
    expect(acked).toHaveLength(SENDS_KEPT);
    expect(acked.every((e) => e.type === 'producer.acked' && kept.has(e.commandId))).toBe(true);
    expect(history.filter((e) => e.type === 'producer.queued')).toHaveLength(SENDS_KEPT);
  });
});
