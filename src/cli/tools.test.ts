/** Golden tests for each tool's other outputs and for the usage errors (docs/cli.md). */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../engine';
import { complete } from './complete';
import { CONSUMER_HELP } from './help/console-consumer';
import { GROUPS_HELP } from './help/consumer-groups';
import { TOPICS_HELP } from './help/kafka-topics';
import { PRODUCER_HELP } from './help/console-producer';
import { execute } from './execute';
import { parseLine } from './tokenize';
import { cluster, run } from './testing/harness';
import { helpText } from './tools/usage';

const B = '--bootstrap-server broker-1:9092';
/** The option tables printed after the console tools' usage errors (src/cli/help/help.test.ts). */
const CT = helpText(CONSUMER_HELP);
const PT = helpText(PRODUCER_HELP);
const GT = helpText(GROUPS_HELP);
const TT = helpText(TOPICS_HELP);
let sim: Simulation;
beforeAll(() => {
  sim = cluster();
  run(sim, `kafka-topics ${B} --create --topic a --partitions 2 --replication-factor 2`);
  run(
    sim,
    `kafka-topics ${B} --create --topic b --partitions 1 --replication-factor 3 --config min.insync.replicas=2`,
  );
  sim.runFor(1000);
});

describe('kafka-topics', () => {
  test('create prints the collision warning for a name with . or _', () => {
    const r = run(sim, `kafka-topics.sh ${B} --create --topic my_topic`);
    sim.runFor(1000);
    expect(r.stdout).toBe(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic my_topic.\n",
    );
  });
  test('failures print `Error while executing topic command : …` on stdout, exit 1', () => {
    expect(run(sim, `kafka-topics ${B} --create --topic a`)).toEqual({
      stdout: "Error while executing topic command : Topic 'a' already exists.\n",
      stderr: '',
      exitCode: 1,
    });
    expect(run(sim, `kafka-topics ${B} --create --topic z --partitions 0`).stdout).toBe(
      'Error while executing topic command : The partitions must be greater than 0\n',
    );
    expect(run(sim, `kafka-topics ${B} --create --topic z --replication-factor 0`).stdout).toBe(
      'Error while executing topic command : The replication factor must be between 1 and 32767 inclusive\n',
    );
    expect(run(sim, `kafka-topics ${B} --describe --topic nope`).stdout).toBe(
      "Error while executing topic command : Topic 'nope' does not exist as expected\n",
    );
    expect(run(sim, `kafka-topics ${B} --alter --topic a --partitions 1`).stdout).toBe(
      'Error while executing topic command : The topic a currently has 2 partition(s); 1 would not be an increase.\n',
    );
  });
  test('--list is sorted, one per line', () => {
    expect(run(sim, `kafka-topics ${B} --list --exclude-internal`).stdout).toBe('a\nb\nmy_topic\n');
  });
  test('--topics-with-overrides prints only topic lines; report filters only partition lines', () => {
    const out = run(sim, `kafka-topics ${B} --describe --topics-with-overrides`).stdout;
    expect(out).toMatch(
      /^Topic: b\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: min.insync.replicas=2\n$/,
    );
    expect(run(sim, `kafka-topics ${B} --describe --under-replicated-partitions`).stdout).toBe('');
    sim.dispatch({ type: 'broker.crash', broker: 3 });
    sim.runFor(20000);
    const under = run(sim, `kafka-topics ${B} --describe --topic b --under-replicated-partitions`).stdout;
    expect(under).toMatch(
      /^\tTopic: b\tPartition: 0\tLeader: \d\tReplicas: [\d,]+\tIsr: \d,\d\tElr: \tLastKnownElr: \n$/,
    );
    expect(run(sim, `kafka-topics ${B} --describe --topic b --under-min-isr-partitions`).stdout).toBe('');
    expect(run(sim, `kafka-topics ${B} --describe --topic b --at-min-isr-partitions`).stdout).toMatch(
      /^\tTopic: b\tPartition: 0\t/,
    );
    sim.dispatch({ type: 'broker.restart', broker: 3 });
    sim.runFor(20000);
  });
  test('usage errors', () => {
    expect(run(sim, 'kafka-topics')).toEqual({
      stdout: '',
      stderr: `Create, delete, describe, or change a topic.\n${TT}`,
      exitCode: 1,
    });
    expect(run(sim, `kafka-topics ${B}`).stderr).toBe(
      `Command must include exactly one action: --list, --describe, --create, --alter or --delete\n${TT}`,
    );
    expect(run(sim, `kafka-topics ${B} --create`).stderr).toBe(`Missing required argument "[topic]"\n${TT}`);
    expect(run(sim, `kafka-topics ${B} --list --partitions 3`).stderr).toBe(
      `Option "[partitions]" can't be used with option "[list]"\n${TT}`,
    );
    expect(run(sim, '--list').stderr).toBe('--list: command not found\n');
    expect(run(sim, 'kafka-topics --list')).toEqual({
      stdout: '',
      stderr:
        '--bootstrap-server must be specified\njava.lang.IllegalArgumentException: --bootstrap-server must be specified\n',
      exitCode: 1,
    });
    expect(run(sim, `kafka-topics ${B} --lst`).stderr).toBe(
      'lst is not a recognized option\njoptsimple.UnrecognizedOptionException: lst is not a recognized option\n',
    );
    expect(run(sim, `kafka-topics ${B} --list --topic`).stderr).toBe(
      'Option topic requires an argument\njoptsimple.OptionMissingRequiredArgumentException: Option topic requires an argument\n',
    );
  });
  test('an address no broker listens on times out as the admin client does', () => {
    expect(run(sim, 'kafka-topics --bootstrap-server broker-9:9092 --list').stdout).toBe(
      'Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n',
    );
    expect(run(sim, 'kafka-topics --bootstrap-server localhost:9092 --list --exclude-internal').stdout).toBe(
      'a\nb\nmy_topic\n',
    );
  });
});

describe('other tools', () => {
  test('usage errors of the console tools and consumer groups', () => {
    expect(run(sim, `kafka-console-consumer ${B}`).stderr).toBe(
      `Exactly one of --include/--topic is required. \n${CT}`,
    );
    expect(run(sim, `kafka-console-consumer ${B} --topic a --offset 3`).stderr).toBe(
      `The partition is required when offset is specified.\n${CT}`,
    );
    expect(run(sim, `kafka-console-consumer ${B} --topic a --partition 0 --group g`).stderr).toBe(
      `Options group and partition cannot be specified together.\n${CT}`,
    );
    expect(run(sim, `kafka-console-consumer ${B} --topic a --partition 0 --offset soon`).stderr).toBe(
      `The provided offset value 'soon' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.\n${CT}`,
    );
    expect(run(sim, `kafka-console-consumer ${B} --topic a --bogus`).stderr).toBe(
      `bogus is not a recognized option\n${CT}`,
    );
    expect(run(sim, 'kafka-console-producer --bootstrap-server broker-1:9092').stderr).toBe(
      `Missing required argument "[topic]"\n${PT}`,
    );
    expect(run(sim, 'kafka-console-producer --topic a --bootstrap-server nohost').stderr).toBe(
      `Please provide valid host:port like host1:9091,host2:9092\n\n${PT}`,
    );
    expect(run(sim, `kafka-consumer-groups ${B}`).stderr).toBe(
      `Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n${GT}`,
    );
    expect(run(sim, `kafka-consumer-groups ${B} --describe`).stderr).toBe(
      `Option [describe] takes one of these options: [all-groups], [group]\n${GT}`,
    );
    expect(run(sim, `kafka-consumer-groups ${B} --describe --group g --members --state`).stderr).toBe(
      `Option [describe] takes at most one of these options: [members], [offsets], [state]\n${GT}`,
    );
    expect(
      run(sim, `kafka-consumer-groups ${B} --reset-offsets --group g --to-earliest --to-latest --dry-run`)
        .stderr,
    ).toBe(`Option "[to-earliest]" can't be used with option "[to-latest]"\n${GT}`);
  });

  test('metadata-quorum --replication: every cell padded and followed by a tab, the last too', () => {
    const out = run(sim, `kafka-metadata-quorum ${B} describe --replication`).stdout;
    const [header, ...rows] = out.split('\n').filter(Boolean);
    expect(header).toMatch(
      /^NodeId\tDirectoryId {11}\tLogEndOffset\tLag\tLastFetchTimestamp\tLastCaughtUpTimestamp\tStatus {2}\t$/,
    );
    const statuses = rows.map((r) => r.split('\t')[6]!.trim());
    expect(statuses.slice(0, 3)).toEqual(['Leader', 'Follower', 'Follower']);
    expect(new Set(statuses.slice(3))).toEqual(new Set(['Observer']));
    expect(rows.every((r) => r.endsWith('\t'))).toBe(true);
  });

  test('metadata-quorum --status: eight lines, values at column 24', () => {
    const lines = run(sim, `kafka-metadata-quorum ${B} describe --status`).stdout.split('\n').filter(Boolean);
    expect(lines.map((l) => l.slice(0, 24).trimEnd())).toEqual([
      'ClusterId:',
      'LeaderId:',
      'LeaderEpoch:',
      'HighWatermark:',
      'MaxFollowerLag:',
      'MaxFollowerLagTimeMs:',
      'CurrentVoters:',
      'CurrentObservers:',
    ]);
    expect(lines[6]).toContain(
      '{"id": 3001, "directoryId": null, "endpoints": ["CONTROLLER://controller-1:9093"]}',
    );
    // MetadataQuorumCommand's own check (a TerseException: the message alone), not argparse4j's.
    expect(run(sim, `kafka-metadata-quorum ${B} describe`).stderr).toBe(
      'One of --status or --replication must be specified with describe sub-command\n',
    );
  });

  test('configs, leader election and transactions', () => {
    expect(run(sim, `kafka-configs ${B} --describe --entity-type topics --entity-name b`).stdout).toBe(
      'Dynamic configs for topic b are:\n  min.insync.replicas=2 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.insync.replicas=2}\n',
    );
    const p = sim.snapshot().topics.find((t) => t.name === 'b')!.partitions[0]!;
    const preferred = p.leader === p.replicas[0];
    const r = run(sim, `kafka-leader-election ${B} --election-type preferred --topic b --partition 0`);
    if (preferred) expect(r.stdout).toBe('Valid replica already elected for partitions b-0\n');
    else expect(r.stdout).toBe('Successfully completed leader election (PREFERRED) for partitions b-0\n');
    expect(run(sim, `kafka-transactions ${B} list`).stdout).toBe(
      'TransactionalId\tCoordinator\tProducerId\tTransactionState\t\n',
    );
  });
});

describe('the shell around the tools', () => {
  test('`;` and `&&` split commands; quotes keep spaces; nothing is expanded', () => {
    expect(parseLine(`a 'b c' "d $e" ; f && g`)).toEqual([
      { words: ['a', 'b c', 'd $e'], then: ';' },
      { words: ['f'], then: '&&' },
      { words: ['g'], then: null },
    ]);
    expect(execute(sim, `echo 'x`)).toEqual({
      stdout: '',
      stderr: "bash: unexpected EOF while looking for matching `''\n",
      exitCode: 2,
    });
  });
  test('completion offers tools, options, topics and groups', () => {
    const s = sim.snapshot();
    expect(complete('kafka-top', s)).toEqual(['kafka-topics']);
    expect(complete('kafka-topics --desc', s)).toEqual(['--describe']);
    expect(complete('kafka-topics --describe --topic ', s)).toEqual(['a', 'b', 'my_topic']);
    expect(complete('kafka-leader-election --election-type ', s)).toEqual(['preferred', 'unclean']);
    expect(complete('kafka-configs --alter --topic a --add-config min.i', s)).toEqual([
      'min.insync.replicas=',
    ]);
    expect(complete('kafka-configs --alter --topic a --delete-', s)).toEqual(['--delete-config']);
    expect(complete('kafka-topics --list ; kafka-con', s)).toEqual([
      'kafka-configs',
      'kafka-console-consumer',
      'kafka-console-producer',
      'kafka-consumer-groups',
    ]);
  });
});
