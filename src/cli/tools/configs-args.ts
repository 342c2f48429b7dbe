/**
 * ConfigCommandOptions.checkArgs at Kafka 4.0's line (1eb7644), in its order. Two kinds of
 * failure, printed differently by ConfigCommand.main: CommandLineUtils.printUsageAndExit (the
 * action count, checkInvalidArgs) prints the message and then joptsimple's option table; an
 * IllegalArgumentException prints its message alone. Both exit 1.
 */
import { CONFIGS_HELP } from '../help/configs';
import type { Opts } from '../options';
import type { CliResult } from '../types';
import { forbid, usage } from './usage';

/** The entity flags and the entity type each stands for (entityFlags ++ entityDefaultsFlags). */
const ENTITY_FLAGS: [string, string][] = [
  ['topic', 'topics'],
  ['client', 'clients'],
  ['user', 'users'],
  ['broker', 'brokers'],
  ['broker-logger', 'broker-loggers'],
  ['ip', 'ips'],
  ['client-metrics', 'client-metrics'],
  ['group', 'groups'],
];
const DEFAULT_FLAGS: [string, string][] = [
  ['client-defaults', 'clients'],
  ['user-defaults', 'users'],
  ['broker-defaults', 'brokers'],
  ['ip-defaults', 'ips'],
];
/** ConfigType.ALL :+ broker-loggers :+ client-metrics :+ groups. */
const BROKER_SUPPORTED = [
  'topics',
  'clients',
  'users',
  'brokers',
  'ips',
  'broker-loggers',
  'client-metrics',
  'groups',
];
const ZK_SUPPORTED = ['users', 'brokers'];
const QUOTA_TYPES = ['users', 'clients', 'brokers', 'ips'];

/** opts.entityTypes: --entity-type values, then the types the entity flags stand for. */
export function entityTypes(o: Opts): string[] {
  return [
    ...o.all('entity-type'),
    ...[...ENTITY_FLAGS, ...DEFAULT_FLAGS].filter(([flag]) => o.has(flag)).map(([, type]) => type),
  ];
}

/** opts.entityNames: each --entity-name, '' for --entity-default, the flags' values, '' per default flag. */
function entityNames(o: Opts): string[] {
  return [
    ...o.all('entity-name'),
    ...(o.has('entity-default') ? [''] : []),
    ...ENTITY_FLAGS.filter(([flag]) => o.has(flag)).map(([flag]) => o.value(flag) ?? ''),
    ...DEFAULT_FLAGS.filter(([flag]) => o.has(flag)).map(() => ''),
  ];
}

/** Scala's String.toInt (Integer.parseInt). */
function isInt(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = Number(s);
  return n >= -2147483648 && n <= 2147483647;
}

/** null when the arguments pass; otherwise what ConfigCommand prints. */
export function checkConfigArgs(o: Opts): CliResult | null {
  const actions = [o.has('alter'), o.has('describe')].filter(Boolean).length;
  if (actions !== 1)
    return usage('Command must include exactly one action: --describe, --alter', CONFIGS_HELP);
  const clash =
    forbid(o, 'alter', ['describe'], CONFIGS_HELP) ??
    forbid(o, 'describe', ['alter', 'add-config', 'delete-config'], CONFIGS_HELP);
  if (clash) return clash;

  const types = entityTypes(o);
  const duplicates = types.filter((t, i) => types.indexOf(t) !== i);
  if (duplicates.length > 0) {
    // Scala's diff removes one occurrence of each distinct type; what is left is listed.
    return usage(`Duplicate entity type(s) specified: ${duplicates.join(',')}`);
  }
  const bootstrap = o.has('bootstrap-server') || o.has('bootstrap-controller');
  const [allowed, connect] = bootstrap
    ? [BROKER_SUPPORTED, '--bootstrap-server or --bootstrap-controller']
    : [ZK_SUPPORTED, '--zookeeper'];
  const invalid = types.find((t) => !allowed.includes(t));
  if (invalid !== undefined) {
    return usage(
      `Invalid entity type ${invalid}, the entity type must be one of ${allowed.join(', ')} with a ${connect} argument`,
    );
  }
  if (types.length === 0) return usage('At least one entity type must be specified');
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients')))
    return usage("Only 'users' and 'clients' entity types may be specified together");
  const generic = o.has('entity-name') || o.has('entity-type') || o.has('entity-default');
  if (generic && [...ENTITY_FLAGS, ...DEFAULT_FLAGS].some(([flag]) => o.has(flag)))
    return usage('--entity-{type,name,default} should not be used in conjunction with specific entity flags');

  const names = entityNames(o);
  const hasName = names.some((n) => n !== '');
  const hasDefault = names.some((n) => n === '');
  const connects = ['bootstrap-server', 'bootstrap-controller', 'zookeeper'].filter((c) => o.has(c)).length;
  // "--boostrap-controller" is Kafka's own spelling in these two messages.
  if (connects === 0)
    return usage(
      'One of the required --bootstrap-server, --boostrap-controller, or --zookeeper arguments must be specified',
    );
  if (connects > 1)
    return usage('Only one of --bootstrap-server, --boostrap-controller, and --zookeeper can be specified');
  if (o.has('all') && o.has('zookeeper')) return usage('--bootstrap-server must be specified for --all');
  if (o.has('zk-tls-config-file') && !o.has('zookeeper'))
    return usage('Only the --zookeeper option can be used with the --zk-tls-config-file option.');
  if (hasName && (types.includes('brokers') || types.includes('broker-loggers'))) {
    const ids = ['entity-name', 'broker', 'broker-logger'].filter((n) => o.has(n)).map((n) => o.value(n)!);
    const bad = ids.find((id) => !isInt(id));
    if (bad !== undefined)
      return usage(`The entity name for ${types[0]} must be a valid integer broker id, but it is: ${bad}`);
  }
  // The ips check (DynamicConfig.Ip.isValidIpEntity) resolves host names: StreamLab has no DNS
  // and refuses every entity type but topics after these checks.
  if (o.has('describe')) {
    if (!types.some((t) => QUOTA_TYPES.includes(t)) && o.has('entity-default'))
      return usage(`--entity-default must not be specified with --describe of ${types.join(',')}`);
    if (types.includes('broker-loggers') && !hasName)
      return usage(`An entity name must be specified with --describe of ${types.join(',')}`);
  }
  if (o.has('alter')) {
    if (types.some((t) => QUOTA_TYPES.includes(t))) {
      if (!hasName && !hasDefault)
        return usage(
          'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
        );
    } else if (!hasName) return usage(`An entity name must be specified with --alter of ${types.join(',')}`);
    const add = o.has('add-config');
    const file = o.has('add-config-file');
    if (add && file) return usage('Only one of --add-config or --add-config-file must be specified');
    if (!add && !file && !o.has('delete-config'))
      return usage(
        'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
      );
  }
  return null;
}
