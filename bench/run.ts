/**
 * `npm run bench`: the engine benchmarks (Node), then the UI's messages in flight and the worker's
 * storage and time travel (headless Chromium). Each prints `name: value unit (baseline value unit, ratio R)`; a baseline is
 * measured in the same run on the same machine.
 */
import { benchKernel } from './kernel.bench';
import { benchProduce } from './produce.bench';
import { benchFlights } from './flight.bench';
import { benchPartitions } from './partitions.bench';
import { benchStorage } from './storage.bench';

/**
 * `BENCH_ONLY=time-travel npm run bench`: only the worker's step-back, scrub and reload figures;
 * `BENCH_ONLY=storage`: the browser's storage and time-travel figures, without the Node ones.
 */
const only = process.env.BENCH_ONLY;

/** `BENCH_ONLY=flight`: only the UI's figures (messages in flight, the cluster view with 1000 partitions). */
if (only === 'flight') {
  await benchFlights();
  await benchPartitions();
  process.exit(0);
}

console.log('StreamLab engine benchmarks (Node ' + process.version + ')');
if (!only) {
  benchKernel();
  benchProduce();
  await benchFlights();
  await benchPartitions();
}
await benchStorage(only);
