/**
 * The types a stream task shares with its processors (task-processors.ts, task-joins.ts), and the
 * part of StreamTask they use, as a structural interface. A leaf module: task.ts builds the
 * processors, the processors see the task only through TaskContext, so imports point one way only.
 */
import type { AggregateProcessor, AggregateState, RecordSource } from './aggregate';
import type { StreamValue } from './expr-types';
import type { JoinState, StreamStreamJoin, StreamTableJoin } from './join';
import type { CachedStore, CacheState } from './record-cache';
import type { SuppressProcessor, SuppressState } from './suppress';
import type { TopologyGraph, TopologyNode } from './topology-builder';
import type { Window } from './windows';

export interface TaskRecord {
  key: string | null;
  value: StreamValue;
  timestampMs: number;
  /** Set on updates coming out of a table (KTable Change semantics). */
  oldValue?: StreamValue;
  win?: Window;
}

export interface ChangelogWrite {
  store: string;
  key: string;
  value: string | null;
}

export type NodeImpl = (r: TaskRecord) => void;

/** An aggregate node's data: the aggregation, its record cache, and what each cached row id means. */
export interface AggregateNodeData {
  agg: AggregateState;
  cache: CacheState;
  /** Key and time range of every cached row id, to rebuild the Change when the cache forwards it. */
  meta: Map<string, { key: string; win?: Window; timestampMs: number }>;
}

/** A task's processor state as plain data (kernel checkpoints copy it); keyed by node, step or store. */
export type ProcessorData = Record<
  string,
  AggregateNodeData | SuppressState | JoinState | Map<string, StreamValue>
>;

export interface AggregateRuntime {
  proc: AggregateProcessor;
  cache: CachedStore;
  store: string;
  meta: AggregateNodeData['meta'];
}

/** Live objects over the task's data, for processing and for the views. */
export interface TaskState {
  aggregates: Map<string, AggregateRuntime>;
  suppressors: Map<string, { proc: SuppressProcessor; store: string }>;
  joins: Map<string, StreamStreamJoin>;
  tables: Map<string, StreamTableJoin>;
}

/** Exactly the StreamTask members the processors use; StreamTask implements it. */
export interface TaskContext {
  readonly graph: TopologyGraph;
  readonly config: { readonly cacheMaxBytes: number };
  readonly data: { readonly processors: ProcessorData };
  readonly impls: Map<string, NodeImpl>;
  readonly state: TaskState;
  readonly flushers: (() => void)[];
  readonly restorers: Map<string, (key: string, value: string | null) => void>;
  /** Read at each write: StreamTask replaces its output object when the caller takes it. */
  readonly out: { readonly changelog: ChangelogWrite[] };
  readonly currentSource: RecordSource | undefined;
  forward(from: TopologyNode, r: TaskRecord, only?: string): void;
  drop(node: TopologyNode, message: string, timestampMs: number, win?: Window): void;
}
