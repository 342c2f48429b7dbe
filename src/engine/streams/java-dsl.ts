/**
 * The same topology as Kafka Streams Java DSL source, so a learner can see (and paste) the program
 * whose describe() output StreamLab prints. The operators, names, windows, Materialized / Grouped /
 * Suppressed / JoinWindows arguments are exact; lambda bodies are the expressions written in Java
 * style, with value fields as record accessors (`value.amount()`), which is the one liberty taken.
 */
import { parseExpr, type Expr } from './expr';
import type { TopologyGraph } from './topology-builder';
import type { TopologyStep } from './topology-spec';
import type { JoinWindowSpec, WindowSpec } from './windows';

const q = (s: string) => JSON.stringify(s);
const ms = (n: number) => `Duration.ofMillis(${n})`;

function javaExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.value === null ? 'null' : typeof e.value === 'string' ? q(e.value) : String(e.value);
    case 'path':
      if (e.root === 'timestamp') return 'timestamp';
      return [e.root, ...e.fields.map((f) => `${f}()`)].join('.');
    case 'unary':
      return `${e.op}${javaExpr(e.arg)}`;
    case 'binary': {
      const [a, b] = [javaExpr(e.left), javaExpr(e.right)];
      if (e.op === '==') return `Objects.equals(${a}, ${b})`;
      if (e.op === '!=') return `!Objects.equals(${a}, ${b})`;
      return `(${a} ${e.op} ${b})`;
    }
    case 'call': {
      const args = e.args.map(javaExpr);
      const [a, b] = [args[0] ?? '', args[1] ?? ''];
      switch (e.fn) {
        case 'upper':
          return `${a}.toUpperCase()`;
        case 'lower':
          return `${a}.toLowerCase()`;
        case 'len':
          return `${a}.length()`;
        case 'concat':
          return `String.join("", ${args.map((x) => `String.valueOf(${x})`).join(', ')})`;
        case 'split':
          return `Arrays.asList(${a}.split(${b}))`;
        case 'contains':
          return `${a}.contains(${b})`;
        case 'number':
          return `Double.parseDouble(String.valueOf(${a}))`;
        case 'string':
          return `String.valueOf(${a})`;
        case 'floor':
          return `Math.floor(${a})`;
        case 'abs':
          return `Math.abs(${a})`;
        case 'coalesce':
          return args.reduceRight((acc, x) => `Objects.requireNonNullElse(${x}, ${acc})`);
      }
    }
  }
}

/** An expression as a Java lambda body, outer parentheses dropped. */
function lambda(source: string): string {
  const text = javaExpr(parseExpr(source));
  return text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1) : text;
}

function windowJava(w: WindowSpec): string {
  switch (w.type) {
    case 'tumbling':
      return w.graceMs > 0
        ? `TimeWindows.ofSizeAndGrace(${ms(w.sizeMs)}, ${ms(w.graceMs)})`
        : `TimeWindows.ofSizeWithNoGrace(${ms(w.sizeMs)})`;
    case 'hopping':
      return `${windowJava({ type: 'tumbling', sizeMs: w.sizeMs, graceMs: w.graceMs })}.advanceBy(${ms(w.advanceMs)})`;
    case 'sliding':
      return w.graceMs > 0
        ? `SlidingWindows.ofTimeDifferenceAndGrace(${ms(w.differenceMs)}, ${ms(w.graceMs)})`
        : `SlidingWindows.ofTimeDifferenceWithNoGrace(${ms(w.differenceMs)})`;
    case 'session':
      return w.graceMs > 0
        ? `SessionWindows.ofInactivityGapAndGrace(${ms(w.gapMs)}, ${ms(w.graceMs)})`
        : `SessionWindows.ofInactivityGapWithNoGrace(${ms(w.gapMs)})`;
  }
}

function joinWindowJava(w: JoinWindowSpec): string {
  const base =
    w.graceMs > 0
      ? `JoinWindows.ofTimeDifferenceAndGrace(${ms(w.afterMs)}, ${ms(w.graceMs)})`
      : `JoinWindows.ofTimeDifferenceWithNoGrace(${ms(w.afterMs)})`;
  return w.beforeMs === w.afterMs ? base : `${base}.before(${ms(w.beforeMs)})`;
}

/** Java keywords a step id could collide with get a trailing underscore. */
const JAVA_KEYWORDS = new Set(
  'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while var yield record true false null builder topology'.split(
    ' ',
  ),
);

function javaName(id: string): string {
  const n = id.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
  return JAVA_KEYWORDS.has(n) ? `${n}_` : n;
}

const named = (name: string | undefined, cls = 'Named') =>
  name !== undefined ? `, ${cls}.as(${q(name)})` : '';

function stepJava(step: TopologyStep, graph: TopologyGraph): string {
  const v = javaName;
  const decl = `var ${v(step.id)} = `;
  switch (step.op) {
    case 'stream':
      return `${decl}builder.stream(${q(step.topic)}${step.name !== undefined ? `, Consumed.as(${q(step.name)})` : ''});`;
    case 'table':
      return `${decl}builder.table(${q(step.topic)}${step.store !== undefined ? `, Materialized.as(${q(step.store)})` : ''});`;
    case 'filter':
    case 'filterNot':
      return `${decl}${v(step.from)}.${step.op}((key, value) -> ${lambda(step.predicate)}${named(step.name)});`;
    case 'map':
      return `${decl}${v(step.from)}.map((key, value) -> KeyValue.pair(${lambda(step.key)}, ${lambda(step.value)})${named(step.name)});`;
    case 'mapValues':
      return `${decl}${v(step.from)}.mapValues((key, value) -> ${lambda(step.value)}${named(step.name)});`;
    case 'selectKey':
      return `${decl}${v(step.from)}.selectKey((key, value) -> ${lambda(step.key)}${named(step.name)});`;
    case 'flatMapValues':
      return `${decl}${v(step.from)}.flatMapValues((key, value) -> ${lambda(step.values)}${named(step.name)});`;
    case 'split': {
      const branches = step.branches
        .map(
          (b) =>
            `\n    .branch((key, value) -> ${lambda(b.predicate ?? 'true')}${b.name !== undefined ? `, Branched.as(${q(b.name)})` : ''})`,
        )
        .join('');
      const end = step.defaultBranch
        ? `\n    .defaultBranch(${step.defaultBranch.name !== undefined ? `Branched.as(${q(step.defaultBranch.name)})` : ''});`
        : '\n    .noDefaultBranch();';
      const gets = [...step.branches, ...(step.defaultBranch ? [step.defaultBranch] : [])]
        .map((b) => `\nvar ${v(b.id)} = ${v(step.id)}.get(${q(graph.outputOf[b.id]!)});`)
        .join('');
      return `${decl}${v(step.from)}.split(${step.name !== undefined ? `Named.as(${q(step.name)})` : ''})${branches}${end}${gets}`;
    }
    case 'groupByKey':
      return `${decl}${v(step.from)}.groupByKey(${step.name !== undefined ? `Grouped.as(${q(step.name)})` : ''});`;
    case 'groupBy':
      return `${decl}${v(step.from)}.groupBy((key, value) -> ${lambda(step.key)}${named(step.name, 'Grouped')});`;
    case 'windowedBy':
      return `${decl}${v(step.from)}.windowedBy(${windowJava(step.windows)});`;
    case 'aggregate': {
      const mat = step.store !== undefined ? `Materialized.as(${q(step.store)})` : '';
      const of = lambda(step.of ?? 'value');
      const nm = step.name !== undefined ? `Named.as(${q(step.name)})` : '';
      const args = (...xs: string[]) => xs.filter((x) => x !== '').join(', ');
      if (step.kind === 'count') return `${decl}${v(step.from)}.count(${args(nm, mat)});`;
      if (step.kind === 'latest')
        return `${decl}${v(step.from)}.reduce(${args('(agg, value) -> value', nm, mat)});`;
      const body =
        step.kind === 'sum' ? `agg + ${of}` : `agg == null ? ${of} : Math.${step.kind}(agg, ${of})`;
      const init = step.kind === 'sum' ? '() -> 0.0' : '() -> null';
      return `${decl}${v(step.from)}.aggregate(${args(init, `(key, value, agg) -> ${body}`, nm, mat)});`;
    }
    case 'suppress':
      return `${decl}${v(step.from)}.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())${step.name !== undefined ? `.withName(${q(step.name)})` : ''});`;
    case 'toStream':
      return `${decl}${v(step.from)}.toStream(${step.name !== undefined ? `Named.as(${q(step.name)})` : ''});`;
    case 'to':
      return `${v(step.from)}.to(${q(step.topic)}${step.name !== undefined ? `, Produced.as(${q(step.name)})` : ''});`;
    case 'join': {
      const method = step.kind === 'inner' ? 'join' : step.kind === 'left' ? 'leftJoin' : 'outerJoin';
      const sj =
        step.name !== undefined
          ? `,\n    StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName(${q(step.name)})`
          : '';
      return `${decl}${v(step.from)}.${method}(${v(step.other)},\n    (left, right) -> joined(left, right),\n    ${joinWindowJava(step.windows)}${sj});`;
    }
    case 'tableJoin': {
      const method = step.kind === 'inner' ? 'join' : 'leftJoin';
      return `${decl}${v(step.from)}.${method}(${v(step.table)}, (left, right) -> joined(left, right)${step.name !== undefined ? `, Joined.as(${q(step.name)})` : ''});`;
    }
  }
}

/** The whole program: imports elided, one statement per step, ending with builder.build(). */
export function toJavaDsl(graph: TopologyGraph): string {
  const lines = [
    '// Kafka Streams DSL. Values are records with accessors (value.amount()); joined(l, r) builds {"left": l, "right": r}.',
    'StreamsBuilder builder = new StreamsBuilder();',
    ...graph.spec.steps.map((s) => stepJava(s, graph)),
    'Topology topology = builder.build();',
    'System.out.println(topology.describe());',
  ];
  return `${lines.join('\n')}\n`;
}
