/**
 * kafka-configs' options as ConfigCommandOptions declares them at Kafka 4.0's line (1eb7644, which
 * still has --zookeeper and --zk-tls-config-file). --add-config's description embeds the config
 * names ConfigCommand generates; the lists below were read from Kafka's own definitions at that
 * commit (docs/cli.md says how far they could be checked).
 */
import { DEFAULT_OPTIONS, LOG_CONFIG_NAMES } from './common';
import type { HelpOption } from './format';

/** DynamicConfig.Broker.names: QuotaConfig.brokerQuotaConfigs plus the KafkaConfig keys in DynamicBrokerConfig.AllDynamicConfigs (SSL, log cleaner, topic-synonym log configs, thread pools, metric reporters, listeners, connection quotas, producer state, remote log), sorted. */
const BROKER = [
  'advertised.listeners',
  'background.threads',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'follower.replication.throttled.rate',
  'leader.replication.throttled.rate',
  'listener.security.protocol.map',
  'listeners',
  'log.cleaner.backoff.ms',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.delete.retention.ms',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.max.compaction.lag.ms',
  'log.cleaner.min.cleanable.ratio',
  'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.threads',
  'log.cleanup.policy',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.index.interval.bytes',
  'log.index.size.max.bytes',
  'log.local.retention.bytes',
  'log.local.retention.ms',
  'log.message.downconversion.enable',
  'log.message.timestamp.after.max.ms',
  'log.message.timestamp.before.max.ms',
  'log.message.timestamp.difference.max.ms',
  'log.message.timestamp.type',
  'log.preallocate',
  'log.retention.bytes',
  'log.retention.ms',
  'log.roll.jitter.ms',
  'log.roll.ms',
  'log.segment.bytes',
  'log.segment.delete.delay.ms',
  'max.connection.creation.rate',
  'max.connections',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
  'message.max.bytes',
  'metric.reporters',
  'min.insync.replicas',
  'num.io.threads',
  'num.network.threads',
  'num.recovery.threads.per.data.dir',
  'num.replica.fetchers',
  'principal.builder.class',
  'producer.id.expiration.ms',
  'remote.fetch.max.wait.ms',
  'remote.list.offsets.request.timeout.ms',
  'remote.log.index.file.cache.total.size.bytes',
  'remote.log.manager.copy.max.bytes.per.second',
  'remote.log.manager.fetch.max.bytes.per.second',
  'replica.alter.log.dirs.io.max.bytes.per.second',
  'sasl.enabled.mechanisms',
  'sasl.jaas.config',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.kerberos.principal.to.local.rules',
  'sasl.kerberos.service.name',
  'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.ticket.renew.window.factor',
  'sasl.login.refresh.buffer.seconds',
  'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.window.factor',
  'sasl.login.refresh.window.jitter',
  'sasl.mechanism.inter.broker.protocol',
  'ssl.cipher.suites',
  'ssl.client.auth',
  'ssl.enabled.protocols',
  'ssl.endpoint.identification.algorithm',
  'ssl.engine.factory.class',
  'ssl.key.password',
  'ssl.keymanager.algorithm',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.keystore.type',
  'ssl.protocol',
  'ssl.provider',
  'ssl.secure.random.implementation',
  'ssl.trustmanager.algorithm',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.truststore.type',
  'transaction.partition.verification.enable',
  'unclean.leader.election.enable',
];
/** QuotaConfig.userAndClientQuotaConfigs. */
const CLIENT = ['consumer_byte_rate', 'controller_mutation_rate', 'producer_byte_rate', 'request_percentage'];
/** QuotaConfig.scramMechanismsPlusUserAndClientQuotaConfigs (ScramMechanism names sort first). */
const USER = ['SCRAM-SHA-256', 'SCRAM-SHA-512', ...CLIENT];
/** QuotaConfig.ipConfigs. */
const IP = ['connection_creation_rate'];
/** ClientMetricsConfigs.configDef. */
const CLIENT_METRICS = ['interval.ms', 'match', 'metrics'];
/** GroupConfig.configDef. */
const GROUP = [
  'consumer.heartbeat.interval.ms',
  'consumer.session.timeout.ms',
  'share.heartbeat.interval.ms',
  'share.record.lock.duration.ms',
  'share.session.timeout.ms',
];
/** ZkConfigs.ZK_SSL_CONFIG_TO_SYSTEM_PROPERTY_MAP's keys, sorted. */
const ZK_TLS = [
  'zookeeper.clientCnxnSocket',
  'zookeeper.ssl.cipher.suites',
  'zookeeper.ssl.client.enable',
  'zookeeper.ssl.crl.enable',
  'zookeeper.ssl.enabled.protocols',
  'zookeeper.ssl.endpoint.identification.algorithm',
  'zookeeper.ssl.keystore.location',
  'zookeeper.ssl.keystore.password',
  'zookeeper.ssl.keystore.type',
  'zookeeper.ssl.ocsp.enable',
  'zookeeper.ssl.protocol',
  'zookeeper.ssl.truststore.location',
  'zookeeper.ssl.truststore.password',
  'zookeeper.ssl.truststore.type',
];

/** `"For entity-type 't': "` then the names as mkString(nl, nl, nl) of `\t` + name. */
const section = (type: string, names: readonly string[]) =>
  `For entity-type '${type}': \n${names.map((n) => `\t${n}`).join('\n')}\n`;

const ADD_CONFIG =
  "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'. The following is a list of valid configurations: " +
  section('topics', LOG_CONFIG_NAMES) +
  section('brokers', BROKER) +
  section('users', USER) +
  section('clients', CLIENT) +
  section('ips', IP) +
  section('client-metrics', CLIENT_METRICS) +
  section('groups', GROUP) +
  "Entity types 'users' and 'clients' may be specified together to update config for clients of a specific user.";

const withArg = (name: string, description: string, argDescription?: string): HelpOption => ({
  name,
  description,
  arg: 'required',
  ...(argDescription !== undefined ? { argDescription } : {}),
});

export const CONFIGS_HELP: HelpOption[] = [
  ...DEFAULT_OPTIONS,
  withArg(
    'zookeeper',
    'DEPRECATED. The connection string for the zookeeper connection in the form host:port. Multiple URLS can be given to allow fail-over. Required when configuring SCRAM credentials for users or dynamic broker configs when the relevant broker(s) are down. Not allowed otherwise.',
    'urls',
  ),
  withArg('bootstrap-server', 'The Kafka servers to connect to.', 'server to connect to'),
  withArg('bootstrap-controller', 'The Kafka controllers to connect to.', 'controller to connect to'),
  withArg(
    'command-config',
    'Property file containing configs to be passed to Admin Client. This is used only with --bootstrap-server option for describing and altering broker configs.',
    'command config property file',
  ),
  { name: 'alter', description: 'Alter the configuration for the entity.' },
  { name: 'describe', description: 'List configs for the given entity.' },
  {
    name: 'all',
    description: 'List all configs for the given entity, including static configs if available.',
  },
  withArg(
    'entity-type',
    'Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)',
  ),
  withArg(
    'entity-name',
    'Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)',
  ),
  {
    name: 'entity-default',
    description: 'Default entity name for clients/users/brokers/ips (applies to corresponding entity type)',
  },
  withArg('add-config', ADD_CONFIG),
  withArg(
    'add-config-file',
    'Path to a properties file with configs to add. See add-config for a list of valid configurations.',
  ),
  withArg('delete-config', "config keys to remove 'k1,k2'"),
  { name: 'force', description: 'Suppress console prompts' },
  withArg('topic', "The topic's name."),
  withArg('client', "The client's ID."),
  { name: 'client-defaults', description: 'The config defaults for all clients.' },
  withArg('user', "The user's principal name."),
  { name: 'user-defaults', description: 'The config defaults for all users.' },
  withArg('broker', "The broker's ID."),
  { name: 'broker-defaults', description: 'The config defaults for all brokers.' },
  withArg('broker-logger', "The broker's ID for its logger config."),
  { name: 'ip-defaults', description: 'The config defaults for all IPs.' },
  withArg('ip', 'The IP address.'),
  withArg('group', "The group's ID."),
  withArg('client-metrics', 'The client metrics config resource name.'),
  withArg(
    'zk-tls-config-file',
    `Identifies the file where ZooKeeper client TLS connectivity properties are defined.  Any properties other than ${ZK_TLS.join(', ')} are ignored.`,
    'ZooKeeper TLS configuration',
  ),
];
