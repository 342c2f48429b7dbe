/**
 * `npm run bench`: the engine benchmarks (Node), then the UI's messages in flight and the worker's
 * storage and time travel (headless Chromium). Each prints `name: value unit (baseline value unit, ratio R)`; a baseline is
 * measured in the same run on the same machine.
 */
import { benchKernel } from './kernel.bench';
import { benchProduce } from './produce.bench';
import { benchFlights } from './flight.bench';
import { benchPartitions } from './partitions.bench';
import { benchIdlePartitions } from './idle-partitions.bench';
import { benchStorage } from './storage.bench';
import { benchLongSession } from './long-session.bench';
import { benchChecker } from './checker.bench';
import { benchWire } from './wire.bench';
import { benchPageTimeTravel } from './page-time-travel.bench';
import { benchPageFps } from './page-fps.bench';
import { benchSpacetime } from './spacetime.bench';
import { benchPageSpacetime } from './page-spacetime.bench';
import { benchStreams } from './streams.bench';
import { benchCodeSocket } from './code-socket.bench';
import { benchPageCodeSocket } from './page-code-socket.bench';

/**
 * `BENCH_ONLY=<part>` runs one part: `time-travel` (the worker's step-back, scrub and reload
 * figures), `storage` (the browser's storage and time-travel figures), `long-session` (the one-hour
 * session's heap and scrub), `checker` (the guarantee checker's cost per event), `spacetime` (the
 * space-time diagram's layout of a 10 s window against one frame), `wire` (KafkaJS
 * through the wire front end against the built-in producer), `code-socket` (KafkaJS through the
 * Code tool's socket path, WireBridge on a Timeline, against the built-in producer), `page-code-socket`
 * (the same in headless Chromium: the Code tool's real code worker and both postMessage hops, time
 * at full speed, against the built-in producer in the same build), `streams` (a windowed aggregation on
 * the cluster against the produce path alone), `flight` (the UI: messages in flight
 * and the cluster view with 1000 partitions, and the engine's replay of 1000 mostly idle partitions;
 * `idle-partitions` runs only the latter), `page-time-travel` (Back and scrub in the app at
 * 100 000 events, input to the new frame, in headless Chromium), `page-spacetime` (the space-time
 * diagram's 10 s window redrawn in the page, against one frame), `page-fps` (the whole app's frame rate
 * with 1000 partitions playing, and while its rows scroll).
 */
const only = process.env.BENCH_ONLY;

console.log('StreamLab engine benchmarks (Node ' + process.version + ')');
const nodeParts: Record<string, () => void | Promise<void>> = {
  kernel: benchKernel,
  produce: benchProduce,
  checker: benchChecker,
  spacetime: benchSpacetime,
  'long-session': benchLongSession,
  wire: benchWire,
  // The Code tool's socket path (issue 20): KafkaJS through WireBridge on a Timeline.
  'code-socket': benchCodeSocket,
  // Stream processing (issue 17): a windowed aggregation against the produce path alone.
  streams: benchStreams,
  // The UI's figures: messages in flight, the cluster view with 1000 partitions.
  flight: async () => {
    await benchFlights();
    await benchPartitions();
    benchIdlePartitions();
  },
  'page-time-travel': benchPageTimeTravel,
  'page-spacetime': benchPageSpacetime,
  // KafkaJS through the browser's socket path, both postMessage hops (issue 20).
  'page-code-socket': benchPageCodeSocket,
  // The whole app with 1000 partitions, frames per second in the page (issue 21 §6).
  'page-fps': benchPageFps,
};
for (const [name, run] of Object.entries(nodeParts)) if (!only || only === name) await run();
// Part of `flight`; alone: the engine's replay with 1000 mostly idle partitions, no browser.
if (only === 'idle-partitions') benchIdlePartitions();
if (!only || only === 'storage' || only === 'time-travel') await benchStorage(only);
