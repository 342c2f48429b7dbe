/**
 * Golden tests for the admin tools that change the cluster: kafka-topics --alter --partitions,
 * kafka-configs --alter, kafka-leader-election, kafka-consumer-groups --delete, and the console
 * producer's line for a batch the leader refused (MESSAGE_TOO_LARGE). Formats: docs/cli.md.
 */
import { describe, expect, test } from 'vitest';
import { createSimulation, type Simulation } from '../engine';
import { targetOf } from './execute';
import { cluster, pump, run, start } from './testing/harness';
import { TOPICS_HELP } from './help/kafka-topics';
import { helpText } from './tools/usage';

const B = '--bootstrap-server broker-1:9092';

describe('kafka-topics --alter --partitions', () => {
  test('grows the topic (nothing printed, as Kafka), describe then shows the new partitions', () => {
    const sim = cluster();
    run(sim, `kafka-topics ${B} --create --topic t --partitions 2 --replication-factor 2`);
    sim.runFor(500);
    expect(run(sim, `kafka-topics ${B} --alter --topic t --partitions 4`)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    sim.runFor(500);
    const t = sim.snapshot().topics.find((x) => x.name === 't')!;
    expect(run(sim, `kafka-topics ${B} --describe --topic t`).stdout).toBe(
      `Topic: t\tTopicId: ${t.topicId}\tPartitionCount: 4\tReplicationFactor: 2\tConfigs: \n` +
        t.partitions
          .map(
            (p) =>
              `\tTopic: t\tPartition: ${p.partition}\tLeader: ${p.replicas[0]}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.replicas.join(',')}\tElr: \tLastKnownElr: \n`,
          )
          .join(''),
    );
    expect(run(sim, `kafka-topics ${B} --alter --topic t --partitions 4`)).toEqual({
      stdout: 'Error while executing topic command : Topic already has 4 partition(s).\n',
      stderr: '',
      exitCode: 1,
    });
    expect(run(sim, `kafka-topics ${B} --alter --topic t --partitions 3`).stdout).toBe(
      'Error while executing topic command : The topic t currently has 4 partition(s); 3 would not be an increase.\n',
    );
    expect(run(sim, `kafka-topics ${B} --alter --topic t --partitions 5000`).stdout).toBe(
      'Error while executing topic command : Number of partitions 5000 is larger than this simulation allows for one topic (1000).\n',
    );
    expect(run(sim, `kafka-topics ${B} --alter --topic t`).stderr).toBe(
      `Missing required argument "[partitions]"\n${helpText(TOPICS_HELP)}`,
    );
  });
});

describe('kafka-configs --alter', () => {
  test('add, describe, delete; the change reaches the brokers', () => {
    const sim = cluster();
    run(sim, `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 3`);
    sim.runFor(500);
    expect(
      run(
        sim,
        `kafka-configs ${B} --alter --entity-type topics --entity-name t --add-config retention.ms=60000,min.insync.replicas=2`,
      ),
    ).toEqual({ stdout: 'Completed updating config for topic t.\n', stderr: '', exitCode: 0 });
    sim.runFor(500);
    expect(run(sim, `kafka-configs ${B} --describe --entity-type topics --entity-name t`).stdout).toBe(
      'Dynamic configs for topic t are:\n' +
        '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}\n' +
        '  min.insync.replicas=2 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:min.insync.replicas=2}\n',
    );
    expect(run(sim, `kafka-topics ${B} --describe --topics-with-overrides`).stdout).toContain(
      'Configs: retention.ms=60000,min.insync.replicas=2\n',
    );
    expect(run(sim, `kafka-configs ${B} --alter --topic t --delete-config retention.ms`).stdout).toBe(
      'Completed updating config for topic t.\n',
    );
    sim.runFor(500);
    expect(sim.snapshot().topics.find((x) => x.name === 't')!.config).toEqual({ 'min.insync.replicas': 2 });
  });

  test("errors: Kafka's messages, each where ConfigCommand prints it", () => {
    const sim = cluster();
    run(sim, `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 1`);
    sim.runFor(500);
    const alter = (rest: string) =>
      run(sim, `kafka-configs ${B} --alter --entity-type topics --entity-name t ${rest}`);
    const args = (rest: string) => `${B} --alter --entity-type topics --entity-name t ${rest}`;
    expect(alter('--add-config no.such=1')).toEqual({
      stdout: '',
      stderr:
        `Error while executing config command with args '${args('--add-config no.such=1')}'\n` +
        'java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException: Unknown topic config name: no.such\n',
      exitCode: 1,
    });
    expect(alter('--add-config retention.ms=soon').stderr).toContain(
      'org.apache.kafka.common.errors.InvalidConfigurationException: Invalid value soon for configuration retention.ms: Not a number of type LONG\n',
    );
    expect(alter('--delete-config retention.ms')).toEqual({
      stdout: '',
      stderr: 'Invalid config(s): retention.ms\n',
      exitCode: 1,
    });
    expect(alter('--add-config retention.ms')).toEqual({
      stdout: '',
      stderr:
        'requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".\n',
      exitCode: 1,
    });
    expect(alter('').stderr).toBe(
      'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter\n',
    );
    expect(run(sim, `kafka-configs ${B} --alter --entity-type topics --add-config a=1`).stderr).toBe(
      'An entity name must be specified with --alter of topics\n',
    );
    expect(sim.snapshot().topics.find((x) => x.name === 't')!.config).toEqual({});
  });
});

describe('kafka-leader-election', () => {
  function withMovedLeader(): { sim: Simulation; preferred: number } {
    const sim = createSimulation({
      seed: 7,
      brokers: 3,
      brokerConfig: { 'auto.leader.rebalance.enable': false },
    });
    sim.runUntil((s) => s.snapshot().brokers.every((b) => b.state === 'unfenced'), 20000);
    run(sim, `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 3`);
    sim.runFor(500);
    const preferred = sim.snapshot().topics[0]!.partitions[0]!.replicas[0]!;
    sim.dispatch({ type: 'broker.crash', broker: preferred });
    sim.runFor(15000);
    sim.dispatch({ type: 'broker.restart', broker: preferred });
    sim.runFor(15000);
    return { sim, preferred };
  }

  test('preferred: the election, then "already elected"', () => {
    const { sim, preferred } = withMovedLeader();
    const bootstrap = `--bootstrap-server broker-${preferred === 1 ? 2 : 1}:9092`;
    expect(
      run(sim, `kafka-leader-election ${bootstrap} --election-type preferred --topic t --partition 0`),
    ).toEqual({
      stdout: 'Successfully completed leader election (PREFERRED) for partitions t-0\n',
      stderr: '',
      exitCode: 0,
    });
    sim.runFor(500);
    expect(sim.snapshot().topics[0]!.partitions[0]!.leader).toBe(preferred);
    expect(
      run(sim, `kafka-leader-election ${bootstrap} --election-type PREFERRED --all-topic-partitions`),
    ).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect(
      run(sim, `kafka-leader-election ${bootstrap} --election-type unclean --topic t --partition 0`).stdout,
    ).toBe('Valid replica already elected for partitions t-0\n');
  });

  test('a failure prints the exception and AdminCommandFailedException', () => {
    const sim = cluster();
    run(sim, `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 1`);
    sim.runFor(500);
    expect(run(sim, `kafka-leader-election ${B} --election-type preferred --topic t --partition 7`)).toEqual({
      stdout:
        'Error completing leader election (PREFERRED) for partition: t-7: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such partition as t-7\n',
      stderr:
        '1 replica(s) could not be elected\norg.apache.kafka.server.common.AdminCommandFailedException: 1 replica(s) could not be elected\n',
      exitCode: 1,
    });
  });
});

describe('kafka-consumer-groups --delete', () => {
  test('refused while the group has members; deleted once Empty, its offsets gone', () => {
    const sim = cluster();
    run(sim, `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 3`);
    sim.runFor(500);
    const h = start(sim, `kafka-console-consumer ${B} --topic t --group g --from-beginning`);
    pump(sim, h, 6000);
    expect(run(sim, `kafka-consumer-groups ${B} --delete --group g --group nope`)).toEqual({
      stdout:
        '\nError: Deletion of some consumer groups failed:\n' +
        "* Group 'g' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n" +
        "* Group 'nope' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
      stderr: '',
      exitCode: 0,
    });
    h.interrupt(targetOf(sim));
    sim.runFor(3000);
    expect(run(sim, `kafka-consumer-groups ${B} --delete --group g`)).toEqual({
      stdout: "Deletion of requested consumer groups ('g') was successful.\n",
      stderr: '',
      exitCode: 0,
    });
    sim.runFor(500);
    expect(run(sim, `kafka-consumer-groups ${B} --describe --group g`).stdout).toBe(
      "\nError: Consumer group 'g' does not exist.\n",
    );
    expect(run(sim, `kafka-consumer-groups ${B} --delete --group g`).stdout).toContain(
      "* Group 'g' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
    );
  });
});

describe('the console producer and max.message.bytes', () => {
  test("a record over the topic's max.message.bytes: the leader refuses it, ErrorLoggingCallback's line", () => {
    const sim = cluster();
    run(
      sim,
      `kafka-topics ${B} --create --topic t --partitions 1 --replication-factor 1 --config max.message.bytes=100`,
    );
    sim.runFor(500);
    const h = start(sim, `kafka-console-producer ${B} --topic t`);
    const target = targetOf(sim);
    h.input(target, 'x'.repeat(200));
    const out = pump(sim, h, 3000);
    expect(out.stderr).toMatch(
      /^\[1970-01-01 00:00:\d\d,\d{3}\] ERROR Error when sending message to topic t with key: null, value: 200 bytes with error: \(org\.apache\.kafka\.clients\.producer\.internals\.ErrorLoggingCallback\)\norg\.apache\.kafka\.common\.errors\.RecordTooLargeException: The request included a message larger than the max message size the server will accept\.\n$/,
    );
    h.endOfInput(target);
  });
});
