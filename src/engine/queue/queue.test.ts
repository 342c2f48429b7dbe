import { describe, expect, it } from 'vitest';
import { createSimulation, formatTrace, replaySimulation, type Simulation } from '../index';
import { eventsOf, untilReady } from '../testing/scenario';
import type { Command } from '../types';

function world(seed: number): Simulation {
  return untilReady(createSimulation({ seed, brokers: 1, controllers: 1 }));
}

function queueOf(sim: Simulation, name: string) {
  return sim.snapshot().queues!.find((q) => q.name === name)!;
}

function send(sim: Simulation, queue: string, ...bodies: string[]): void {
  for (const body of bodies) sim.dispatch({ type: 'queue.send', sender: 'shop', queue, body });
}

function shopWithQueue(seed: number, visibilityTimeoutMs?: number): Simulation {
  const sim = world(seed);
  sim.dispatch({
    type: 'queue.create',
    queue: 'orders',
    ...(visibilityTimeoutMs ? { visibilityTimeoutMs } : {}),
  });
  sim.dispatch({ type: 'sender.create', sender: 'shop' });
  return sim;
}

describe('a queue deletes a message once it is consumed', () => {
  it('a consumed and acked message is gone, and a second consumer never gets it', () => {
    const sim = shopWithQueue(1);
    send(sim, 'orders', 'o1', 'o2', 'o3');
    sim.runUntil((s) => queueOf(s, 'orders').ready === 3, 1000);
    expect(queueOf(sim, 'orders').messages.map((m) => m.body)).toEqual(['o1', 'o2', 'o3']);

    sim.dispatch({ type: 'worker.create', worker: 'billing', queue: 'orders', processingMs: 50 });
    sim.runUntil((s) => queueOf(s, 'orders').deleted === 3, 5000);
    const q = queueOf(sim, 'orders');
    expect(q).toMatchObject({ messages: [], ready: 0, inFlight: 0, sent: 3, deleted: 3 });
    expect(eventsOf(sim, 'worker.handled').map((e) => e.body)).toEqual(['o1', 'o2', 'o3']);

    sim.dispatch({ type: 'worker.create', worker: 'late', queue: 'orders', processingMs: 50 });
    sim.runFor(5000);
    const received = eventsOf(sim, 'queue.messageReceived');
    expect(received.filter((e) => e.consumer === 'worker:late')).toEqual([]);
    expect(received.map((e) => e.consumer)).toEqual(['worker:billing', 'worker:billing', 'worker:billing']);
    // The late worker is long-polling an empty queue: real ReceiveMessage requests, answered empty.
    expect(
      sim
        .events()
        .some((e) => e.type === 'rpc.sent' && e.kind === 'ReceiveMessage' && e.from === 'worker:late'),
    ).toBe(true);
  });

  it('competing consumers: each message goes to exactly one of them', () => {
    const sim = shopWithQueue(2);
    sim.dispatch({ type: 'worker.create', worker: 'a', queue: 'orders', processingMs: 100 });
    sim.dispatch({ type: 'worker.create', worker: 'b', queue: 'orders', processingMs: 100 });
    sim.runFor(50);
    send(sim, 'orders', ...Array.from({ length: 8 }, (_, i) => `o${i}`));
    sim.runUntil((s) => queueOf(s, 'orders').deleted === 8, 10_000);
    const handled = eventsOf(sim, 'worker.handled');
    expect(handled.map((e) => e.body).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `o${i}`).sort());
    expect(new Set(handled.map((e) => e.messageId)).size).toBe(8);
    expect(handled.filter((e) => e.worker === 'a').length).toBeGreaterThan(0);
    expect(handled.filter((e) => e.worker === 'b').length).toBeGreaterThan(0);
  });

  it('a message in flight is invisible; unacked past the visibility timeout it is redelivered', () => {
    const sim = shopWithQueue(3, 1000);
    sim.dispatch({ type: 'worker.create', worker: 'slow', queue: 'orders', processingMs: 400 });
    send(sim, 'orders', 'o1');
    sim.runUntil((s) => queueOf(s, 'orders').inFlight === 1, 1000);
    expect(queueOf(sim, 'orders').messages[0]).toMatchObject({ state: 'in-flight', consumer: 'worker:slow' });
    // The worker dies while handling it: no ack ever comes.
    sim.dispatch({ type: 'node.crash', node: 'worker:slow' });
    sim.dispatch({ type: 'worker.create', worker: 'spare', queue: 'orders', processingMs: 50 });
    sim.runFor(500);
    expect(eventsOf(sim, 'queue.messageReceived').filter((e) => e.consumer === 'worker:spare')).toEqual([]);
    sim.runUntil((s) => queueOf(s, 'orders').deleted === 1, 3000);
    const expired = eventsOf(sim, 'queue.visibilityExpired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ messageId: 'm1', consumer: 'worker:slow', receiveCount: 1 });
    expect(eventsOf(sim, 'worker.handled')).toMatchObject([{ worker: 'spare', body: 'o1', receiveCount: 2 }]);
    expect(queueOf(sim, 'orders')).toMatchObject({ deleted: 1, redelivered: 1, messages: [] });
  });

  it('an ack that comes after the visibility timeout is refused: the message was handed out again', () => {
    const sim = shopWithQueue(4, 300);
    sim.dispatch({ type: 'worker.create', worker: 'slow', queue: 'orders', processingMs: 500 });
    send(sim, 'orders', 'o1');
    sim.runUntil((s) => eventsOf(s, 'queue.ackRejected').length > 0, 5000);
    expect(eventsOf(sim, 'queue.ackRejected')[0]).toMatchObject({ messageId: 'm1', consumer: 'worker:slow' });
    expect(eventsOf(sim, 'queue.visibilityExpired').length).toBeGreaterThan(0);
  });
});

describe('a sender on its own schedule', () => {
  it('sends count messages, one every everyMs, as real SendMessage requests', () => {
    const sim = world(11);
    sim.dispatch({ type: 'queue.create', queue: 'orders' });
    const createdAt = sim.now();
    sim.dispatch({
      type: 'sender.create',
      sender: 'web',
      queue: 'orders',
      everyMs: 500,
      count: 4,
      bodyPrefix: 'order-',
    });
    sim.runFor(5000);
    const sent = eventsOf(sim, 'queue.messageSent');
    expect(sent.map((e) => e.body)).toEqual(['order-1', 'order-2', 'order-3', 'order-4']);
    const requests = sim.events().filter((e) => e.type === 'rpc.sent' && e.kind === 'SendMessage');
    expect(requests.map((e) => e.atMs - createdAt)).toEqual([500, 1000, 1500, 2000]);
    expect(sim.snapshot().services!.find((s) => s.id === 'web')).toMatchObject({ role: 'sender', count: 4 });
  });
});

describe('a log keeps every record for many readers and for replay', () => {
  it('two groups both read everything; a consumer can replay from the beginning', () => {
    const sim = world(5);
    sim.dispatch({ type: 'topic.create', topic: 'orders', partitions: 1, replicationFactor: 1 });
    sim.dispatch({ type: 'producer.create', producer: 'shop' });
    sim.runFor(200);
    for (const v of ['o1', 'o2', 'o3'])
      sim.dispatch({ type: 'producer.send', producer: 'shop', topic: 'orders', key: null, value: v });
    sim.runUntil((s) => eventsOf(s, 'producer.acked').length === 3, 5000);
    for (const [consumer, groupId] of [
      ['billing', 'billing'],
      ['shipping', 'shipping'],
    ] as const) {
      sim.dispatch({
        type: 'consumer.create',
        consumer,
        groupId,
        config: { 'auto.offset.reset': 'earliest' },
      });
      sim.dispatch({ type: 'consumer.subscribe', consumer, topics: ['orders'] });
    }
    const valuesOf = (c: string) =>
      eventsOf(sim, 'consumer.received')
        .filter((e) => e.consumer === c)
        .flatMap((e) => e.records.map((r) => r.value));
    sim.runUntil(() => valuesOf('billing').length >= 3 && valuesOf('shipping').length >= 3, 20_000);
    expect(valuesOf('billing')).toEqual(['o1', 'o2', 'o3']);
    expect(valuesOf('shipping')).toEqual(['o1', 'o2', 'o3']);
    // Reading deleted nothing: the log still has every record.
    expect(sim.readLog(1, 'orders', 0).map((r) => r.value)).toEqual(['o1', 'o2', 'o3']);

    sim.dispatch({
      type: 'consumer.seek',
      consumer: 'billing',
      topic: 'orders',
      partition: 0,
      to: 'beginning',
    });
    sim.runUntil(() => valuesOf('billing').length >= 6, 10_000);
    expect(valuesOf('billing')).toEqual(['o1', 'o2', 'o3', 'o1', 'o2', 'o3']);
  });
});

describe('a batch job starts on a schedule, drains the queue and handles it all together', () => {
  it('wakes every everyMs, handles what accumulated as one batch, acks it, and sleeps', () => {
    const sim = shopWithQueue(6);
    const createdAt = sim.now();
    sim.dispatch({
      type: 'batchJob.create',
      job: 'nightly',
      queue: 'orders',
      everyMs: 2000,
      processingMs: 100,
    });
    send(sim, 'orders', 'o1', 'o2', 'o3', 'o4', 'o5');
    sim.runFor(1500);
    expect(eventsOf(sim, 'batch.started')).toEqual([]);
    expect(queueOf(sim, 'orders').ready).toBe(5);
    expect(sim.snapshot().services!.find((s) => s.id === 'nightly')).toMatchObject({
      state: 'sleeping',
      runs: 0,
    });

    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 1, 3000);
    const started = eventsOf(sim, 'batch.started')[0]!;
    expect(started.atMs).toBe(createdAt + 2000);
    const [handled] = eventsOf(sim, 'batch.handled');
    expect(handled).toMatchObject({ run: 1, bodies: ['o1', 'o2', 'o3', 'o4', 'o5'] });
    expect(queueOf(sim, 'orders')).toMatchObject({ messages: [], deleted: 5 });
    expect(eventsOf(sim, 'batch.finished')[0]).toMatchObject({ handled: 5, nextRunAtMs: createdAt + 4000 });

    send(sim, 'orders', 'o6');
    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 2, 3000);
    expect(eventsOf(sim, 'batch.started')[1]!.atMs).toBe(createdAt + 4000);
    expect(eventsOf(sim, 'batch.handled')[1]).toMatchObject({ run: 2, bodies: ['o6'] });
  });
});

describe('a batch job survives a lost answer', () => {
  it('exits after a while when the answer to its ack is lost, and runs again on schedule', () => {
    const sim = shopWithQueue(15);
    sim.dispatch({ type: 'batchJob.create', job: 'j', queue: 'orders', everyMs: 2000 });
    send(sim, 'orders', 'o1', 'o2');
    sim.runUntil((s) => eventsOf(s, 'batch.handled').length === 1, 5000);
    // The DeleteMessage is on its way; its answer will be lost.
    sim.dispatch({ type: 'link.configure', from: 'queue-1', to: 'batch:j', lossRate: 1 });
    const handledAt = sim.now();
    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 1, 10_000);
    expect(eventsOf(sim, 'batch.finished')[0]!.atMs - handledAt).toBe(5000);
    expect(queueOf(sim, 'orders')).toMatchObject({ messages: [], deleted: 2 });
    sim.dispatch({ type: 'link.configure', from: 'queue-1', to: 'batch:j', lossRate: 0 });
    send(sim, 'orders', 'o3');
    sim.runUntil((s) => eventsOf(s, 'batch.handled').length === 2, 10_000);
    expect(eventsOf(sim, 'batch.handled')[1]!.bodies).toEqual(['o3']);
  });
});

describe('a batch job can read a log instead of a queue', () => {
  it('each run reads every partition from its checkpoint to the high watermark; the log keeps it all', () => {
    const sim = world(13);
    sim.dispatch({ type: 'topic.create', topic: 'clicks', partitions: 2, replicationFactor: 1 });
    sim.dispatch({ type: 'producer.create', producer: 'web' });
    sim.runFor(300);
    const click = (value: string) =>
      sim.dispatch({ type: 'producer.send', producer: 'web', topic: 'clicks', key: value, value });
    for (const v of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) click(v);
    sim.runUntil((s) => eventsOf(s, 'producer.acked').length === 6, 5000);
    const createdAt = sim.now();
    sim.dispatch({ type: 'batchJob.create', job: 'report', topic: 'clicks', everyMs: 2000 });
    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 1, 5000);
    expect(eventsOf(sim, 'batch.started')[0]).toMatchObject({
      source: 'topic',
      queue: 'clicks',
      atMs: createdAt + 2000,
    });
    const [first] = eventsOf(sim, 'batch.handled');
    expect([...first!.bodies].sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(first!.messageIds.every((id) => /^clicks-[01]@\d+$/.test(id))).toBe(true);
    // Fetch requests to the broker, like a consumer's.
    expect(
      sim.events().some((e) => e.type === 'rpc.sent' && e.kind === 'Fetch' && e.from === 'batch:report'),
    ).toBe(true);

    click('c7');
    click('c8');
    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 2, 5000);
    expect([...eventsOf(sim, 'batch.handled')[1]!.bodies].sort()).toEqual(['c7', 'c8']);
    const kept = [...sim.readLog(1, 'clicks', 0), ...sim.readLog(1, 'clicks', 1)].map((r) => r.value);
    expect(kept).toHaveLength(8);
    sim.runUntil((s) => eventsOf(s, 'batch.finished').length === 3, 5000);
    expect(eventsOf(sim, 'batch.finished')[2]).toMatchObject({ handled: 0 });
  });

  it('needs exactly one source', () => {
    const sim = shopWithQueue(14);
    sim.dispatch({ type: 'topic.create', topic: 't', partitions: 1, replicationFactor: 1 });
    sim.runFor(300);
    expect(() =>
      sim.dispatch({ type: 'batchJob.create', job: 'j', queue: 'orders', topic: 't', everyMs: 1000 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }));
    expect(() => sim.dispatch({ type: 'batchJob.create', job: 'j', everyMs: 1000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_COMMAND' }),
    );
    expect(() => sim.dispatch({ type: 'batchJob.create', job: 'j', topic: 'nope', everyMs: 1000 })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    );
  });
});

describe('the account service turns commands into events', () => {
  const tx = (transactionId: string, from: string, to: string, amount: number) =>
    JSON.stringify({ type: 'InitiateTransaction', transactionId, from, to, amount });

  function bank(seed: number): Simulation {
    const sim = world(seed);
    sim.dispatch({ type: 'topic.create', topic: 'account-events', partitions: 1, replicationFactor: 1 });
    sim.runFor(300);
    sim.dispatch({ type: 'queue.create', queue: 'transactions' });
    sim.dispatch({ type: 'sender.create', sender: 'shop' });
    sim.dispatch({
      type: 'accountService.create',
      service: 'accounts',
      queue: 'transactions',
      topic: 'account-events',
      balances: { alice: 100, bob: 20 },
    });
    return sim;
  }

  it('a transaction that can be paid gives two balance changes and TransactionCompleted; one that cannot gives TransactionFailed', () => {
    const sim = bank(7);
    send(sim, 'transactions', tx('t1', 'alice', 'bob', 30), tx('t2', 'bob', 'alice', 500));
    sim.runUntil((s) => eventsOf(s, 'account.transactionProcessed').length === 2, 10_000);
    const [t1, t2] = eventsOf(sim, 'account.transactionProcessed');
    expect(t1).toMatchObject({
      transactionId: 't1',
      outcome: 'completed',
      events: ['AccountBalanceChanged', 'AccountBalanceChanged', 'TransactionCompleted'],
      balances: { alice: 70, bob: 50 },
    });
    expect(t2).toMatchObject({
      transactionId: 't2',
      outcome: 'failed',
      reason: 'insufficient funds',
      events: ['TransactionFailed'],
      balances: { alice: 70, bob: 50 },
    });
    // The events are real records in the Kafka topic, written with Produce requests.
    const log = sim.readLog(1, 'account-events', 0);
    expect(log.map((r) => r.headers?.type)).toEqual([
      'AccountBalanceChanged',
      'AccountBalanceChanged',
      'TransactionCompleted',
      'TransactionFailed',
    ]);
    expect(JSON.parse(log[0]!.value!)).toMatchObject({ account: 'alice', change: -30, balance: 70 });
    expect(
      sim
        .events()
        .some((e) => e.type === 'rpc.sent' && e.kind === 'Produce' && e.from === 'service:accounts'),
    ).toBe(true);
    // The commands were consumed: the queue deleted them.
    sim.runFor(200);
    expect(queueOf(sim, 'transactions')).toMatchObject({ messages: [], deleted: 2 });
    expect(sim.snapshot().services!.find((s) => s.id === 'accounts')!.balances).toEqual({
      alice: 70,
      bob: 50,
    });
  });

  it('a redelivered command is not applied twice', () => {
    const sim = bank(8);
    send(sim, 'transactions', tx('t1', 'alice', 'bob', 30), tx('t1', 'alice', 'bob', 30));
    sim.runUntil((s) => eventsOf(s, 'account.duplicateIgnored').length === 1, 10_000);
    expect(eventsOf(sim, 'account.transactionProcessed')).toHaveLength(1);
    expect(sim.snapshot().services!.find((s) => s.id === 'accounts')!.balances).toEqual({
      alice: 70,
      bob: 50,
    });
  });
});

describe('commands are checked before anything changes', () => {
  const rejects = (sim: Simulation, command: Command, code: string) => {
    const before = sim.events().length;
    expect(() => sim.dispatch(command)).toThrow(expect.objectContaining({ code }));
    expect(sim.events().length).toBe(before);
  };

  it('names the problem with a clear code', () => {
    const sim = shopWithQueue(9);
    rejects(sim, { type: 'queue.create', queue: 'orders' }, 'QUEUE_ALREADY_EXISTS');
    rejects(sim, { type: 'queue.create', queue: 'bad name' }, 'INVALID_COMMAND');
    rejects(sim, { type: 'queue.send', sender: 'shop', queue: 'nope', body: 'x' }, 'QUEUE_DOES_NOT_EXIST');
    rejects(sim, { type: 'queue.send', sender: 'ghost', queue: 'orders', body: 'x' }, 'UNKNOWN_NODE');
    rejects(sim, { type: 'sender.create', sender: 'shop' }, 'DUPLICATE_NODE');
    rejects(sim, { type: 'worker.create', worker: 'w', queue: 'nope' }, 'QUEUE_DOES_NOT_EXIST');
    rejects(sim, { type: 'batchJob.create', job: 'j', queue: 'orders', everyMs: 0 }, 'INVALID_COMMAND');
    rejects(
      sim,
      { type: 'accountService.create', service: 'a', queue: 'orders', topic: 'nope', balances: {} },
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    sim.dispatch({ type: 'node.crash', node: 'sender:shop' });
    rejects(sim, { type: 'queue.send', sender: 'shop', queue: 'orders', body: 'x' }, 'INVALID_NODE_STATE');
  });
});

describe('determinism', () => {
  it('the same seed and commands give the same trace', () => {
    const run = () => {
      const sim = shopWithQueue(10, 500);
      sim.dispatch({ type: 'worker.create', worker: 'a', queue: 'orders', processingMs: 700 });
      sim.dispatch({ type: 'worker.create', worker: 'b', queue: 'orders', processingMs: 100 });
      sim.dispatch({ type: 'batchJob.create', job: 'j', queue: 'orders', everyMs: 900 });
      send(sim, 'orders', 'a', 'b', 'c', 'd');
      sim.runFor(5000);
      return formatTrace(sim.events());
    };
    expect(run()).toBe(run());
  });

  it('a session replays from its command log, and a checkpoint restores mid-flight', () => {
    const sim = shopWithQueue(12, 500);
    sim.dispatch({ type: 'worker.create', worker: 'a', queue: 'orders', processingMs: 700 });
    sim.dispatch({ type: 'batchJob.create', job: 'j', queue: 'orders', everyMs: 900 });
    send(sim, 'orders', 'a', 'b', 'c');
    sim.runFor(1200);
    const keyframe = sim.checkpoint();
    sim.dispatch({ type: 'node.crash', node: 'worker:a' });
    sim.runFor(3000);
    const trace = formatTrace(sim.events());
    const replayed = replaySimulation(sim.options, sim.commandLog());
    replayed.runFor(sim.now() - replayed.now());
    expect(formatTrace(replayed.events())).toBe(trace);
    sim.restore(keyframe);
    sim.dispatch({ type: 'node.crash', node: 'worker:a' });
    sim.runFor(3000);
    expect(formatTrace(sim.events())).toBe(trace);
  });
});
