import { EngineError } from './errors';
import { DEFAULT_NETWORK } from './kernel/network';
import { validateBrokerConfig } from './config';
import type { ConfigValue, SimulationOptions } from './types';

export interface ResolvedOptions {
  seed: number;
  brokers: number;
  controllers: number;
  brokerConfig: Record<string, ConfigValue>;
  network: { latencyMsMin: number; latencyMsMax: number; lossRate: number };
}

export const LIMITS = { brokersMax: 9, controllersMax: 7 } as const;

function fail(message: string): never {
  throw new EngineError('INVALID_OPTIONS', message);
}

/** Validate createSimulation's options and fill in defaults. */
export function resolveOptions(o: SimulationOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) fail('Options must be an object.');
  if (!Number.isSafeInteger(o.seed)) fail('seed must be an integer.');
  if (!Number.isSafeInteger(o.brokers) || o.brokers < 1 || o.brokers > LIMITS.brokersMax) {
    fail(`brokers must be an integer from 1 to ${LIMITS.brokersMax}.`);
  }
  const controllers = o.controllers ?? 3;
  if (!Number.isSafeInteger(controllers) || controllers < 1 || controllers > LIMITS.controllersMax) {
    fail(`controllers must be an integer from 1 to ${LIMITS.controllersMax}.`);
  }
  const network = { ...DEFAULT_NETWORK, ...o.network };
  const { latencyMsMin: min, latencyMsMax: max, lossRate } = network;
  if (!Number.isSafeInteger(min) || min < 1) fail('network.latencyMsMin must be an integer ≥ 1.');
  if (!Number.isSafeInteger(max) || max < min)
    fail('network.latencyMsMax must be an integer ≥ latencyMsMin.');
  if (typeof lossRate !== 'number' || !(lossRate >= 0 && lossRate <= 1)) {
    fail('network.lossRate must be a number from 0 to 1.');
  }
  const brokerConfig = { ...o.brokerConfig };
  for (const [k, v] of Object.entries(brokerConfig)) {
    if (!['string', 'number', 'boolean'].includes(typeof v))
      fail(`brokerConfig "${k}" must be a string, number or boolean.`);
  }
  return {
    seed: o.seed | 0,
    brokers: o.brokers,
    controllers,
    brokerConfig: validateBrokerConfig(brokerConfig),
    network,
  };
}
