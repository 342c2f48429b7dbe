/**
 * `npm run bench`: the engine benchmarks (Node), then the UI's messages in flight and the worker's
 * storage and time travel (headless Chromium). Each prints `name: value unit (baseline value unit, ratio R)`; a baseline is
 * measured in the same run on the same machine.
 */
import { benchKernel } from './kernel.bench';
import { benchProduce } from './produce.bench';
import { benchFlights } from './flight.bench';
import { benchStorage } from './storage.bench';
import { benchWire } from './wire.bench';

/**
 * `BENCH_ONLY=time-travel npm run bench`: only the worker's step-back, scrub and reload figures;
 * `BENCH_ONLY=storage`: the browser's storage and time-travel figures, without the Node ones;
 * `BENCH_ONLY=wire`: only KafkaJS through the wire front end.
 */
const only = process.env.BENCH_ONLY;

console.log('StreamLab engine benchmarks (Node ' + process.version + ')');
if (!only) {
  benchKernel();
  benchProduce();
  await benchFlights();
}
if (!only || only === 'wire') await benchWire();
if (only !== 'wire') await benchStorage(only);
