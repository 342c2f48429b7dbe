/**
 * kafka-get-offsets (GetOffsetShell.java): `topic:partition:offset` per partition, from
 * ListOffsets (admin.listOffsets). Partitions whose offset is unknown are left out, as Kafka does.
 */
import { admin, isEngineError, type OffsetSpec } from '../../engine';
import { checkBootstrap, exceptionClass, isInternalTopic, stackTrace } from '../common';
import { GET_OFFSETS_HELP } from '../help/get-offsets';
import { OptionError, Opts, parseOptions, type OptionSpecs, type ParsedOptions } from '../options';
import { done, type CliResult, type CliTarget } from '../types';
import { requireArg, usage } from './usage';

export const GET_OFFSETS_OPTIONS: OptionSpecs = {
  'bootstrap-server': { arg: true },
  'broker-list': { arg: true },
  'command-config': { arg: true },
  'exclude-internal-topics': {},
  help: {},
  partitions: { arg: true },
  time: { arg: true },
  topic: { arg: true },
  'topic-partitions': { arg: true },
  version: {},
};

const TIME_HELP =
  'Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp';

const terse = (msg: string): CliResult => done('', `Error occurred: ${msg}\n`, 1);
const USAGE_TEXT = 'An interactive shell for getting topic-partition offsets.';

export function kafkaGetOffsets(target: CliTarget, args: string[]): CliResult {
  // GetOffsetShellOptions: no arguments is a usage error before parsing; a parse error is a
  // TerseException (`Error occurred: …`, no table).
  if (args.length === 0) return usage(USAGE_TEXT, GET_OFFSETS_HELP);
  let parsed: ParsedOptions;
  try {
    parsed = parseOptions(GET_OFFSETS_OPTIONS, args);
  } catch (e) {
    if (e instanceof OptionError) return terse(e.message);
    throw e;
  }
  const o = new Opts(parsed);
  if (o.has('help')) return usage(USAGE_TEXT, GET_OFFSETS_HELP);
  const missing = requireArg(o, 'bootstrap-server', GET_OFFSETS_HELP);
  if (missing) return missing;
  // ToolsUtils.validateBootstrapServer, as the console producer checks it.
  const address = o.value('bootstrap-server')!;
  if (address.trim() === '') return usage('Error while validating the bootstrap address\n', GET_OFFSETS_HELP);
  if (address.split(',').some((h) => !/^.+:\d+$/.test(h)))
    return usage('Please provide valid host:port like host1:9091,host2:9092\n', GET_OFFSETS_HELP);
  if (o.has('topic-partitions') && (o.has('topic') || o.has('partitions'))) {
    return terse('--topic-partitions cannot be used with --topic or --partitions');
  }
  const time = o.value('time') ?? 'latest';
  const spec = timeSpec(time);
  if (spec === null) return terse(`Malformed time argument ${time}. ${TIME_HELP}`);
  if (spec === 'unsupported')
    return terse(`Unsupported time argument ${time}: StreamLab has no tiered storage.`);
  const snapshot = target.snapshot();
  const boot = checkBootstrap(snapshot, o.value('bootstrap-server')!);
  if (!boot.ok) {
    const msg = 'Timed out waiting for a node assignment. Call: listTopics';
    return done(
      '',
      `Error occurred: ${msg}\n${stackTrace('org.apache.kafka.common.errors.TimeoutException', msg)}`,
      1,
    );
  }
  const topicPattern = o.value('topic');
  const partitionFilter = o.value('partitions')?.split(',').map(Number);
  const topics = snapshot.topics
    .filter((t) => !(o.has('exclude-internal-topics') && isInternalTopic(t.name)))
    .filter((t) => topicPattern === undefined || new RegExp(`^(?:${topicPattern})$`).test(t.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  // Kafka collects into a TreeMap ordered by `topic-partition` as a string ("t-10" before "t-2").
  const rows: { key: string; line: string }[] = [];
  let stderr = '';
  for (const t of topics) {
    for (const p of t.partitions) {
      if (partitionFilter && !partitionFilter.includes(p.partition)) continue;
      try {
        const r = admin.listOffsets(target as never, { topic: t.name, partition: p.partition, spec });
        if (r.offset >= 0)
          rows.push({ key: `${t.name}-${p.partition}`, line: `${t.name}:${p.partition}:${r.offset}\n` });
      } catch (e) {
        if (!isEngineError(e)) throw e;
        stderr += `Skip getting offsets for topic-partition ${t.name}-${p.partition} due to error: ${exceptionClass(e.code)}: ${e.message}\n`;
      }
    }
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out = rows.map((r) => r.line).join('');
  return done(out, stderr);
}

function timeSpec(time: string): OffsetSpec | 'unsupported' | null {
  switch (time) {
    case '-1':
    case 'latest':
      return 'latest';
    case '-2':
    case 'earliest':
    case '-4':
    case 'earliest-local':
      // Without tiered storage the local log start is the log start.
      return 'earliest';
    case '-3':
    case 'max-timestamp':
    case '-5':
    case 'latest-tiered':
      return 'unsupported';
    default:
      return /^\d+$/.test(time) ? { timestampMs: Number(time) } : null;
  }
}
