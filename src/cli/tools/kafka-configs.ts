/**
 * kafka-configs for topics (ConfigCommand.scala at the 4.0 line): --describe prints a topic's
 * dynamic configs; --alter --add-config k=v[,k=v] / --delete-config k sends IncrementalAlterConfigs
 * (the engine's `topic.alterConfigs`, validated by the active controller as Kafka's is) and prints
 * `Completed updating config for topic t.`. Errors print as ConfigCommand.main prints them: an
 * IllegalArgumentException or InvalidConfigurationException as its message alone, anything else
 * (the admin call's ExecutionException) after `Error while executing config command with args …`.
 */
import { isEngineError, type ClusterSnapshot } from '../../engine';
import { checkBootstrap, exceptionClass, findTopic } from '../common';
import { Opts, type OptionSpecs } from '../options';
import { done, type CliResult, type CliTarget } from '../types';
import { timeout } from './kafka-admin-misc';
import { CONFIGS_HELP } from '../help/configs';
import { checkConfigArgs, entityTypes } from './configs-args';
import { parseWith, usage } from './usage';

/** An exception escaping the admin call: the command line, then the ExecutionException's first line. */
function commandError(args: readonly string[], exception: string, message: string): string {
  return (
    `Error while executing config command with args '${args.join(' ')}'\n` +
    `java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.${exception}: ${message}\n`
  );
}

/**
 * ConfigCommand.parseConfigsToBeAdded: split on commas outside [...], then on `=` (spaces around
 * it allowed); square brackets are dropped from values (`[a,b]` is how a list value keeps commas).
 */
export function parseAddConfig(text: string): Record<string, string> | null {
  const pairs: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      pairs.push(current);
      current = '';
    } else current += c;
  }
  pairs.push(current);
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const parts = pair.split(/\s*=\s*(?=[^\]]*(?:\[|$))/);
    if (parts.length !== 2) return null;
    out[parts[0]!.trim()] = parts[1]!.replace(/[[\]]/g, '').trim();
  }
  return out;
}

function alterTopicConfig(target: CliTarget, args: string[], topic: string, o: Opts): CliResult {
  if (o.has('add-config-file')) return usage('StreamLab has no files: use --add-config k=v,k2=v2.');
  const add = o.has('add-config') ? parseAddConfig(o.value('add-config')!) : {};
  if (add === null) {
    return usage(
      'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".',
    );
  }
  const deleted = o.all('delete-config').flatMap((v) => v.split(',').map((k) => k.trim()));
  const t = findTopic(target.snapshot(), topic);
  if (!t)
    return done(
      '',
      commandError(args, 'UnknownTopicOrPartitionException', `The topic '${topic}' does not exist.`),
      1,
    );
  // Deleting a config the topic does not override: ConfigCommand's own check, before any request.
  const invalid = deleted.filter((k) => !(k in t.config));
  if (invalid.length > 0) return usage(`Invalid config(s): ${invalid.join(',')}`);
  try {
    target.dispatch({
      type: 'topic.alterConfigs',
      topic,
      ...(Object.keys(add).length > 0 ? { set: add } : {}),
      ...(deleted.length > 0 ? { delete: deleted } : {}),
    });
  } catch (e) {
    if (!isEngineError(e)) throw e;
    const cls = exceptionClass(e.code).replace('org.apache.kafka.common.errors.', '');
    return done('', commandError(args, cls, e.message), 1);
  }
  return done(`Completed updating config for topic ${topic}.\n`);
}

/** Every option ConfigCommandOptions declares (joptsimple rejects any other). */
export const CONFIGS_OPTIONS: OptionSpecs = Object.fromEntries(
  CONFIGS_HELP.map((h) => [h.name, h.arg ? { arg: true } : {}]),
);

export function kafkaConfigs(target: CliTarget, args: string[]): CliResult {
  // The parser runs inside main's try: an OptionException prints its message alone.
  const parsed = parseWith(CONFIGS_OPTIONS, args, 'usage');
  if ('exitCode' in parsed) return parsed;
  const o = new Opts(parsed);
  if (args.length === 0 || o.has('help'))
    return usage(
      'This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group',
      CONFIGS_HELP,
    );
  const invalid = checkConfigArgs(o);
  if (invalid) return invalid;
  if (o.has('zookeeper')) return usage('StreamLab runs in KRaft mode: it has no ZooKeeper to connect to.');
  if (entityTypes(o)[0] !== 'topics')
    return usage(`StreamLab's kafka-configs handles --entity-type topics only.`);
  const name = o.value('topic') ?? o.value('entity-name');
  const snapshot: ClusterSnapshot = target.snapshot();
  if (!checkBootstrap(snapshot, o.value('bootstrap-server') ?? '').ok)
    return timeout(o.has('alter') ? 'incrementalAlterConfigs' : 'describeConfigs');
  if (o.has('alter')) return alterTopicConfig(target, args, name!, o);
  const names = name !== undefined ? [name] : snapshot.topics.map((t) => t.name).sort();
  let out = '';
  for (const n of names) {
    const t = findTopic(snapshot, n);
    if (!t) {
      return done(
        out,
        commandError(args, 'UnknownTopicOrPartitionException', `The topic '${n}' does not exist.`),
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
