/** DeleteRecords on the engine: the log start moves on the leader, then on its followers; Kafka's refusals. */
import { describe, expect, test } from 'vitest';
import { createSimulation, isEngineError, type EngineEvent, type Simulation } from '..';

function withRecords(config?: Record<string, string>): Simulation {
  const sim = createSimulation({ seed: 21, brokers: 3 });
  sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
  sim.dispatch({
    type: 'topic.create',
    topic: 'orders',
    partitions: 1,
    replicationFactor: 3,
    ...(config ? { config } : {}),
  });
  sim.runFor(500);
  sim.dispatch({ type: 'producer.create', producer: 'p', config: { acks: 'all' } });
  for (let i = 0; i < 5; i++)
    sim.dispatch({
      type: 'producer.send',
      producer: 'p',
      topic: 'orders',
      key: null,
      value: `order-${i + 1}`,
    });
  sim.runFor(1000);
  return sim;
}
const partition = (sim: Simulation) => sim.snapshot().topics.find((t) => t.name === 'orders')!.partitions[0]!;
const answers = (events: EngineEvent[]) => events.flatMap((e) => (e.type === 'records.deleted' ? [e] : []));

describe('DeleteRecords', () => {
  test('deletes every record before the offset (not the one at it); offsets never shift; followers follow', () => {
    const sim = withRecords();
    expect(partition(sim).replicaStates.every((r) => r.highWatermark === 5)).toBe(true);
    const since = sim.events().length;
    sim.dispatch({ type: 'records.delete', topic: 'orders', partition: 0, offset: 2 });
    sim.runFor(1000);
    const events = sim.events().slice(since);
    const [answer] = answers(events);
    expect(answer).toMatchObject({ error: null, logStartOffsetBefore: 0, logStartOffset: 2, offset: 2 });
    const p = partition(sim);
    // Every replica's log now starts at 2: the leader moved it, the followers at their next fetch.
    expect(p.replicaStates.map((r) => r.logStartOffset)).toEqual([2, 2, 2]);
    const leaderLog = sim.readLog(p.leader, 'orders', 0).filter((r) => r.offset >= 2);
    expect(leaderLog.map((r) => [r.offset, r.value])).toEqual([
      [2, 'order-3'],
      [3, 'order-4'],
      [4, 'order-5'],
    ]);
    const reasons = events.flatMap((e) => (e.type === 'log.segmentsDeleted' ? [e.reason] : []));
    expect(reasons).toContain('delete-records');
    expect(reasons).toContain('leader-log-start');
  });

  test('refuses as Kafka does: past the high watermark, a negative offset, a compacted topic', () => {
    const sim = withRecords();
    sim.dispatch({ type: 'records.delete', topic: 'orders', partition: 0, offset: 9 });
    sim.dispatch({ type: 'records.delete', topic: 'orders', partition: 0, offset: -5 });
    sim.runFor(200);
    const [past, negative] = answers(sim.events());
    expect(past).toMatchObject({
      error: 'OFFSET_OUT_OF_RANGE',
      message:
        'Cannot increment the log start offset to 9 of partition orders-0 since it is larger than the high watermark 5',
      logStartOffset: 0,
    });
    expect(negative).toMatchObject({
      error: 'OFFSET_OUT_OF_RANGE',
      message: 'The offset -5 for partition orders-0 is not valid',
    });
    expect(partition(sim).replicaStates.every((r) => r.logStartOffset === 0)).toBe(true);
    // -1 means the high watermark: the whole log goes.
    sim.dispatch({ type: 'records.delete', topic: 'orders', partition: 0, offset: -1 });
    sim.runFor(1000);
    expect(answers(sim.events())[2]).toMatchObject({ error: null, logStartOffset: 5 });

    const compacted = withRecords({ 'cleanup.policy': 'compact' });
    compacted.dispatch({ type: 'records.delete', topic: 'orders', partition: 0, offset: 1 });
    compacted.runFor(200);
    expect(answers(compacted.events())[0]).toMatchObject({
      error: 'POLICY_VIOLATION',
      message: 'Records of partition orders-0 can not be deleted due to the configured policy',
    });
  });

  test('an unknown partition is refused at dispatch, changing nothing', () => {
    const sim = withRecords();
    const code = (() => {
      try {
        sim.dispatch({ type: 'records.delete', topic: 'nope', partition: 0, offset: 1 });
      } catch (e) {
        return isEngineError(e) ? e.code : 'other';
      }
      return null;
    })();
    expect(code).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });
});
