/**
 * A replica log's operations, for tests outside the engine that build logs by hand (the worker's
 * IndexedDB mirror). Outside src/engine only tests and benchmarks may import src/engine/testing/.
 */
export {
  appendAsLeader,
  createLog,
  deleteSegmentsBefore,
  truncateFullyAndStartAt,
  truncateTo,
} from '../cluster/partition-log';
