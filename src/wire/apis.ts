/**
 * The APIs this front end serves: key, name, the versions served, and the non-flexible request and
 * response layouts (field lists and version ranges read from Kafka's message JSON). ApiVersions
 * advertises exactly `served`; anything outside gets UNSUPPORTED_VERSION.
 */
import { arr, f, type Field } from './schema';

export interface ApiSpec {
  key: number;
  name: string;
  served: { min: number; max: number };
  request: Field[];
  response: Field[];
}

const THROTTLE = (from: number) => f('throttleTimeMs', 'int32', from);

const apiVersions: ApiSpec = {
  key: 18,
  name: 'ApiVersions',
  served: { min: 0, max: 2 },
  request: [],
  response: [
    f('errorCode', 'int16'),
    f('apiKeys', arr([f('apiKey', 'int16'), f('minVersion', 'int16'), f('maxVersion', 'int16')])),
    THROTTLE(1),
  ],
};

const metadata: ApiSpec = {
  key: 3,
  name: 'Metadata',
  served: { min: 0, max: 6 },
  // v0: an empty list means every topic; from v1 null means every topic and empty means none.
  request: [f('topics', arr([f('name', 'string')], 1)), f('allowAutoTopicCreation', 'bool', 4, 99, true)],
  response: [
    THROTTLE(3),
    f(
      'brokers',
      arr([f('nodeId', 'int32'), f('host', 'string'), f('port', 'int32'), f('rack', 'nstring', 1)]),
    ),
    f('clusterId', 'nstring', 2),
    f('controllerId', 'int32', 1, 99, -1),
    f(
      'topics',
      arr([
        f('errorCode', 'int16'),
        f('name', 'string'),
        f('isInternal', 'bool', 1),
        f(
          'partitions',
          arr([
            f('errorCode', 'int16'),
            f('partitionIndex', 'int32'),
            f('leaderId', 'int32'),
            f('leaderEpoch', 'int32', 7, 99, -1),
            f('replicaNodes', arr('int32')),
            f('isrNodes', arr('int32')),
            f('offlineReplicas', arr('int32'), 5),
          ]),
        ),
      ]),
    ),
  ],
};

const produce: ApiSpec = {
  key: 0,
  name: 'Produce',
  served: { min: 3, max: 7 },
  request: [
    f('transactionalId', 'nstring', 3),
    f('acks', 'int16'),
    f('timeoutMs', 'int32'),
    f(
      'topics',
      arr([f('name', 'string'), f('partitions', arr([f('index', 'int32'), f('records', 'nbytes')]))]),
    ),
  ],
  response: [
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([
            f('index', 'int32'),
            f('errorCode', 'int16'),
            f('baseOffset', 'int64'),
            f('logAppendTimeMs', 'int64', 2, 99, -1),
            f('logStartOffset', 'int64', 5, 99, -1),
          ]),
        ),
      ]),
    ),
    THROTTLE(1),
  ],
};

const fetch: ApiSpec = {
  key: 1,
  name: 'Fetch',
  served: { min: 4, max: 11 },
  request: [
    f('replicaId', 'int32'),
    f('maxWaitMs', 'int32'),
    f('minBytes', 'int32'),
    f('maxBytes', 'int32', 3, 99, 0x7fffffff),
    f('isolationLevel', 'int8', 4),
    f('sessionId', 'int32', 7),
    f('sessionEpoch', 'int32', 7, 99, -1),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([
            f('partition', 'int32'),
            f('currentLeaderEpoch', 'int32', 9, 99, -1),
            f('fetchOffset', 'int64'),
            f('logStartOffset', 'int64', 5, 99, -1),
            f('partitionMaxBytes', 'int32'),
          ]),
        ),
      ]),
    ),
    f('forgotten', arr([f('name', 'string'), f('partitions', arr('int32'))]), 7),
    f('rackId', 'string', 11),
  ],
  response: [
    THROTTLE(1),
    f('errorCode', 'int16', 7),
    f('sessionId', 'int32', 7),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([
            f('partition', 'int32'),
            f('errorCode', 'int16'),
            f('highWatermark', 'int64'),
            f('lastStableOffset', 'int64', 4, 99, -1),
            f('logStartOffset', 'int64', 5, 99, -1),
            f('abortedTransactions', arr([f('producerId', 'int64'), f('firstOffset', 'int64')], 4), 4),
            f('preferredReadReplica', 'int32', 11, 99, -1),
            f('records', 'nbytes'),
          ]),
        ),
      ]),
    ),
  ],
};

const listOffsets: ApiSpec = {
  key: 2,
  name: 'ListOffsets',
  served: { min: 1, max: 3 },
  request: [
    f('replicaId', 'int32'),
    f('isolationLevel', 'int8', 2),
    f(
      'topics',
      arr([f('name', 'string'), f('partitions', arr([f('partition', 'int32'), f('timestamp', 'int64')]))]),
    ),
  ],
  response: [
    THROTTLE(2),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([
            f('partition', 'int32'),
            f('errorCode', 'int16'),
            f('timestamp', 'int64', 1, 99, -1),
            f('offset', 'int64', 1),
          ]),
        ),
      ]),
    ),
  ],
};

const findCoordinator: ApiSpec = {
  key: 10,
  name: 'FindCoordinator',
  served: { min: 0, max: 2 },
  request: [f('key', 'string'), f('keyType', 'int8', 1)],
  response: [
    THROTTLE(1),
    f('errorCode', 'int16'),
    f('errorMessage', 'nstring', 1),
    f('nodeId', 'int32'),
    f('host', 'string'),
    f('port', 'int32'),
  ],
};

const joinGroup: ApiSpec = {
  key: 11,
  name: 'JoinGroup',
  // v4+: the first join is answered MEMBER_ID_REQUIRED with a member id (KIP-394), as the engine's
  // coordinator always does; older clients would not understand that answer.
  served: { min: 4, max: 5 },
  request: [
    f('groupId', 'string'),
    f('sessionTimeoutMs', 'int32'),
    f('rebalanceTimeoutMs', 'int32', 1, 99, -1),
    f('memberId', 'string'),
    f('groupInstanceId', 'nstring', 5),
    f('protocolType', 'string'),
    f('protocols', arr([f('name', 'string'), f('metadata', 'bytes')])),
  ],
  response: [
    THROTTLE(2),
    f('errorCode', 'int16'),
    f('generationId', 'int32', 0, 99, -1),
    f('protocolName', 'string'),
    f('leader', 'string'),
    f('memberId', 'string'),
    f('members', arr([f('memberId', 'string'), f('groupInstanceId', 'nstring', 5), f('metadata', 'bytes')])),
  ],
};

const syncGroup: ApiSpec = {
  key: 14,
  name: 'SyncGroup',
  served: { min: 0, max: 3 },
  request: [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'nstring', 3),
    f('assignments', arr([f('memberId', 'string'), f('assignment', 'bytes')])),
  ],
  response: [THROTTLE(1), f('errorCode', 'int16'), f('assignment', 'bytes')],
};

const heartbeat: ApiSpec = {
  key: 12,
  name: 'Heartbeat',
  served: { min: 0, max: 3 },
  request: [
    f('groupId', 'string'),
    f('generationId', 'int32'),
    f('memberId', 'string'),
    f('groupInstanceId', 'nstring', 3),
  ],
  response: [THROTTLE(1), f('errorCode', 'int16')],
};

const leaveGroup: ApiSpec = {
  key: 13,
  name: 'LeaveGroup',
  served: { min: 0, max: 3 },
  request: [
    f('groupId', 'string'),
    f('memberId', 'string', 0, 2),
    f('members', arr([f('memberId', 'string'), f('groupInstanceId', 'nstring')]), 3),
  ],
  response: [
    THROTTLE(1),
    f('errorCode', 'int16'),
    f('members', arr([f('memberId', 'string'), f('groupInstanceId', 'nstring'), f('errorCode', 'int16')]), 3),
  ],
};

const offsetCommit: ApiSpec = {
  key: 8,
  name: 'OffsetCommit',
  served: { min: 2, max: 5 },
  request: [
    f('groupId', 'string'),
    f('generationId', 'int32', 1, 99, -1),
    f('memberId', 'string', 1),
    f('retentionTimeMs', 'int64', 2, 4, -1),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([f('partition', 'int32'), f('committedOffset', 'int64'), f('committedMetadata', 'nstring')]),
        ),
      ]),
    ),
  ],
  response: [
    THROTTLE(3),
    f(
      'topics',
      arr([f('name', 'string'), f('partitions', arr([f('partition', 'int32'), f('errorCode', 'int16')]))]),
    ),
  ],
};

const offsetFetch: ApiSpec = {
  key: 9,
  name: 'OffsetFetch',
  served: { min: 1, max: 4 },
  request: [
    f('groupId', 'string'),
    f('topics', arr([f('name', 'string'), f('partitions', arr('int32'))], 2)),
  ],
  response: [
    THROTTLE(3),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([
            f('partition', 'int32'),
            f('committedOffset', 'int64'),
            f('metadata', 'nstring'),
            f('errorCode', 'int16'),
          ]),
        ),
      ]),
    ),
    f('errorCode', 'int16', 2),
  ],
};

const initProducerId: ApiSpec = {
  key: 22,
  name: 'InitProducerId',
  served: { min: 0, max: 1 },
  request: [f('transactionalId', 'nstring'), f('transactionTimeoutMs', 'int32')],
  response: [
    THROTTLE(0),
    f('errorCode', 'int16'),
    f('producerId', 'int64', 0, 99, -1),
    f('producerEpoch', 'int16', 0, 99, -1),
  ],
};

const txnIds = [f('transactionalId', 'string'), f('producerId', 'int64'), f('producerEpoch', 'int16')];

const addPartitionsToTxn: ApiSpec = {
  key: 24,
  name: 'AddPartitionsToTxn',
  served: { min: 0, max: 1 },
  request: [...txnIds, f('topics', arr([f('name', 'string'), f('partitions', arr('int32'))]))],
  response: [
    THROTTLE(0),
    f(
      'results',
      arr([f('name', 'string'), f('partitions', arr([f('partition', 'int32'), f('errorCode', 'int16')]))]),
    ),
  ],
};

const addOffsetsToTxn: ApiSpec = {
  key: 25,
  name: 'AddOffsetsToTxn',
  served: { min: 0, max: 1 },
  request: [...txnIds, f('groupId', 'string')],
  response: [THROTTLE(0), f('errorCode', 'int16')],
};

const endTxn: ApiSpec = {
  key: 26,
  name: 'EndTxn',
  served: { min: 0, max: 1 },
  request: [...txnIds, f('committed', 'bool')],
  response: [THROTTLE(0), f('errorCode', 'int16')],
};

const txnOffsetCommit: ApiSpec = {
  key: 28,
  name: 'TxnOffsetCommit',
  served: { min: 0, max: 1 },
  request: [
    f('transactionalId', 'string'),
    f('groupId', 'string'),
    f('producerId', 'int64'),
    f('producerEpoch', 'int16'),
    f(
      'topics',
      arr([
        f('name', 'string'),
        f(
          'partitions',
          arr([f('partition', 'int32'), f('committedOffset', 'int64'), f('committedMetadata', 'nstring')]),
        ),
      ]),
    ),
  ],
  response: [
    THROTTLE(0),
    f(
      'topics',
      arr([f('name', 'string'), f('partitions', arr([f('partition', 'int32'), f('errorCode', 'int16')]))]),
    ),
  ],
};

const createTopics: ApiSpec = {
  key: 19,
  name: 'CreateTopics',
  served: { min: 0, max: 3 },
  request: [
    f(
      'topics',
      arr([
        f('name', 'string'),
        f('numPartitions', 'int32'),
        f('replicationFactor', 'int16'),
        f('assignments', arr([f('partition', 'int32'), f('brokerIds', arr('int32'))])),
        f('configs', arr([f('name', 'string'), f('value', 'nstring')])),
      ]),
    ),
    f('timeoutMs', 'int32'),
    f('validateOnly', 'bool', 1),
  ],
  response: [
    THROTTLE(2),
    f('topics', arr([f('name', 'string'), f('errorCode', 'int16'), f('errorMessage', 'nstring', 1)])),
  ],
};

const deleteTopics: ApiSpec = {
  key: 20,
  name: 'DeleteTopics',
  served: { min: 0, max: 3 },
  request: [f('topicNames', arr('string')), f('timeoutMs', 'int32')],
  response: [THROTTLE(1), f('responses', arr([f('name', 'string'), f('errorCode', 'int16')]))],
};

const describeGroups: ApiSpec = {
  key: 15,
  name: 'DescribeGroups',
  served: { min: 0, max: 4 },
  request: [f('groups', arr('string')), f('includeAuthorizedOperations', 'bool', 3)],
  response: [
    THROTTLE(1),
    f(
      'groups',
      arr([
        f('errorCode', 'int16'),
        f('groupId', 'string'),
        f('groupState', 'string'),
        f('protocolType', 'string'),
        f('protocolData', 'string'),
        f(
          'members',
          arr([
            f('memberId', 'string'),
            f('groupInstanceId', 'nstring', 4),
            f('clientId', 'string'),
            f('clientHost', 'string'),
            f('memberMetadata', 'bytes'),
            f('memberAssignment', 'bytes'),
          ]),
        ),
        f('authorizedOperations', 'int32', 3, 99, -2147483648),
      ]),
    ),
  ],
};

const listGroups: ApiSpec = {
  key: 16,
  name: 'ListGroups',
  served: { min: 0, max: 2 },
  request: [],
  response: [
    THROTTLE(1),
    f('errorCode', 'int16'),
    f('groups', arr([f('groupId', 'string'), f('protocolType', 'string')])),
  ],
};

export const APIS: readonly ApiSpec[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
];

const BY_KEY = new Map(APIS.map((a) => [a.key, a]));

export function apiByKey(key: number): ApiSpec | undefined {
  return BY_KEY.get(key);
}

export function apiByName(name: string): ApiSpec {
  const a = APIS.find((x) => x.name === name);
  if (!a) throw new Error(`no API named ${name}`);
  return a;
}
