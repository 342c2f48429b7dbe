/**
 * A topology spec (src/engine/streams/topology-spec.ts) planned as a Flink job: the same steps, run
 * as Flink would run that DataStream program.
 *
 *   Source: KafkaSource(topic) → the stateless steps (chained into the source task)
 *     ─ keyBy (all-to-all exchange by key group) ─▶
 *   the keyed aggregation (event-time tumbling/hopping Window, or a rolling aggregate)
 *     → the steps after toStream → Sink: KafkaSink(topic)  (chained)
 *
 * A pipeline without grouping is one chained vertex. Operators a Flink DataStream job would express
 * differently (tables, joins, split, sliding and session windows here) are refused with a clear error.
 */
import { EngineError } from '../errors';
import { makeAggregator, type AggregateSpec, type Aggregator } from '../streams/aggregate';
import { compileExpr, formatValue, isTruthy, parseRecordValue } from '../streams/expr';
import type { StreamValue } from '../streams/expr';
import { validateTopologySpec, type TopologySpec, type TopologyStep } from '../streams/topology-spec';

export interface FlinkRecord {
  key: string | null;
  value: StreamValue;
  timestampMs: number;
}

export interface JobPlan {
  sourceTopic: string;
  sinkTopic: string;
  /** Stateless steps chained into the source (before keyBy). */
  pre: TopologyStep[];
  /** Present when the job has a keyBy: the key expression (null: keep the record key). */
  keyed: null | {
    groupKey: string | null;
    timeWindow: null | { sizeMs: number; advanceMs: number; graceMs: number };
    aggregate: AggregateSpec;
  };
  /** Stateless steps after the aggregation (toStream onwards), chained into the sink task. */
  post: TopologyStep[];
}

const STATELESS = new Set(['filter', 'filterNot', 'map', 'mapValues', 'selectKey', 'flatMapValues']);

function refuse(message: string): never {
  throw new EngineError('INVALID_COMMAND', `flink.submit: ${message}`);
}

/** Plans a linear topology spec as a Flink job, or says which step Flink mode does not run. */
export function planJob(spec: TopologySpec): JobPlan {
  validateTopologySpec(spec);
  const steps = spec.steps;
  const first = steps[0]!;
  if (first.op !== 'stream') refuse('the job must start with a stream source.');
  const plan: JobPlan = { sourceTopic: first.topic, sinkTopic: '', pre: [], keyed: null, post: [] };
  let prev = first.id;
  let phase: 'pre' | 'grouped' | 'windowed' | 'aggregated' | 'post' | 'done' = 'pre';
  let groupKey: string | null = null;
  let timeWindow: NonNullable<JobPlan['keyed']>['timeWindow'] = null;
  for (const step of steps.slice(1)) {
    if (!('from' in step) || step.from !== prev)
      refuse(`step ${step.id} must continue from ${prev}: Flink mode runs one straight pipeline.`);
    prev = step.id;
    if (STATELESS.has(step.op) && (phase === 'pre' || phase === 'post')) {
      (phase === 'pre' ? plan.pre : plan.post).push(step);
    } else if ((step.op === 'groupByKey' || step.op === 'groupBy') && phase === 'pre') {
      groupKey = step.op === 'groupBy' ? step.key : null;
      phase = 'grouped';
    } else if (step.op === 'windowedBy' && phase === 'grouped') {
      const w = step.windows;
      if (w.type !== 'tumbling' && w.type !== 'hopping')
        refuse(`${w.type} windows are not modelled in Flink mode (tumbling and hopping are).`);
      timeWindow = {
        sizeMs: w.sizeMs,
        advanceMs: w.type === 'hopping' ? w.advanceMs : w.sizeMs,
        graceMs: w.graceMs,
      };
      phase = 'windowed';
    } else if (step.op === 'aggregate' && (phase === 'grouped' || phase === 'windowed')) {
      plan.keyed = {
        groupKey,
        timeWindow,
        aggregate: { kind: step.kind, ...(step.of ? { of: step.of } : {}) },
      };
      phase = 'aggregated';
    } else if (step.op === 'suppress' && phase === 'aggregated') {
      // An event-time Window in Flink emits once, when the watermark passes its end: what
      // suppress(untilWindowCloses) does in Kafka Streams.
    } else if (step.op === 'toStream' && phase === 'aggregated') {
      phase = 'post';
    } else if (step.op === 'to' && (phase === 'pre' || phase === 'post')) {
      plan.sinkTopic = step.topic;
      phase = 'done';
    } else {
      refuse(`step ${step.id} (${step.op}) is not modelled in Flink mode here.`);
    }
  }
  if (phase !== 'done') refuse('the job must end with to(topic), its Kafka sink.');
  return plan;
}

/** The chained stateless steps as one function: a record in, zero or more out. */
export function statelessChain(steps: readonly TopologyStep[]): (r: FlinkRecord) => FlinkRecord[] {
  const fns = steps.map(stepFn);
  return (r) => {
    let batch = [r];
    for (const fn of fns) batch = batch.flatMap(fn);
    return batch;
  };
}

const keyText = (v: StreamValue): string | null =>
  v === null ? null : typeof v === 'string' ? v : formatValue(v);

function stepFn(step: TopologyStep): (r: FlinkRecord) => FlinkRecord[] {
  const view = (r: FlinkRecord) => ({ key: r.key, value: r.value, timestamp: r.timestampMs });
  switch (step.op) {
    case 'filter':
    case 'filterNot': {
      const p = compileExpr(step.predicate);
      const want = step.op === 'filter';
      return (r) => (isTruthy(p(view(r))) === want ? [r] : []);
    }
    case 'map': {
      const [k, v] = [compileExpr(step.key), compileExpr(step.value)];
      return (r) => [{ ...r, key: keyText(k(view(r))), value: v(view(r)) }];
    }
    case 'mapValues': {
      const v = compileExpr(step.value);
      return (r) => [{ ...r, value: v(view(r)) }];
    }
    case 'selectKey': {
      const k = compileExpr(step.key);
      return (r) => [{ ...r, key: keyText(k(view(r))) }];
    }
    case 'flatMapValues': {
      const v = compileExpr(step.values);
      return (r) => {
        const out = v(view(r));
        return (Array.isArray(out) ? out : [out]).map((x) => ({ ...r, value: x }));
      };
    }
    default:
      return (r) => [r];
  }
}

export function groupKeyFn(expr: string | null): (r: FlinkRecord) => string | null {
  if (expr === null) return (r) => r.key;
  const k = compileExpr(expr);
  return (r) => keyText(k({ key: r.key, value: r.value, timestamp: r.timestampMs }));
}

export function aggregatorOf(spec: AggregateSpec): Aggregator {
  return makeAggregator(spec);
}

export const valueOf = (raw: string | null): StreamValue => parseRecordValue(raw);
export const valueText = (v: StreamValue): string | null => formatValue(v);
