/**
 * The page side of the partitions benchmark (bench/partitions.bench.ts drives it in headless
 * Chromium): the app's own cluster view, in a scroll box like the app's, showing a real engine
 * snapshot of a cluster with N partitions. Every frame brings a new snapshot with one partition's
 * log growing and the rest idle. Idle partitions keep their objects (structural sharing, what an
 * incremental snapshot gives the UI); the cost of moving a snapshot from the worker is the worker's
 * benchmark, not this one. The baseline, in the same page and run, is an empty rAF loop.
 */
import { flushSync, mount, unmount } from 'svelte';
import { createSimulation, type ClusterSnapshot } from '../../src/engine';
import ClusterView from '../../src/ui/cluster/ClusterView.svelte';
import { FlightTracker } from '../../src/ui/flight/flight-tracker';
import '../../src/ui/app.css';

// A cache, not state: nothing renders from it.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const clusters = new Map<number, ClusterSnapshot>();

function clusterWith(partitions: number): ClusterSnapshot {
  const known = clusters.get(partitions);
  if (known) return known;
  const sim = createSimulation({ seed: 1, brokers: 3 });
  sim.runFor(3000);
  sim.dispatch({ type: 'topic.create', topic: 'wide', partitions, replicationFactor: 3 });
  sim.runFor(2000);
  const snapshot = sim.snapshot();
  clusters.set(partitions, snapshot);
  return snapshot;
}

/** Frames per second of `frame` run once per animation frame for `ms`. */
function fps(ms: number, frame: (i: number) => void): Promise<number> {
  return new Promise((resolve) => {
    let frames = 0;
    let start = 0;
    const tick = (t: number) => {
      if (start === 0) start = t;
      frame(frames);
      frames++;
      if (t - start < ms) requestAnimationFrame(tick);
      else resolve(((frames - 1) / (t - start)) * 1000);
    };
    requestAnimationFrame(tick);
  });
}

async function runPartitionBench(partitions: number, ms: number) {
  const empty = await fps(ms, () => {});
  const base = clusterWith(partitions);
  const drawn = base.topics.find((t) => t.name === 'wide')?.partitions.length ?? 0;
  const target = document.getElementById('scroll')!;
  let snapshot = $state.raw(base);
  let atMs = $state(base.nowMs);
  const tracker = new FlightTracker();
  const view = mount(ClusterView, {
    target,
    props: {
      get snapshot() {
        return snapshot;
      },
      tracker,
      flightsVersion: 0,
      get atMs() {
        return atMs;
      },
      selection: undefined,
      onSelect: () => {},
      reducedMotion: false,
      theme: 'light',
    },
  });
  flushSync();
  // Let the view measure the part of it on screen before the clock starts.
  await fps(300, () => {});
  const app = await fps(ms, (i) => {
    const busy = i % 7;
    const next: ClusterSnapshot = {
      ...base,
      nowMs: base.nowMs + i * 16,
      topics: base.topics.map((t) =>
        t.name !== 'wide'
          ? t
          : {
              ...t,
              partitions: t.partitions.map((p, k) =>
                k !== busy
                  ? p
                  : {
                      ...p,
                      replicaStates: p.replicaStates.map((r) => ({
                        ...r,
                        logEndOffset: r.logEndOffset + i,
                        highWatermark: r.highWatermark + i,
                      })),
                    },
              ),
            },
      ),
    };
    snapshot = next;
    atMs = next.nowMs;
    flushSync();
  });
  const replicas = target.querySelectorAll('[data-testid="replica"]').length;
  unmount(view);
  return { empty: { fps: empty }, app: { fps: app }, partitions: drawn, replicasInDom: replicas };
}

(window as unknown as { runPartitionBench: typeof runPartitionBench }).runPartitionBench = runPartitionBench;
