/**
 * kafka-topics (Kafka's TopicCommand.java, 4.0 line): --create, --list, --describe with its
 * filters, --alter --partitions, --delete. Output and errors as TopicCommand prints them.
 */
import { isEngineError, type PartitionSnapshot, type TopicSnapshot } from '../../engine';
import { checkBootstrap, isInternalTopic, leaderReplica, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import { done, type CliResult, type CliTarget } from '../types';
import { TOPICS_HELP } from '../help/kafka-topics';
import { parseWith, usage, requireArg, forbid } from './usage';

export const TOPICS_OPTIONS: OptionSpecs = {
  alter: {},
  'at-min-isr-partitions': {},
  'bootstrap-server': { arg: true },
  'command-config': { arg: true },
  config: { arg: true },
  create: {},
  delete: {},
  'delete-config': { arg: true },
  describe: {},
  'exclude-internal': {},
  help: {},
  'if-exists': {},
  'if-not-exists': {},
  list: {},
  'partition-size-limit-per-response': { arg: true },
  partitions: { arg: true },
  'replica-assignment': { arg: true },
  'replication-factor': { arg: true },
  topic: { arg: true },
  'topic-id': { arg: true },
  'topics-with-overrides': {},
  'unavailable-partitions': {},
  'under-min-isr-partitions': {},
  'under-replicated-partitions': {},
  version: {},
};

const ACTIONS = ['alter', 'create', 'describe', 'list', 'delete'] as const;
const REPORTS = [
  'under-replicated-partitions',
  'under-min-isr-partitions',
  'at-min-isr-partitions',
  'unavailable-partitions',
];

/** An exception escaping TopicCommand.execute: printed on stderr by mainNoExit. */
const uncaught = (cls: string, msg: string): CliResult => done('', `${msg}\n${stackTrace(cls, msg)}`, 1);
const failed = (msg: string): CliResult => done(`Error while executing topic command : ${msg}\n`, '', 1);

export function kafkaTopics(target: CliTarget, args: string[]): CliResult {
  const parsed = parseWith(TOPICS_OPTIONS, args, 'uncaught');
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0) return usage('Create, delete, describe, or change a topic.', TOPICS_HELP);
  if (o.has('help'))
    return usage('This tool helps to create, delete, describe, or change a topic.', TOPICS_HELP);
  if (ACTIONS.filter((a) => o.has(a)).length !== 1) {
    return usage(
      'Command must include exactly one action: --list, --describe, --create, --alter or --delete',
      TOPICS_HELP,
    );
  }
  let stderr = '';
  if (o.has('delete-config')) {
    stderr +=
      'delete-config option is no longer supported and deprecated since version 4.0. The config will be fully removed in future releases.\n';
  }
  if (!o.has('bootstrap-server'))
    return uncaught('java.lang.IllegalArgumentException', '--bootstrap-server must be specified');
  const checks =
    (!o.has('list') && !o.has('describe') ? requireArg(o, 'topic', TOPICS_HELP) : null) ??
    (o.has('alter') ? requireArg(o, 'partitions', TOPICS_HELP) : null) ??
    forbid(o, 'config', ['describe', 'list', 'delete'], TOPICS_HELP) ??
    forbid(o, 'partitions', ['describe', 'list', 'delete'], TOPICS_HELP) ??
    forbid(o, 'replication-factor', ['alter', 'describe', 'list', 'delete'], TOPICS_HELP) ??
    forbid(o, 'replica-assignment', ['describe', 'list', 'delete'], TOPICS_HELP) ??
    (o.has('create')
      ? forbid(o, 'replica-assignment', ['partitions', 'replication-factor'], TOPICS_HELP)
      : null) ??
    REPORTS.reduce<CliResult | null>(
      (r, rep) =>
        r ?? forbid(o, rep, ['alter', 'create', 'list', 'delete', 'topics-with-overrides'], TOPICS_HELP),
      null,
    ) ??
    forbid(o, 'topics-with-overrides', ['alter', 'create', 'list', 'delete', ...REPORTS], TOPICS_HELP) ??
    forbid(o, 'if-exists', ['create', 'list'], TOPICS_HELP) ??
    forbid(o, 'if-not-exists', ['alter', 'describe', 'list', 'delete'], TOPICS_HELP) ??
    forbid(o, 'exclude-internal', ['alter', 'create', 'delete'], TOPICS_HELP);
  if (checks) return checks;
  const snapshot = target.snapshot();
  const boot = checkBootstrap(snapshot, o.value('bootstrap-server')!);
  const call = o.has('create')
    ? 'createTopics'
    : o.has('delete') || o.has('alter')
      ? 'describeTopics'
      : 'listTopics';
  if (!boot.ok) {
    if (boot.reason === 'invalid') {
      return uncaught(
        'org.apache.kafka.common.config.ConfigException',
        `Invalid url in bootstrap.servers: ${boot.text}`,
      );
    }
    return failed(`Timed out waiting for a node assignment. Call: ${call}`);
  }
  const result = run(target, o);
  return { ...result, stderr: stderr + result.stderr };
}

function run(target: CliTarget, o: Opts): CliResult {
  const snapshot = target.snapshot();
  const names = snapshot.topics
    .map((t) => t.name)
    .filter((n) => !(o.has('exclude-internal') && isInternalTopic(n)))
    .sort();
  if (o.has('list')) {
    const wanted = o.value('topic');
    const shown = wanted === undefined ? names : names.filter((n) => matchesTopicRegex(wanted, n));
    return done(shown.map((n) => `${n}\n`).join(''));
  }
  if (o.has('create')) return create(target, o);
  const topic = o.value('topic');
  const selected = topic === undefined ? names : names.filter((n) => matchesTopicRegex(topic, n));
  if (topic !== undefined && selected.length === 0 && !o.has('if-exists')) {
    return failed(`Topic '${topic}' does not exist as expected`);
  }
  if (o.has('describe'))
    return describe(snapshot.topics, selected, o, Number(target.brokerConfig?.['min.insync.replicas'] ?? 1));
  if (o.has('delete')) {
    for (const name of selected) {
      if (isInternalTopic(name))
        return failed(
          `Topic ${name} is a kafka internal topic and is not allowed to be marked for deletion.`,
        );
    }
    for (const name of selected) target.dispatch({ type: 'topic.delete', topic: name });
    return done('');
  }
  return alter(target, selected, o);
}

function create(target: CliTarget, o: Opts): CliResult {
  const name = o.value('topic')!;
  let out = '';
  if (name.includes('.') || name.includes('_')) {
    out +=
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n";
  }
  // Kafka's defaults when not given: the broker's num.partitions and default.replication.factor (1).
  const rf = o.has('replication-factor') ? Number(o.value('replication-factor')) : 1;
  const partitions = o.has('partitions') ? Number(o.value('partitions')) : 1;
  if (!Number.isInteger(rf) || !Number.isInteger(partitions)) {
    const bad = !Number.isInteger(rf) ? o.value('replication-factor')! : o.value('partitions')!;
    return done(
      out,
      `${stackTrace('joptsimple.OptionArgumentConversionException', `Cannot parse argument '${bad}' of option replication-factor`)}`,
      1,
    );
  }
  if (rf > 32767 || rf < 1) return failed('The replication factor must be between 1 and 32767 inclusive');
  if (partitions < 1) return failed('The partitions must be greater than 0');
  const config: Record<string, string> = {};
  for (const kv of o.all('config')) {
    const eq = kv.indexOf('=');
    if (eq < 0)
      return failed(`Invalid topic config: all configs to be added must be in the format "key=val".`);
    config[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  try {
    target.dispatch({
      type: 'topic.create',
      topic: name,
      partitions,
      replicationFactor: rf,
      ...(Object.keys(config).length > 0 ? { config } : {}),
    });
  } catch (e) {
    if (!isEngineError(e)) throw e;
    if (e.code === 'TOPIC_ALREADY_EXISTS' && o.has('if-not-exists')) return done(out);
    return done(`${out}Error while executing topic command : ${e.message}\n`, '', 1);
  }
  return done(`${out}Created topic ${name}.\n`);
}

function describe(topics: TopicSnapshot[], selected: string[], o: Opts, brokerMinIsr: number): CliResult {
  const reporting = REPORTS.some((r) => o.has(r));
  let out = '';
  for (const name of selected) {
    const t = topics.find((x) => x.name === name)!;
    const overrides = Object.entries(t.config);
    if (o.has('topics-with-overrides')) {
      if (overrides.length > 0) out += topicLine(t);
      continue;
    }
    const minIsr = Number(t.config['min.insync.replicas'] ?? brokerMinIsr);
    const rows = t.partitions.filter((p) => {
      if (o.has('under-replicated-partitions')) return p.isr.length < p.replicas.length;
      if (o.has('under-min-isr-partitions')) return p.isr.length < minIsr;
      if (o.has('at-min-isr-partitions')) return p.isr.length === minIsr;
      if (o.has('unavailable-partitions')) return p.leader < 0 || leaderReplica(p) === undefined;
      return true;
    });
    if (!reporting) out += topicLine(t);
    for (const p of rows) out += partitionLine(t.name, p);
  }
  return done(out);
}

/** `Topic: t\tTopicId: …\tPartitionCount: n\tReplicationFactor: rf\tConfigs: k=v,…` */
export function topicLine(t: TopicSnapshot): string {
  const configs = Object.entries(t.config)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  const rf = t.partitions[0]?.replicas.length ?? 0;
  return `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs}\n`;
}

/** One partition as TopicCommand's PartitionDescription prints it (DescribeTopicPartitions: ELR lists). */
export function partitionLine(topic: string, p: PartitionSnapshot): string {
  const leader = p.leader >= 0 ? String(p.leader) : 'none';
  return `\tTopic: ${topic}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\tElr: \tLastKnownElr: \n`;
}

/**
 * TopicCommand.alterTopic: one CreatePartitions for the selected topics (the engine's
 * `topic.createPartitions`, checked by the active controller: INVALID_PARTITIONS unless an
 * increase). Kafka prints nothing on success; the new partitions appear in --describe once the
 * controller's records are committed, a few virtual ms later.
 */
function alter(target: CliTarget, selected: string[], o: Opts): CliResult {
  const text = o.value('partitions')!;
  const wanted = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(wanted)) {
    return done(
      '',
      stackTrace(
        'joptsimple.OptionArgumentConversionException',
        `Cannot parse argument '${text}' of option partitions`,
      ),
      1,
    );
  }
  for (const name of selected) {
    try {
      target.dispatch({ type: 'topic.createPartitions', topic: name, count: wanted });
    } catch (e) {
      if (!isEngineError(e)) throw e;
      return failed(e.message);
    }
  }
  return done('');
}

/** TopicCommand treats --topic as a Java regex (with `.` special); whole-string match. */
function matchesTopicRegex(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return false;
  }
}
