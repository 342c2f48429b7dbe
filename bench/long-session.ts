/**
 * A teacher leaves a lesson-sized cluster running through a class: 3 controllers, 3 brokers, 3
 * topics, a consumer group of two, a producer sending every second, for one hour of virtual time.
 * Run in its own Node process with `--expose-gc` (bench/long-session.bench.ts starts it), so the
 * heap figure is the worker's timeline alone after a full collection. Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { Timeline } from '../src/worker/timeline';

const HOUR_MS = 3_600_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heapMb(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed / 1e6;
}

const t = new Timeline({ seed: 7, brokers: 3, controllers: 3 });
t.advance(3000);
for (const topic of ['orders', 'payments', 'shipments'])
  t.dispatch({ type: 'topic.create', topic, partitions: 3, replicationFactor: 3 });
t.advance(1000); // the topics reach the brokers
t.dispatch({ type: 'producer.create', producer: 'p1', config: { acks: 'all' } });
for (const c of ['c1', 'c2']) {
  t.dispatch({ type: 'consumer.create', consumer: c, groupId: 'billing' });
  t.dispatch({ type: 'consumer.subscribe', consumer: c, topics: ['orders', 'payments', 'shipments'] });
}
const topics = ['orders', 'payments', 'shipments'];
const started = performance.now();
let minuteHeapMb = 0;
for (let s = 0; t.nowMs() < HOUR_MS; s++) {
  if (s === 60) minuteHeapMb = heapMb();
  t.dispatch({
    type: 'producer.send',
    producer: 'p1',
    topic: topics[s % 3]!,
    key: `k${s % 17}`,
    value: `event ${s}`,
  });
  t.advance(1000);
}
const simulateMs = performance.now() - started;
const heapAfterHourMb = heapMb();
// The collections forced for that figure leave the whole old space to be swept, which V8 does on
// a background thread and, for whatever is not swept yet, on the main thread at the next
// allocations there: timed right away, the first two seeks took ~20 ms more each. A worker is not
// forced to collect just before a learner scrubs; give the sweeper the moment it has there.
await new Promise((resolve) => setTimeout(resolve, 250));
const traceLength = t.traceLength();
const pagedTraceMb = t.pagedTraceBytes() / 1e6;
const keyframes = t.keyframeCount();

// Scrub to times spread over the hour, as a learner dragging the scrubber would.
const scrubMs: number[] = [];
for (let i = 0; i < 40; i++) {
  const at = Math.floor((((i * 7919) % 40) / 40) * HOUR_MS);
  const s0 = performance.now();
  t.seek(at);
  scrubMs.push(performance.now() - s0);
}
scrubMs.sort((a, b) => a - b);
const pick = (q: number) => scrubMs[Math.min(scrubMs.length - 1, Math.floor(q * scrubMs.length))]!;

// The baseline: the same scrub without keyframes, replaying the session from the start.
const replay = new Timeline({ seed: 7, brokers: 3, controllers: 3 }, t.recorded());
const r0 = performance.now();
replay.seek(HOUR_MS / 2);
const replayHalfHourMs = performance.now() - r0;

console.log(
  JSON.stringify({
    minuteHeapMb,
    replayHalfHourMs,
    heapAfterHourMb,
    traceLength,
    pagedTraceMb,
    keyframes,
    simulateMs,
    scrubMedianMs: pick(0.5),
    scrubP95Ms: pick(0.95),
  }),
);
