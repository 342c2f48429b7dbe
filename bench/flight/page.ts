/**
 * The page side of the flight benchmark (bench/flight.bench.ts drives it in headless Chromium).
 * It draws N messages in flight with the app's own tracker and renderer, the playhead moving every
 * frame, and reports frames per second and draw time; the baselines are an empty rAF loop and a
 * raw canvas draw of N plain circles.
 */
import type { EngineEvent } from '../../src/engine';
import { drawFlights } from '../../src/ui/flight/flight-renderer';
import { FlightTracker } from '../../src/ui/flight/flight-tracker';
import type { Anchor } from '../../src/ui/flight/flight-geometry';
import type { Palette } from '../../src/ui/flight/flight-style';

const W = 860;
const H = 600;
const KINDS = [
  'Fetch',
  'FetchResponse',
  'Produce',
  'ProduceResponse',
  'Vote',
  'BrokerHeartbeat',
  'AlterPartition',
];

const NODES: [string, Anchor][] = [
  ['controller-1', { x: 380, y: 60, hw: 70, hh: 23 }],
  ['controller-2', { x: 560, y: 60, hw: 70, hh: 23 }],
  ['controller-3', { x: 740, y: 60, hw: 70, hh: 23 }],
  ['producer:p1', { x: 180, y: 60, hw: 70, hh: 23 }],
  ['broker-1', { x: 220, y: 160, hw: 110, hh: 23 }],
  ['broker-2', { x: 470, y: 160, hw: 110, hh: 23 }],
  ['broker-3', { x: 720, y: 160, hw: 110, hh: 23 }],
];
const anchors = new Map(NODES);
const palette: Palette = {
  produce: '#c2410c',
  consume: '#0e7490',
  replication: '#1f6fb2',
  metadata: '#6d4bc2',
  vote: '#be185d',
  heartbeat: '#15803d',
  isr: '#a16207',
  setup: '#64748b',
  group: '#4d7c0f',
  queue: '#9333ea',
  dropped: '#b42318',
  surface: '#ffffff',
  selected: '#1b2430',
};

/** `count` messages, all in the air for the whole run (sent before 0, due after 10 s). */
function tracker(count: number): FlightTracker {
  const t = new FlightTracker();
  const events: EngineEvent[] = [];
  for (let i = 0; i < count; i++) {
    const from = NODES[i % NODES.length]![0];
    const to = NODES[(i * 3 + 1) % NODES.length]![0];
    const sentAtMs = -((i * 7) % 1000);
    events.push({
      seq: i + 1,
      atMs: 0,
      type: 'rpc.sent',
      id: i + 1,
      from,
      to: to === from ? NODES[(i + 1) % NODES.length]![0] : to,
      kind: KINDS[i % KINDS.length]!,
      sentAtMs,
      deliverAtMs: sentAtMs + 11_000 + (i % 13) * 100,
      body: {},
    });
  }
  t.apply({ events, nowMs: 0 });
  return t;
}

function frames(ms: number, each: (frame: number) => void): Promise<{ fps: number; drawMs: number }> {
  return new Promise((resolve) => {
    let n = 0;
    let drawMs = 0;
    const start = performance.now();
    const step = () => {
      const t0 = performance.now();
      each(n);
      drawMs += performance.now() - t0;
      n++;
      const elapsed = performance.now() - start;
      if (elapsed >= ms) resolve({ fps: (n / elapsed) * 1000, drawMs: drawMs / n });
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

async function run(count: number, ms: number) {
  const canvas = document.getElementById('stage') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d')!;
  const t = tracker(count);
  const empty = await frames(ms, () => ctx.clearRect(0, 0, W, H));
  const raw = await frames(ms, (frame) => {
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = palette.replication;
    for (let i = 0; i < count; i++) {
      ctx.beginPath();
      ctx.arc((i * 37 + frame * 3) % W, (i * 53) % H, 5, 0, Math.PI * 2);
      ctx.fill();
    }
  });
  const app = await frames(ms, (frame) => {
    const atMs = frame * 16;
    const flights = t.inFlightAt(atMs);
    drawFlights(ctx, W, H, flights, { atMs, anchors, laneY: 112, palette, reducedMotion: false });
  });
  return { empty, raw, app, inFlight: t.inFlightAt(0).length };
}

(window as unknown as { runFlightBench: typeof run }).runFlightBench = run;
