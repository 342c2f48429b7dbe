/**
 * The handler tables are typed so a missing handler fails to compile; this checks the same at run
 * time against the one list of servers, and that a Fetch's body alone says which log it reads.
 */
import { describe, expect, it } from 'vitest';
import { BROKER_HANDLERS } from '../cluster/broker';
import { CONTROLLER_HANDLERS } from '../cluster/controller';
import { JOBMANAGER_HANDLERS } from '../flink/jobmanager';
import { TASKMANAGER_HANDLERS } from '../flink/taskmanager';
import { QUEUE_HANDLERS } from '../queue/queue-broker';
import { PING_HANDLERS } from '../testing/ping-node';
import { busyCluster } from '../testing/scenario';
import { isMetadataFetchBody, RPC_NARRATION, RPC_REQUEST_KINDS, RPC_SERVERS } from './rpc-kinds';

const TABLES: Record<string, object> = {
  broker: BROKER_HANDLERS,
  controller: CONTROLLER_HANDLERS,
  queue: QUEUE_HANDLERS,
  test: PING_HANDLERS,
  jobmanager: JOBMANAGER_HANDLERS,
  taskmanager: TASKMANAGER_HANDLERS,
};

describe('the handler tables', () => {
  it('every request kind has a narration and a handler in each node kind that serves it', () => {
    for (const kind of RPC_REQUEST_KINDS) {
      expect(RPC_NARRATION[kind], kind).toBeTruthy();
      for (const server of RPC_SERVERS[kind]) {
        expect(Object.hasOwn(TABLES[server]!, kind), `${server} handles ${kind}`).toBe(true);
      }
    }
  });

  it('a metadata Fetch goes to a controller and a partition Fetch to a broker, told by the body', () => {
    const sim = busyCluster();
    sim.runFor(3000);
    let metadata = 0;
    let partition = 0;
    for (const e of sim.events()) {
      if (e.type !== 'rpc.sent' || (e.kind !== 'Fetch' && e.kind !== 'FetchResponse')) continue;
      const server = e.kind === 'Fetch' ? e.to : e.from;
      if (isMetadataFetchBody(e.body)) {
        metadata++;
        expect(server).toMatch(/^controller-/);
      } else {
        partition++;
        expect(server).toMatch(/^broker-/);
      }
    }
    expect(metadata).toBeGreaterThan(10);
    expect(partition).toBeGreaterThan(10);
  });
});
