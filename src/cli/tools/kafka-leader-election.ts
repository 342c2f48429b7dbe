/**
 * kafka-leader-election (LeaderElectionCommand.java, 4.0 line): one ElectLeaders request (the
 * engine's `partition.electLeaders`, answered by the active controller partition by partition),
 * then Kafka's lines: the partitions elected, those that needed no election, and one error line
 * per failure followed by AdminCommandFailedException. Kafka collects the partitions in hash sets;
 * StreamLab prints them sorted by topic and partition.
 */
import { isEngineError, type ElectionResult } from '../../engine';
import { checkBootstrap, exceptionClass, stackTrace } from '../common';
import { Opts, type OptionSpecs } from '../options';
import { done, type CliResult, type CliTarget } from '../types';
import { timeout } from './kafka-admin-misc';
import { ELECTION_HELP } from '../help/leader-election';
import { parseWith, usage } from './usage';

/** An AdminCommandFailedException escaping main: its message, then the exception. */
const refused = (msg: string): CliResult =>
  done('', `${msg}\n${stackTrace('org.apache.kafka.server.common.AdminCommandFailedException', msg)}`, 1);

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
  // LeaderElectionCommandOptions parses outside any try: a parse error escapes main (message and
  // exception). Only help (or no arguments) prints the option table; validate()'s refusals are
  // AdminCommandFailedExceptions.
  const parsed = parseWith(ELECTION_OPTIONS, args, 'uncaught');
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0 || o.has('help'))
    return usage(
      'This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.',
      ELECTION_HELP,
    );
  const missing = ['bootstrap-server', 'election-type'].filter((n) => !o.has(n));
  if (missing.length > 0) return refused(`Missing required option(s): ${missing.join(', ')}`);
  if (['topic', 'all-topic-partitions', 'path-to-json-file'].filter((s) => o.has(s)).length !== 1) {
    return refused(
      'One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file',
    );
  }
  if (o.has('topic') && !o.has('partition')) return refused('Missing required option(s): partition');
  if (!o.has('topic') && o.has('partition'))
    return refused('Option partition is only allowed if topic is used');
  const type = o.value('election-type')!.toUpperCase();
  if (type !== 'PREFERRED' && type !== 'UNCLEAN') {
    // EnumConverter refuses it when getElectionType reads the value: the exception escapes main.
    const msg = `Cannot parse argument '${o.value('election-type')}' of option election-type`;
    return done('', `${msg}\n${stackTrace('joptsimple.OptionArgumentConversionException', msg)}`, 1);
  }
  if (o.has('path-to-json-file'))
    return usage('StreamLab has no files: use --topic and --partition or --all-topic-partitions.');
  const snapshot = target.snapshot();
  if (!checkBootstrap(snapshot, o.value('bootstrap-server')!).ok) return timeout('electLeaders');
  const partitionText = o.value('partition');
  if (partitionText !== undefined && !/^-?\d+$/.test(partitionText.trim()))
    return usage(`Cannot parse argument '${partitionText}' of option partition`);
  const partitions = o.has('topic')
    ? [{ topic: o.value('topic')!, partition: Number(partitionText) }]
    : undefined;
  const since = target.lastSeq();
  try {
    target.dispatch({
      type: 'partition.electLeaders',
      electionType: type,
      ...(partitions ? { partitions } : {}),
    });
  } catch (e) {
    if (!isEngineError(e)) throw e;
    // No active controller (or a partition number the request cannot carry): the admin call
    // never gets its answer, and LeaderElectionCommand reports the timeout.
    const msg = 'Timeout waiting for election results';
    return done(
      `${msg}\n`,
      `${msg}\n${stackTrace('org.apache.kafka.server.common.AdminCommandFailedException', msg)}`,
      1,
    );
  }
  const answer = target.events(since).findLast((e) => e.type === 'partition.electionResult');
  const results: ElectionResult[] = answer?.type === 'partition.electionResult' ? answer.results : [];
  const byName = (r: ElectionResult) => `${r.topic}-${r.partition}`;
  const sorted = [...results].sort((a, b) =>
    a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.partition - b.partition,
  );
  const succeeded = sorted.filter((r) => r.error === null).map(byName);
  const noop = sorted.filter((r) => r.error === 'ELECTION_NOT_NEEDED').map(byName);
  const failed = sorted.filter((r) => r.error !== null && r.error !== 'ELECTION_NOT_NEEDED');
  let out = '';
  if (succeeded.length > 0)
    out += `Successfully completed leader election (${type}) for partitions ${succeeded.join(', ')}\n`;
  if (noop.length > 0) out += `Valid replica already elected for partitions ${noop.join(', ')}\n`;
  for (const f of failed) {
    out += `Error completing leader election (${type}) for partition: ${byName(f)}: ${exceptionClass(f.error!)}: ${f.message}\n`;
  }
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
