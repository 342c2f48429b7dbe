/**
 * Engine modules: how the layers (the network and lifecycle core, the cluster, producers,
 * consumers, ...) plug into one simulation without knowing about each other. A module brings the
 * behaviours of its node kinds, creates its nodes, handles its commands and adds its part to the
 * snapshot.
 */
import type { AnyNodeBehaviour, Kernel } from './kernel/kernel';
import type { ClusterSnapshot, CommandId, CommandOf, CommandType, LogRecord, NodeKind } from './types';
import type { ResolvedOptions } from './options';

/**
 * Checks a command against the current state and throws EngineError if it cannot apply; otherwise
 * returns the function that applies it. Nothing may change before that function runs, so a
 * rejected command leaves the simulation exactly as it was.
 */
export type CommandHandler<K extends CommandType> = (
  kernel: Kernel,
  command: CommandOf<K>,
  commandId: CommandId,
) => () => void;

export type CommandHandlers = { [K in CommandType]?: CommandHandler<K> };

export interface EngineModule {
  name: string;
  behaviours?: Partial<Record<NodeKind, AnyNodeBehaviour>>;
  /** Create this module's nodes when the simulation starts. */
  setup?(kernel: Kernel, options: ResolvedOptions): void;
  commands?: CommandHandlers;
  /** Add this module's part to a snapshot being built. */
  snapshot?(kernel: Kernel, snapshot: ClusterSnapshot): void;
  /** A replica's records, when this module owns partition logs. */
  readLog?(kernel: Kernel, broker: number, topic: string, partition: number): LogRecord[] | undefined;
}
