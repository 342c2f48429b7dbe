/**
 * What page-code-socket.bench.ts runs inside the page. The app is not changed for the bench: an
 * init script wraps the page's `Worker` constructor so the bench can reach the app's own engine
 * worker (`name: 'engine'`) and hear its code worker (`name: 'code'`). The bench then plays the
 * part of the playback loop at full speed: it asks the engine worker for `stepMs` of virtual time
 * as soon as the previous advance is answered (what src/code/node-session.ts does per real turn in
 * Node), instead of wall ms × speed per animation frame. The app stays paused, so only the bench
 * advances time; every batch still reaches the app's EngineClient, which applies it, draws it and
 * hands the sockets' output to the code worker, as it does when playing.
 *
 * Each function here is serialised into the page by Playwright: no imports, nothing from outside.
 */

/** What the init script keeps on `window`. */
export interface BenchHooks {
  workers: Record<string, Worker>;
  /** The code worker's console lines and its `finished`, with the page's clock when they arrived. */
  code: { at: number; text: string }[];
  driver?: { driving: boolean; steps: number; waitMs: number };
  /** Requests the page sent to the engine worker, by type (the app's and the bench's). */
  sent: Record<string, number>;
}

/** Installed before the app loads (page.addInitScript). */
export const CAPTURE_WORKERS = `(() => {
  const Real = window.Worker;
  const hooks = { workers: {}, code: [], sent: {} };
  window.__bench = hooks;
  window.Worker = class extends Real {
    constructor(url, options) {
      super(url, options);
      const name = options && options.name;
      if (name) hooks.workers[name] = this;
      if (name === 'engine') {
        const post = this.postMessage.bind(this);
        this.postMessage = (m, ...rest) => {
          hooks.sent[m.type] = (hooks.sent[m.type] || 0) + 1;
          return post(m, ...rest);
        };
      }
      if (name === 'code')
        this.addEventListener('message', (e) => {
          const m = e.data;
          if (m.type === 'console') hooks.code.push({ at: performance.now(), text: m.text });
          if (m.type === 'finished') hooks.code.push({ at: performance.now(), text: 'finished ' + (m.error || '') });
        });
    }
  };
})()`;

/** Start advancing the engine worker by `stepMs` per answered advance (in the page). */
export function startDriver(stepMs: number): void {
  const hooks = (window as unknown as { __bench: BenchHooks }).__bench;
  const engine = hooks.workers.engine!;
  const driver = { driving: true, steps: 0, waitMs: 0 };
  hooks.driver = driver;
  let sentAt = performance.now();
  const onMessage = (event: MessageEvent<{ type: string; cause?: string }>) => {
    if (event.data.type !== 'batch' || event.data.cause !== 'advance') return;
    driver.steps++;
    // Wall time from asking to the answer's arrival: the engine's work plus the hop back.
    driver.waitMs += performance.now() - sentAt;
    if (!driver.driving) {
      engine.removeEventListener('message', onMessage);
      return;
    }
    sentAt = performance.now();
    engine.postMessage({ type: 'advance', ms: stepMs });
  };
  engine.addEventListener('message', onMessage);
  engine.postMessage({ type: 'advance', ms: stepMs });
}

/** Stop advancing; what the driver counted. */
export function stopDriver(): { steps: number; waitMs: number } {
  const driver = (window as unknown as { __bench: BenchHooks }).__bench.driver!;
  driver.driving = false;
  return { steps: driver.steps, waitMs: driver.waitMs };
}

/** One request to the engine worker, answered by the message with its requestId (ids far above the app's). */
export function engineRequest(message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const hooks = (window as unknown as { __bench: BenchHooks & { nextId?: number } }).__bench;
  const engine = hooks.workers.engine!;
  const requestId = (hooks.nextId = (hooks.nextId ?? 1_000_000_000) + 1);
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent<{ requestId?: number }>) => {
      if (event.data.requestId !== requestId) return;
      engine.removeEventListener('message', onMessage);
      resolve(event.data as Record<string, unknown>);
    };
    engine.addEventListener('message', onMessage);
    engine.postMessage({ ...message, requestId });
  });
}

export interface LogCountArgs {
  topic: string;
  partitions: number;
  brokers: number;
}

/**
 * Records the brokers hold in `topic`: per partition the longest replica's log (its leader's),
 * read from the engine's state (`readLog`), summed.
 */
export async function recordsInTopic({ topic, partitions, brokers }: LogCountArgs): Promise<number> {
  const hooks = (window as unknown as { __bench: BenchHooks & { nextId?: number } }).__bench;
  const engine = hooks.workers.engine!;
  const ask = (broker: number, partition: number) =>
    new Promise<number>((resolve) => {
      const requestId = (hooks.nextId = (hooks.nextId ?? 1_000_000_000) + 1);
      const onMessage = (event: MessageEvent<{ requestId?: number; type: string; total?: number }>) => {
        if (event.data.requestId !== requestId) return;
        engine.removeEventListener('message', onMessage);
        // A broker holding no replica of the partition refuses: it holds none of its records.
        resolve(event.data.type === 'logPage' ? (event.data.total ?? 0) : 0);
      };
      engine.addEventListener('message', onMessage);
      engine.postMessage({ type: 'readLog', requestId, broker, topic, partition, from: 0, count: 1 });
    });
  let sum = 0;
  for (let p = 0; p < partitions; p++) {
    let longest = 0;
    for (let b = 1; b <= brokers; b++) longest = Math.max(longest, await ask(b, p));
    sum += longest;
  }
  return sum;
}

export interface BurstArgs {
  topic: string;
  partitions: number;
  count: number;
  value: string;
  /** The producer's acknowledged records once this burst is in (earlier bursts' included). */
  ackedAfter: number;
}

/**
 * The built-in producer `load` (made beforehand with `engineRequest`) sends `count` records as the
 * produce panel sends them: `producer.sendMany` bursts, one per partition, in one `dispatchMany`.
 * Resolves with the wall ms from sending the bursts until the batches' snapshots say the producer
 * has `ackedAfter` records acknowledged (the driver must be running). The snapshot, not the events:
 * a batch with more than the worker's per-batch events carries only the newest.
 */
export function builtInBurst({ topic, partitions, count, value, ackedAfter }: BurstArgs): Promise<number> {
  const hooks = (window as unknown as { __bench: BenchHooks & { nextId?: number } }).__bench;
  const engine = hooks.workers.engine!;
  const requestId = (hooks.nextId = (hooks.nextId ?? 1_000_000_000) + 1);
  const commands = Array.from({ length: partitions }, (_, partition) => ({
    type: 'producer.sendMany',
    producer: 'load',
    topic,
    key: null,
    value,
    count: count / partitions,
    partition,
  }));
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const onMessage = (
      event: MessageEvent<{
        type: string;
        requestId?: number;
        batch?: { snapshot: { producers: { id: string; acked: number; failed: number }[] } };
      }>,
    ) => {
      const m = event.data;
      const load = m.batch?.snapshot.producers.find((p) => p.id === 'load');
      const refused = m.requestId === requestId && m.type !== 'dispatched';
      if (refused || (load && load.failed > 0)) {
        engine.removeEventListener('message', onMessage);
        reject(new Error(`burst ${refused ? 'refused' : 'failed'}: ${JSON.stringify(refused ? m : load)}`));
        return;
      }
      if (!load || load.acked < ackedAfter) return;
      engine.removeEventListener('message', onMessage);
      resolve(performance.now() - start);
    };
    engine.addEventListener('message', onMessage);
    engine.postMessage({ type: 'dispatchMany', requestId, commands });
  });
}
