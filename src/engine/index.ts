/**
 * The engine facade. Tests, tools, the worker and the lessons drive the engine through these
 * names only (DESIGN §2.1); they are a contract: extend, never rename.
 */
import { coreModule } from './core-module';
import { clusterModule } from './cluster/module';
import { producerModule } from './client/producer-module';
import { consumerModule } from './client/consumer-module';
import { queueModule } from './queue/queue-module';
import { replayInto, SimulationImpl, type Simulation } from './simulation';
import type { SimulationOptions, TimedCommand } from './types';

export function createSimulation(options: SimulationOptions): Simulation {
  return new SimulationImpl(options, [
    coreModule,
    clusterModule,
    producerModule,
    consumerModule,
    queueModule,
  ]);
}

/** A new simulation with `log` replayed into it: the same session, event for event. */
export function replaySimulation(options: SimulationOptions, log: readonly TimedCommand[]): Simulation {
  const sim = createSimulation(options);
  replayInto(sim, log);
  return sim;
}

export type { Simulation } from './simulation';
export type * from './types';
export type * from './queue/queue-types';
export { decideTransaction, initiateTransaction } from './queue/account-logic';
export { EngineError, isEngineError, type ErrorCode, type KafkaErrorCode } from './errors';
export { formatEvent, formatTrace } from './kernel/trace';
export { COMMAND_TYPES, validateCommand } from './validate';
export { validateTopicName } from './cluster/topic-name';
export { murmur2, partitionForKey, toPositive } from './client/murmur2';
export { coordinatorPartition } from './group/java-hash';
export { assignPartitions, cooperativeStickyRound } from './group/assignors';
export type {
  AssignmentStrategy,
  AssignorMember,
  CooperativeRound,
  GroupAssignment,
  PartitionsPerTopic,
  PartitionTransfer,
} from './group/assignors';

// ---- Limits a browser simulation can keep, and bursts as one command (issue 21) ----
export { SIMULATION_LIMITS, checkCommandLimits } from './limits';
export { burstSends, expandCommand } from './burst';
