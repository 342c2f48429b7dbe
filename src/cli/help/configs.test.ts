/**
 * kafka-configs' usage errors (ConfigCommand.main at Kafka 4.0's line). golden/configs.txt was
 * printed by jopt-simple 5.0.4's printHelpOn for ConfigCommandOptions' specs, so it checks both
 * the table and the config-name lists embedded in --add-config's description as StreamLab builds them.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../engine';
import { cluster, run } from '../testing/harness';
import { CONFIGS_HELP } from './configs';
import { formatHelp } from './format';

const table = readFileSync(new URL('./golden/configs.txt', import.meta.url), 'utf8');
const B = '--bootstrap-server broker-1:9092';
const HELP =
  'This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group';

describe('kafka-configs usage errors', () => {
  let sim: Simulation;
  beforeAll(() => {
    sim = cluster();
  });
  test("the option table matches what jopt-simple 5.0.4 prints for ConfigCommandOptions' specs", () => {
    expect(formatHelp(CONFIGS_HELP)).toBe(table);
  });
  test('an unknown option prints OptionException.getMessage alone (main catches it)', () => {
    expect(run(sim, `kafka-configs ${B} --describe --topic a --bogus`)).toEqual({
      stdout: '',
      stderr: 'bogus is not a recognized option\n',
      exitCode: 1,
    });
    expect(run(sim, `kafka-configs ${B} --describe --topic`).stderr).toBe(
      'Option topic requires an argument\n',
    );
  });
  test('printUsageAndExit prints the message and then the table', () => {
    expect(run(sim, 'kafka-configs')).toEqual({ stdout: '', stderr: `${HELP}\n${table}`, exitCode: 1 });
    expect(run(sim, `kafka-configs ${B} --topic a`).stderr).toBe(
      `Command must include exactly one action: --describe, --alter\n${table}`,
    );
    expect(run(sim, `kafka-configs ${B} --describe --topic a --delete-config x`).stderr).toBe(
      `Option "[describe]" can't be used with option "[delete-config]"\n${table}`,
    );
  });
  test("checkArgs' IllegalArgumentExceptions print their message alone, in checkArgs' order", () => {
    const err = (args: string) => run(sim, `kafka-configs ${args}`).stderr;
    // Without --bootstrap-server the allowed types are ZooKeeper's (users, brokers), so a topic is
    // refused before the missing connection option is noticed.
    expect(err('--describe --topic a')).toBe(
      'Invalid entity type topics, the entity type must be one of users, brokers with a --zookeeper argument\n',
    );
    expect(err('--describe --entity-type users')).toBe(
      'One of the required --bootstrap-server, --boostrap-controller, or --zookeeper arguments must be specified\n',
    );
    expect(err(`${B} --describe --entity-type nodes`)).toBe(
      'Invalid entity type nodes, the entity type must be one of topics, clients, users, brokers, ips, broker-loggers, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument\n',
    );
    expect(err(`${B} --describe`)).toBe('At least one entity type must be specified\n');
    expect(err(`${B} --describe --topic a --entity-type topics`)).toBe(
      'Duplicate entity type(s) specified: topics\n',
    );
    expect(err(`${B} --describe --topic a --group g`)).toBe(
      "Only 'users' and 'clients' entity types may be specified together\n",
    );
    expect(err(`${B} --describe --topic a --entity-name b`)).toBe(
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags\n',
    );
    expect(err(`${B} --describe --broker one`)).toBe(
      'The entity name for brokers must be a valid integer broker id, but it is: one\n',
    );
    expect(err(`${B} --alter --entity-type topics --add-config a=1`)).toBe(
      'An entity name must be specified with --alter of topics\n',
    );
    expect(err(`${B} --alter --topic a`)).toBe(
      'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter\n',
    );
  });
});
