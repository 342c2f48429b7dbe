/**
 * A topology as data: the DSL calls a Kafka Streams program makes, in order, each naming the step it
 * continues from. JSON-safe, so it travels in share links and files like any command; every expression
 * is parsed (never run) by validateTopologySpec.
 */
import { EngineError } from '../errors';
import { validateTopicName } from '../cluster/topic-name';
import { parseExpr } from './expr';
import type { AggregateKind } from './aggregate';
import { validateWindowSpec, type JoinWindowSpec, type WindowSpec } from './windows';

export interface BranchSpec {
  /** The handle later steps use for this branch. */
  id: string;
  /** Omitted for the default branch. */
  predicate?: string;
  /** Branched.as(name); otherwise Kafka numbers the branch. */
  name?: string;
}

/** Optional `name` is Kafka's Named/Grouped/StreamJoined name; without it Kafka generates one. */
export type TopologyStep =
  | { id: string; op: 'stream'; topic: string; name?: string }
  | { id: string; op: 'table'; topic: string; store?: string }
  | { id: string; op: 'filter' | 'filterNot'; from: string; predicate: string; name?: string }
  | { id: string; op: 'map'; from: string; key: string; value: string; name?: string }
  | { id: string; op: 'mapValues'; from: string; value: string; name?: string }
  | { id: string; op: 'selectKey'; from: string; key: string; name?: string }
  | { id: string; op: 'flatMapValues'; from: string; values: string; name?: string }
  | {
      id: string;
      op: 'split';
      from: string;
      branches: BranchSpec[];
      defaultBranch?: BranchSpec;
      name?: string;
    }
  | { id: string; op: 'groupByKey'; from: string; name?: string }
  | { id: string; op: 'groupBy'; from: string; key: string; name?: string }
  | { id: string; op: 'windowedBy'; from: string; windows: WindowSpec }
  | {
      id: string;
      op: 'aggregate';
      from: string;
      kind: AggregateKind;
      of?: string;
      store?: string;
      name?: string;
    }
  | { id: string; op: 'suppress'; from: string; name?: string }
  | { id: string; op: 'toStream'; from: string; name?: string }
  | { id: string; op: 'to'; from: string; topic: string; name?: string }
  | {
      id: string;
      op: 'join';
      from: string;
      other: string;
      kind: 'inner' | 'left' | 'outer';
      windows: JoinWindowSpec;
      name?: string;
    }
  | { id: string; op: 'tableJoin'; from: string; table: string; kind: 'inner' | 'left'; name?: string };

export type StepOp = TopologyStep['op'];

export interface TopologySpec {
  steps: TopologyStep[];
}

/** What a step's handle is, which decides what may follow it (KStream, KTable, grouped, windowed). */
export type HandleKind = 'stream' | 'table' | 'grouped' | 'windowed' | 'sink' | 'split';

const STREAM_ONLY = new Set<StepOp>([
  'filter',
  'filterNot',
  'map',
  'mapValues',
  'selectKey',
  'flatMapValues',
  'split',
  'groupByKey',
  'groupBy',
  'to',
  'join',
  'tableJoin',
]);

const MAX_STEPS = 64;
const NAME_RE = /^[A-Za-z0-9._-]{1,120}$/;

function bad(step: { id?: unknown }, message: string): never {
  throw new EngineError('INVALID_COMMAND', `Topology step ${String(step.id ?? '?')}: ${message}`);
}

function checkExpr(step: TopologyStep, field: string, source: unknown): void {
  if (typeof source !== 'string') bad(step, `${field} must be an expression string.`);
  parseExpr(source);
}

/** Validates shape, handles and expressions; returns the kind of every handle. */
export function validateTopologySpec(spec: TopologySpec): Map<string, HandleKind> {
  if (!spec || !Array.isArray(spec.steps) || spec.steps.length === 0) {
    throw new EngineError('INVALID_COMMAND', 'A topology needs at least one step (start with a stream).');
  }
  if (spec.steps.length > MAX_STEPS) {
    throw new EngineError('INVALID_COMMAND', `A topology may have at most ${MAX_STEPS} steps.`);
  }
  const kinds = new Map<string, HandleKind>();
  const windowed = new Set<string>();
  const define = (step: TopologyStep, id: unknown, kind: HandleKind) => {
    if (typeof id !== 'string' || !NAME_RE.test(id))
      bad(step, 'id must be 1–120 letters, digits, ".", "_" or "-".');
    if (kinds.has(id)) bad(step, `the id ${id} is used twice.`);
    kinds.set(id, kind);
  };
  const input = (step: TopologyStep, ref: unknown, want: HandleKind[]): HandleKind => {
    const k = typeof ref === 'string' ? kinds.get(ref) : undefined;
    if (!k) bad(step, `continues from ${String(ref)}, which is not an earlier step.`);
    if (!want.includes(k))
      bad(step, `${step.op} needs a ${want.join(' or ')}, but ${String(ref)} is a ${k}.`);
    return k;
  };
  for (const step of spec.steps) {
    if (!step || typeof step !== 'object')
      throw new EngineError('INVALID_COMMAND', 'Each topology step must be an object.');
    if (
      'name' in step &&
      step.name !== undefined &&
      (typeof step.name !== 'string' || !NAME_RE.test(step.name))
    ) {
      bad(step, 'name must be 1–120 letters, digits, ".", "_" or "-".');
    }
    if (STREAM_ONLY.has(step.op)) input(step, (step as { from: unknown }).from, ['stream']);
    switch (step.op) {
      case 'stream':
      case 'table':
        validateTopicName(step.topic);
        if (step.op === 'table' && step.store !== undefined && !NAME_RE.test(step.store))
          bad(step, 'store name is invalid.');
        define(step, step.id, step.op);
        break;
      case 'filter':
      case 'filterNot':
        checkExpr(step, 'predicate', step.predicate);
        define(step, step.id, 'stream');
        break;
      case 'map':
        checkExpr(step, 'key', step.key);
        checkExpr(step, 'value', step.value);
        define(step, step.id, 'stream');
        break;
      case 'mapValues':
        checkExpr(step, 'value', step.value);
        define(step, step.id, 'stream');
        break;
      case 'selectKey':
      case 'groupBy':
        checkExpr(step, 'key', step.key);
        define(step, step.id, step.op === 'groupBy' ? 'grouped' : 'stream');
        break;
      case 'flatMapValues':
        checkExpr(step, 'values', step.values);
        define(step, step.id, 'stream');
        break;
      case 'split': {
        if (!Array.isArray(step.branches) || step.branches.length === 0)
          bad(step, 'split needs at least one branch.');
        define(step, step.id, 'split');
        for (const b of step.branches) {
          checkExpr(step, 'branch predicate', b.predicate);
          define(step, b.id, 'stream');
        }
        if (step.defaultBranch) define(step, step.defaultBranch.id, 'stream');
        break;
      }
      case 'groupByKey':
        define(step, step.id, 'grouped');
        break;
      case 'windowedBy':
        input(step, step.from, ['grouped']);
        validateWindowSpec(step.windows);
        define(step, step.id, 'windowed');
        break;
      case 'aggregate':
        input(step, step.from, ['grouped', 'windowed']);
        if (!['count', 'sum', 'min', 'max', 'latest'].includes(step.kind))
          bad(step, `unknown aggregation ${String(step.kind)}.`);
        if (step.of !== undefined) checkExpr(step, 'of', step.of);
        if (step.store !== undefined && !NAME_RE.test(step.store)) bad(step, 'store name is invalid.');
        define(step, step.id, 'table');
        if (kinds.get(step.from) === 'windowed') windowed.add(step.id);
        break;
      case 'suppress':
        input(step, step.from, ['table']);
        if (!windowed.has(step.from)) bad(step, 'suppress(untilWindowCloses) needs a windowed aggregation.');
        define(step, step.id, 'table');
        windowed.add(step.id);
        break;
      case 'toStream':
        input(step, step.from, ['table']);
        define(step, step.id, 'stream');
        break;
      case 'to':
        validateTopicName(step.topic);
        define(step, step.id, 'sink');
        break;
      case 'join': {
        input(step, step.other, ['stream']);
        if (!['inner', 'left', 'outer'].includes(step.kind))
          bad(step, `unknown join kind ${String(step.kind)}.`);
        const w = step.windows;
        for (const [n, v] of [
          ['before', w?.beforeMs],
          ['after', w?.afterMs],
          ['grace', w?.graceMs],
        ] as const) {
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
            bad(step, `join windows ${n} must be a non-negative whole number of ms.`);
        }
        define(step, step.id, 'stream');
        break;
      }
      case 'tableJoin':
        input(step, step.table, ['table']);
        if (!['inner', 'left'].includes(step.kind))
          bad(step, `unknown stream-table join kind ${String(step.kind)}.`);
        define(step, step.id, 'stream');
        break;
      default:
        bad(step, `unknown operator ${String((step as { op: unknown }).op)}.`);
    }
  }
  return kinds;
}
