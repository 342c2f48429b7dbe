/**
 * Three smaller tools: kafka-transactions list|describe (TransactionsCommand.java),
 * kafka-configs --describe for topics (ConfigCommand), kafka-leader-election
 * (LeaderElectionCommand.java). What the engine cannot do yet (altering configs, electing a
 * leader on demand) answers with the error a broker without that API gives, never a fake success.
 */
import type { ClusterSnapshot } from '../../engine';
import { checkBootstrap, findTopic, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import { done, type CliResult, type CliTarget } from '../types';
import { prettyTable } from './kafka-metadata-quorum';
import { parseWith, requireArg, usage } from './usage';

function bootstrapOf(args: string[]): string | undefined {
  const i = args.indexOf('--bootstrap-server');
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith('--bootstrap-server='))?.slice('--bootstrap-server='.length);
}

const timeout = (call: string): CliResult =>
  done(
    '',
    `org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: ${call}\n`,
    1,
  );

export function kafkaTransactions(target: CliTarget, args: string[]): CliResult {
  const argErr = (msg: string) =>
    done(
      '',
      `usage: kafka-transactions [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ...\nkafka-transactions: error: ${msg}\n`,
      1,
    );
  const bootstrap = bootstrapOf(args);
  const rest = args.filter(
    (a, i) =>
      a !== '--bootstrap-server' &&
      args[i - 1] !== '--bootstrap-server' &&
      !a.startsWith('--bootstrap-server='),
  );
  if (bootstrap === undefined) return argErr('argument --bootstrap-server is required');
  const command = rest[0];
  if (command !== 'list' && command !== 'describe') {
    return argErr(
      command === undefined
        ? 'too few arguments'
        : `invalid choice: '${command}' (choose from 'list', 'describe', 'describe-producers', 'abort', 'find-hanging', 'force-terminate')`,
    );
  }
  const snapshot = target.snapshot();
  if (!checkBootstrap(snapshot, bootstrap).ok)
    return timeout(command === 'list' ? 'listTransactions' : 'describeTransactions');
  const txns = snapshot.transactions ?? [];
  if (command === 'list') {
    const rows = [...txns]
      .sort((a, b) => a.coordinator - b.coordinator)
      .map((t) => [t.transactionalId, String(t.coordinator), String(t.producerId), t.state]);
    return done(prettyTable(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows));
  }
  const idAt = rest.indexOf('--transactional-id');
  const id = idAt >= 0 ? rest[idAt + 1] : undefined;
  if (id === undefined) return argErr('argument --transactional-id is required');
  const t = txns.find((x) => x.transactionalId === id);
  if (!t) {
    return done(
      '',
      `Failed to describe transaction state of transactional-id \`${id}\`: The transactionalId could not be found\n`,
      1,
    );
  }
  const started = t.partitions.length > 0;
  return done(
    prettyTable(
      [
        'CoordinatorId',
        'TransactionalId',
        'ProducerId',
        'ProducerEpoch',
        'TransactionState',
        'TransactionTimeoutMs',
        'CurrentTransactionStartTimeMs',
        'TransactionDurationMs',
        'TopicPartitions',
      ],
      [
        [
          String(t.coordinator),
          id,
          String(t.producerId),
          String(t.producerEpoch),
          t.state,
          String(t.timeoutMs),
          started ? String(t.txnStartMs) : 'None',
          started ? String(snapshot.nowMs - t.txnStartMs) : 'None',
          t.partitions.map((p) => `${p.topic}-${p.partition}`).join(','),
        ],
      ],
    ),
  );
}

export const CONFIGS_OPTIONS: OptionSpecs = {
  'add-config': { arg: true },
  'add-config-file': { arg: true },
  all: {},
  alter: {},
  'bootstrap-controller': { arg: true },
  'bootstrap-server': { arg: true },
  'command-config': { arg: true },
  'delete-config': { arg: true },
  describe: {},
  'entity-default': {},
  'entity-name': { arg: true },
  'entity-type': { arg: true },
  force: {},
  help: {},
  topic: { arg: true },
  version: {},
};

export function kafkaConfigs(target: CliTarget, args: string[]): CliResult {
  const parsed = parseWith(CONFIGS_OPTIONS, args, 'usage');
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0 || o.has('help'))
    return usage(
      'This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip or client-metrics',
    );
  if ([o.has('alter'), o.has('describe')].filter(Boolean).length !== 1) {
    return usage('Command must include exactly one action: --describe, --alter');
  }
  const missing = requireArg(o, 'bootstrap-server');
  if (missing && !o.has('bootstrap-controller'))
    return usage(
      'One of the required bootstrap options must be specified: [bootstrap-server], [bootstrap-controller]',
    );
  const type = o.has('topic') ? 'topics' : o.value('entity-type');
  if (type === undefined) return usage('At least one entity type must be specified');
  if (type !== 'topics') return usage(`StreamLab's kafka-configs handles --entity-type topics only.`);
  const name = o.value('topic') ?? o.value('entity-name');
  const snapshot: ClusterSnapshot = target.snapshot();
  if (!checkBootstrap(snapshot, o.value('bootstrap-server') ?? '').ok) return timeout('describeConfigs');
  if (o.has('alter')) {
    if (name === undefined) return usage('an entity name must be specified with --alter of topics');
    if (!findTopic(snapshot, name))
      return done(
        '',
        `Error while executing config command with args '${args.join(' ')}'\norg.apache.kafka.common.errors.UnknownTopicOrPartitionException: The topic '${name}' does not exist.\n`,
        1,
      );
    return done(
      '',
      `Error while executing config command with args '${args.join(' ')}'\norg.apache.kafka.common.errors.UnsupportedVersionException: The broker does not support INCREMENTAL_ALTER_CONFIGS\n`,
      1,
    );
  }
  const names = name !== undefined ? [name] : snapshot.topics.map((t) => t.name).sort();
  let out = '';
  for (const n of names) {
    const t = findTopic(snapshot, n);
    if (!t) {
      return done(
        out,
        `Error while executing config command with args '${args.join(' ')}'\norg.apache.kafka.common.errors.UnknownTopicOrPartitionException: The topic '${n}' does not exist.\n`,
        1,
      );
    }
    out += `${o.has('all') ? 'All' : 'Dynamic'} configs for topic ${n} are:\n`;
    for (const [k, v] of Object.entries(t.config)) {
      out += `  ${k}=${String(v)} sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:${k}=${String(v)}}\n`;
    }
  }
  return done(out);
}

export const ELECTION_OPTIONS: OptionSpecs = {
  'admin.config': { arg: true },
  'all-topic-partitions': {},
  'bootstrap-server': { arg: true },
  'election-type': { arg: true },
  help: {},
  partition: { arg: true },
  'path-to-json-file': { arg: true },
  topic: { arg: true },
  version: {},
};

export function kafkaLeaderElection(target: CliTarget, args: string[]): CliResult {
  const parsed = parseWith(ELECTION_OPTIONS, args, 'usage');
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0 || o.has('help'))
    return usage(
      'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.',
    );
  const missing = requireArg(o, 'bootstrap-server') ?? requireArg(o, 'election-type');
  if (missing) return missing;
  const type = o.value('election-type')!.toUpperCase();
  if (type !== 'PREFERRED' && type !== 'UNCLEAN') {
    return usage(`Cannot convert argument '${o.value('election-type')}' of option election-type`);
  }
  const scopes = ['all-topic-partitions', 'topic', 'path-to-json-file'].filter((s) => o.has(s));
  if (scopes.length !== 1) {
    return usage(
      'One and only one of the following options is required: all-topic-partitions, topic, path-to-json-file',
    );
  }
  if (o.has('topic') && !o.has('partition')) return usage('Missing required option(s) [partition]');
  if (o.has('path-to-json-file'))
    return usage('StreamLab has no files: use --topic and --partition or --all-topic-partitions.');
  const snapshot = target.snapshot();
  if (!checkBootstrap(snapshot, o.value('bootstrap-server')!).ok) return timeout('electLeaders');
  const wanted = o.has('topic')
    ? [{ topic: o.value('topic')!, partition: Number(o.value('partition')) }]
    : snapshot.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
  const already: string[] = [];
  const failed: string[] = [];
  for (const tp of wanted) {
    const p = findTopic(snapshot, tp.topic)?.partitions.find((x) => x.partition === tp.partition);
    const name = `${tp.topic}-${tp.partition}`;
    if (!p)
      failed.push(
        `${name}: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.`,
      );
    else if (type === 'PREFERRED' ? p.leader === p.replicas[0] : p.leader >= 0) already.push(name);
    else
      failed.push(
        `${name}: org.apache.kafka.common.errors.UnsupportedVersionException: The broker does not support ELECT_LEADERS`,
      );
  }
  let out = '';
  if (already.length > 0 && o.has('topic'))
    out += `Valid replica already elected for partitions ${already.join(', ')}\n`;
  for (const f of failed) out += `Error completing leader election (${type}) for partition: ${f}\n`;
  if (failed.length > 0) {
    const msg = `${failed.length} replica(s) could not be elected`;
    return done(
      out,
      `${msg}\n${stackTrace('org.apache.kafka.server.common.AdminCommandFailedException', msg)}`,
      1,
    );
  }
  return done(out);
}
