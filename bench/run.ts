/**
 * `npm run bench`: the engine benchmarks (Node). Each prints `name: value unit (baseline value
 * unit, ratio R)`; a baseline is measured in the same run on the same machine.
 */
import { benchKernel } from './kernel.bench';
import { benchProduce } from './produce.bench';

console.log('StreamLab engine benchmarks (Node ' + process.version + ')');
benchKernel();
benchProduce();
