import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulation, isEngineError, type Command, type Simulation } from './index';
import { SIMULATION_LIMITS } from './limits';

function cluster(): Simulation {
  const sim = createSimulation({ seed: 7, brokers: 3 });
  sim.runFor(3000); // a controller is elected and the brokers are unfenced
  return sim;
}

function refusal(sim: Simulation, command: Command): string | undefined {
  try {
    sim.dispatch(command);
    return undefined;
  } catch (e) {
    if (!isEngineError(e)) throw e;
    return e.code;
  }
}

describe('limits a browser simulation can keep', () => {
  it('a topic of 100 000 partitions is refused at once, in Kafka’s words, and changes nothing', () => {
    const sim = cluster();
    const before = { log: sim.commandLog().length, trace: sim.events().length };
    expect(
      refusal(sim, { type: 'topic.create', topic: 'huge', partitions: 100_000, replicationFactor: 1 }),
    ).toBe('INVALID_PARTITIONS');
    expect({ log: sim.commandLog().length, trace: sim.events().length }).toEqual(before);
  });

  it('partitions per cluster count topics not yet committed (two creates in one instant)', () => {
    const sim = cluster();
    const half = SIMULATION_LIMITS.partitionsPerCluster / 2;
    sim.dispatch({ type: 'topic.create', topic: 'a', partitions: half, replicationFactor: 1 });
    sim.dispatch({ type: 'topic.create', topic: 'b', partitions: half - 100, replicationFactor: 1 });
    expect(refusal(sim, { type: 'topic.create', topic: 'c', partitions: 200, replicationFactor: 1 })).toBe(
      'POLICY_VIOLATION',
    );
  });

  it('clients beyond the limit are refused with POLICY_VIOLATION', () => {
    const sim = cluster();
    for (let i = 0; i < SIMULATION_LIMITS.clients; i++)
      sim.dispatch({ type: 'producer.create', producer: `p${i}` });
    expect(refusal(sim, { type: 'consumer.create', consumer: 'one-too-many' })).toBe('POLICY_VIOLATION');
  });

  it('a 2 MB value fails as Kafka’s producer fails it: RECORD_TOO_LARGE, nothing sent', () => {
    const sim = cluster();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    sim.runFor(500);
    const value = 'x'.repeat(2_000_000);
    expect(refusal(sim, { type: 'producer.send', producer: 'p', topic: 't', key: null, value })).toBe(
      'RECORD_TOO_LARGE',
    );
    // The size counts the batch overhead (61 bytes) as Kafka's estimateSizeInBytesUpperBound does.
    sim.dispatch({ type: 'producer.create', producer: 'small', config: { 'max.request.size': 1000 } });
    const fits = 'y'.repeat(1000 - 61 - 12);
    expect(
      refusal(sim, { type: 'producer.send', producer: 'small', topic: 't', key: null, value: fits }),
    ).toBe(undefined);
    expect(
      refusal(sim, { type: 'producer.send', producer: 'small', topic: 't', key: null, value: `${fits}!` }),
    ).toBe('RECORD_TOO_LARGE');
    // Multi-byte characters count as their UTF-8 bytes.
    expect(
      refusal(sim, {
        type: 'producer.send',
        producer: 'small',
        topic: 't',
        key: null,
        value: 'é'.repeat(500),
      }),
    ).toBe('RECORD_TOO_LARGE');
  });

  it('a burst larger than the limit is refused; a burst is one command of the log', () => {
    const sim = cluster();
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 2, replicationFactor: 1 });
    sim.dispatch({ type: 'producer.create', producer: 'p' });
    sim.runFor(500);
    const burst = { type: 'producer.sendMany', producer: 'p', topic: 't', key: null, value: 'v' } as const;
    expect(refusal(sim, { ...burst, count: SIMULATION_LIMITS.burstSends + 1 })).toBe('POLICY_VIOLATION');
    const logBefore = sim.commandLog().length;
    sim.dispatch({ ...burst, count: 1000 });
    expect(sim.commandLog().length).toBe(logBefore + 1);
  });

  it('a burst gives exactly the trace of the same sends dispatched one by one', () => {
    const setup = (sim: Simulation) => {
      sim.dispatch({ type: 'topic.create', topic: 't', partitions: 3, replicationFactor: 3 });
      sim.runFor(400);
      sim.dispatch({ type: 'producer.create', producer: 'p' });
      sim.runFor(300);
    };
    const one = cluster();
    const many = cluster();
    setup(one);
    setup(many);
    const idOne = one.dispatch({
      type: 'producer.sendMany',
      producer: 'p',
      topic: 't',
      key: 'k',
      value: 'v',
      count: 50,
    });
    let idMany = 0;
    for (let i = 1; i <= 50; i++) {
      idMany = many.dispatch({ type: 'producer.send', producer: 'p', topic: 't', key: 'k', value: `v-${i}` });
    }
    one.runFor(2000);
    many.runFor(2000);
    expect(idOne).toBe(idMany);
    expect(JSON.stringify(one.events())).toBe(JSON.stringify(many.events()));
    expect(one.readLog(1, 't', 0)).toEqual(many.readLog(1, 't', 0));
  });

  it('two topics colliding by "." and "_" in the same instant: the second is refused', () => {
    const sim = cluster();
    sim.dispatch({ type: 'topic.create', topic: 'orders.eu', partitions: 1, replicationFactor: 1 });
    expect(
      refusal(sim, { type: 'topic.create', topic: 'orders_eu', partitions: 1, replicationFactor: 1 }),
    ).toBe('INVALID_TOPIC_EXCEPTION');
  });
});

/** Commands near and past every limit, as a hostile or clumsy learner (or link, file, script) sends them. */
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant('topic.create' as const),
    topic: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    partitions: fc.oneof(fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 1, max: 200_000 })),
    replicationFactor: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    type: fc.constant('producer.create' as const),
    producer: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('consumer.create' as const),
    consumer: fc.string({ minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('producer.sendMany' as const),
    producer: fc.constant('p'),
    topic: fc.constant('t'),
    key: fc.constant(null),
    value: fc.constant('v'),
    count: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 9_990, max: 12_000 })),
  }),
  fc.record({
    type: fc.constant('producer.send' as const),
    producer: fc.constant('p'),
    topic: fc.constant('t'),
    key: fc.constant('k'),
    value: fc.integer({ min: 0, max: 1_200_000 }).map((n) => 'x'.repeat(n)),
  }),
);

describe('property: no command past the limits reaches the simulation', () => {
  it('whatever is dispatched, the cluster stays within every limit and refusals change nothing', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 12 }), (commands) => {
        const sim = cluster();
        sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
        sim.dispatch({ type: 'producer.create', producer: 'p' });
        sim.runFor(500);
        for (const command of commands) {
          const log = sim.commandLog().length;
          const trace = sim.events().length;
          const code = refusal(sim, command);
          if (code !== undefined) {
            expect(sim.commandLog().length).toBe(log);
            expect(sim.events().length).toBe(trace);
            continue;
          }
          if (command.type === 'producer.sendMany')
            expect(command.count).toBeLessThanOrEqual(SIMULATION_LIMITS.burstSends);
          if (command.type === 'producer.send')
            expect(command.value.length).toBeLessThan(SIMULATION_LIMITS.requestBytes);
          sim.runFor(5);
        }
        const snap = sim.snapshot();
        const partitions = snap.topics.reduce((n, t) => n + t.partitions.length, 0);
        expect(partitions).toBeLessThanOrEqual(SIMULATION_LIMITS.partitionsPerCluster);
        for (const t of snap.topics)
          expect(t.partitions.length).toBeLessThanOrEqual(SIMULATION_LIMITS.partitionsPerTopic);
        const clients = snap.nodes.filter((n) => n.kind !== 'broker' && n.kind !== 'controller').length;
        expect(clients).toBeLessThanOrEqual(SIMULATION_LIMITS.clients);
      }),
      { numRuns: 25 },
    );
  });
});
