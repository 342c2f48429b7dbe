/**
 * The topology editor's model (issue 17, item 1): a pipeline as a list of form rows, each an
 * operator with its fields as typed text. `checkDraft` turns the rows into the engine's
 * TopologySpec and validates it with the engine's own validator and expression parser (expressions
 * are parsed, never run), pinning each error to the row and field it is about; a valid draft comes
 * back with the same topology as Kafka Streams Java DSL text and as Topology#describe() output.
 */
import {
  buildTopology,
  describeTopology,
  parseExpr,
  toJavaDsl,
  validateTopologySpec,
  type BranchSpec,
  type TopologySpec,
  type TopologyStep,
  type WindowSpec,
} from '../../engine/index';

/** Every operator of the DSL the editor offers, in the order a pipeline usually uses them. */
export const OPERATORS = [
  'stream',
  'table',
  'filter',
  'filterNot',
  'map',
  'mapValues',
  'selectKey',
  'flatMapValues',
  'split',
  'groupByKey',
  'groupBy',
  'windowedBy',
  'aggregate',
  'suppress',
  'toStream',
  'to',
  'join',
  'tableJoin',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** One row of the editor: every field as the learner typed it (unused fields are ignored). */
export interface DraftStep {
  id: string;
  op: Operator;
  from: string;
  topic: string;
  /** filter/filterNot predicate, map/selectKey/groupBy key, mapValues/map value, flatMapValues values. */
  predicate: string;
  key: string;
  value: string;
  values: string;
  /** split: one branch predicate per line (the branches are `<id>-1`, `<id>-2`, … and `<id>-default`). */
  branches: string;
  kind: string;
  of: string;
  store: string;
  windowType: WindowSpec['type'];
  sizeMs: string;
  advanceMs: string;
  gapMs: string;
  graceMs: string;
  /** join: the other stream; tableJoin: the table. */
  other: string;
  beforeMs: string;
  afterMs: string;
}

/** Which fields each operator shows (besides its id and, for all but sources, `from`). */
export const FIELDS: Record<Operator, (keyof DraftStep)[]> = {
  stream: ['topic'],
  table: ['topic', 'store'],
  filter: ['predicate'],
  filterNot: ['predicate'],
  map: ['key', 'value'],
  mapValues: ['value'],
  selectKey: ['key'],
  flatMapValues: ['values'],
  split: ['branches'],
  groupByKey: [],
  groupBy: ['key'],
  windowedBy: ['windowType', 'sizeMs', 'advanceMs', 'gapMs', 'graceMs'],
  aggregate: ['kind', 'of', 'store'],
  suppress: [],
  toStream: [],
  to: ['topic'],
  join: ['other', 'kind', 'beforeMs', 'afterMs', 'graceMs'],
  tableJoin: ['other', 'kind'],
};

/** The fields that hold an expression of the expression language. */
export const EXPRESSION_FIELDS = new Set<keyof DraftStep>(['predicate', 'key', 'value', 'values', 'of']);

export function blankStep(id: string, op: Operator, from = ''): DraftStep {
  return {
    id,
    op,
    from,
    topic: '',
    predicate: '',
    key: '',
    value: '',
    values: '',
    branches: '',
    kind: op === 'aggregate' ? 'count' : op === 'join' || op === 'tableJoin' ? 'inner' : '',
    of: '',
    store: '',
    windowType: 'tumbling',
    sizeMs: '60000',
    advanceMs: '',
    gapMs: '',
    graceMs: '0',
    other: '',
    beforeMs: '5000',
    afterMs: '5000',
  };
}

/** A problem with the draft: which row and field it is about (field omitted: the row as a whole). */
export interface DraftError {
  row: number;
  field?: keyof DraftStep;
  message: string;
}

export interface DraftResult {
  spec: TopologySpec | null;
  errors: DraftError[];
  java: string;
  describe: string;
}

class FieldError extends Error {
  constructor(
    readonly field: keyof DraftStep,
    message: string,
  ) {
    super(message);
  }
}

function ms(d: DraftStep, field: keyof DraftStep): number {
  const text = String(d[field]).trim();
  if (!/^\d{1,12}$/.test(text))
    throw new FieldError(field, `${field} must be a whole number of milliseconds.`);
  return Number(text);
}

function expr(d: DraftStep, field: keyof DraftStep, optional = false): string {
  const text = String(d[field]).trim();
  if (text === '' && optional) return '';
  if (text === '') throw new FieldError(field, `${field} needs an expression, e.g. value.amount > 100.`);
  try {
    parseExpr(text);
  } catch (e) {
    throw new FieldError(field, e instanceof Error ? e.message : String(e));
  }
  return text;
}

function windows(d: DraftStep): WindowSpec {
  const graceMs = ms(d, 'graceMs');
  switch (d.windowType) {
    case 'tumbling':
      return { type: 'tumbling', sizeMs: ms(d, 'sizeMs'), graceMs };
    case 'hopping':
      return { type: 'hopping', sizeMs: ms(d, 'sizeMs'), advanceMs: ms(d, 'advanceMs'), graceMs };
    case 'sliding':
      return { type: 'sliding', differenceMs: ms(d, 'sizeMs'), graceMs };
    case 'session':
      return { type: 'session', gapMs: ms(d, 'gapMs'), graceMs };
  }
}

/** One row as the engine's step (field errors thrown as FieldError). */
export function toStep(d: DraftStep): TopologyStep {
  const id = d.id.trim();
  const from = d.from.trim();
  const optional = (field: 'store', value: string) => (value.trim() ? { [field]: value.trim() } : {});
  switch (d.op) {
    case 'stream':
      return { id, op: 'stream', topic: d.topic.trim() };
    case 'table':
      return { id, op: 'table', topic: d.topic.trim(), ...optional('store', d.store) };
    case 'filter':
    case 'filterNot':
      return { id, op: d.op, from, predicate: expr(d, 'predicate') };
    case 'map':
      return { id, op: 'map', from, key: expr(d, 'key'), value: expr(d, 'value') };
    case 'mapValues':
      return { id, op: 'mapValues', from, value: expr(d, 'value') };
    case 'selectKey':
      return { id, op: 'selectKey', from, key: expr(d, 'key') };
    case 'groupBy':
      return { id, op: 'groupBy', from, key: expr(d, 'key') };
    case 'flatMapValues':
      return { id, op: 'flatMapValues', from, values: expr(d, 'values') };
    case 'split': {
      const lines = d.branches
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '');
      if (lines.length === 0) throw new FieldError('branches', 'split needs at least one branch predicate.');
      const branches: BranchSpec[] = lines.map((predicate, i) => {
        try {
          parseExpr(predicate);
        } catch (e) {
          throw new FieldError('branches', `branch ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
        }
        return { id: `${id}-${i + 1}`, predicate };
      });
      return { id, op: 'split', from, branches, defaultBranch: { id: `${id}-default` } };
    }
    case 'groupByKey':
    case 'suppress':
    case 'toStream':
      return { id, op: d.op, from };
    case 'windowedBy':
      return { id, op: 'windowedBy', from, windows: windows(d) };
    case 'aggregate': {
      const of = expr(d, 'of', true);
      return {
        id,
        op: 'aggregate',
        from,
        kind: d.kind as 'count',
        ...(of ? { of } : {}),
        ...optional('store', d.store),
      };
    }
    case 'to':
      return { id, op: 'to', from, topic: d.topic.trim() };
    case 'join':
      return {
        id,
        op: 'join',
        from,
        other: d.other.trim(),
        kind: d.kind as 'inner',
        windows: { beforeMs: ms(d, 'beforeMs'), afterMs: ms(d, 'afterMs'), graceMs: ms(d, 'graceMs') },
      };
    case 'tableJoin':
      return { id, op: 'tableJoin', from, table: d.other.trim(), kind: d.kind as 'inner' };
  }
}

/** Which row an engine message (`Topology step <id>: …`) is about. */
function rowOf(rows: DraftStep[], message: string): number {
  const m = /^Topology step (\S+?):/.exec(message);
  if (!m) return -1;
  return rows.findIndex(
    (r) => r.id.trim() === m[1] || (r.op === 'split' && m[1]!.startsWith(`${r.id.trim()}-`)),
  );
}

/** Builds and validates the draft; a valid one comes with its Java DSL and describe() texts. */
export function checkDraft(rows: DraftStep[]): DraftResult {
  const errors: DraftError[] = [];
  const steps: TopologyStep[] = [];
  rows.forEach((d, row) => {
    try {
      steps.push(toStep(d));
    } catch (e) {
      if (e instanceof FieldError) errors.push({ row, field: e.field, message: e.message });
      else throw e;
    }
  });
  if (errors.length > 0) return { spec: null, errors, java: '', describe: '' };
  const spec: TopologySpec = { steps };
  try {
    validateTopologySpec(spec);
    const graph = buildTopology(spec);
    return { spec, errors, java: toJavaDsl(graph), describe: describeTopology(graph) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { spec: null, errors: [{ row: rowOf(rows, message), message }], java: '', describe: '' };
  }
}

/** A first pipeline to start from: read a topic, keep some records, write them to another topic. */
export function starterDraft(sourceTopic: string, sinkTopic: string): DraftStep[] {
  return [
    { ...blankStep('orders', 'stream'), topic: sourceTopic },
    { ...blankStep('big', 'filter', 'orders'), predicate: 'len(value) > 3' },
    { ...blankStep('out', 'to', 'big'), topic: sinkTopic },
  ];
}
