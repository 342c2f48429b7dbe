/**
 * What the engine's own benchmarks (bench/*.bench.ts) measure below the facade: the kernel against a
 * bare min-heap, and the producer's record accumulator. Outside src/engine only tests and benchmarks may import src/engine/testing/.
 */
export { Kernel } from '../kernel/kernel';
export { createScheduler, pop, schedule } from '../kernel/scheduler';
export { enqueueRecords } from '../client/producer-module';
