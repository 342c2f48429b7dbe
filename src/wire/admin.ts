/**
 * Admin requests with no RPC in the engine yet (docs/wire.md lists them): CreateTopics and
 * DeleteTopics are applied as the engine's own topic.create / topic.delete commands (the
 * controller then commits them through its quorum as usual, so the topic appears in Metadata a
 * moment later); DescribeGroups and ListGroups are read from the coordinators' snapshot. These
 * answers do not travel the simulated network.
 */
import { isEngineError, type Command, type Simulation } from '../engine/index';
import { errorCodeOf } from './error-codes';
import { encodeAssignment } from './records-map';
import type { Struct } from './schema';

type S = Struct;

function apply(
  sim: Pick<Simulation, 'dispatch'>,
  command: Command,
): { errorCode: number; errorMessage: string | null } {
  try {
    sim.dispatch(command);
    return { errorCode: 0, errorMessage: null };
  } catch (e) {
    if (isEngineError(e)) return { errorCode: errorCodeOf(e.code), errorMessage: e.message };
    throw e;
  }
}

export function answerAdmin(sim: Pick<Simulation, 'dispatch' | 'snapshot'>, api: string, req: S): S {
  switch (api) {
    case 'CreateTopics':
      return {
        throttleTimeMs: 0,
        topics: (req.topics as S[]).map((t) => {
          const name = t.name as string;
          if (req.validateOnly) {
            return {
              name,
              errorCode: errorCodeOf('INVALID_REQUEST'),
              errorMessage: 'validateOnly is not modelled.',
            };
          }
          if ((t.assignments as S[]).length > 0) {
            return {
              name,
              errorCode: errorCodeOf('INVALID_REQUEST'),
              errorMessage: 'Manual replica assignments are not modelled.',
            };
          }
          const config: Record<string, string> = {};
          for (const c of t.configs as S[])
            if (c.value !== null) config[c.name as string] = c.value as string;
          const command: Command = {
            type: 'topic.create',
            topic: name,
            partitions: t.numPartitions as number,
            replicationFactor: t.replicationFactor as number,
            ...(Object.keys(config).length > 0 ? { config } : {}),
          };
          return { name, ...apply(sim, command) };
        }),
      };
    case 'DeleteTopics':
      return {
        throttleTimeMs: 0,
        responses: (req.topicNames as string[]).map((name) => ({
          name,
          errorCode: apply(sim, { type: 'topic.delete', topic: name }).errorCode,
        })),
      };
    case 'ListGroups':
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        groups: sim.snapshot().groups.map((g) => ({ groupId: g.groupId, protocolType: 'consumer' })),
      };
    case 'DescribeGroups': {
      const groups = sim.snapshot().groups;
      return {
        throttleTimeMs: 0,
        groups: (req.groups as string[]).map((groupId) => {
          const g = groups.find((x) => x.groupId === groupId);
          // Kafka describes an unknown group as Dead with no members.
          if (!g)
            return {
              errorCode: 0,
              groupId,
              groupState: 'Dead',
              protocolType: '',
              protocolData: '',
              members: [],
            };
          return {
            errorCode: 0,
            groupId,
            groupState: g.state,
            protocolType: 'consumer',
            protocolData: g.protocol ?? '',
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: '/127.0.0.1',
              memberMetadata: new Uint8Array(0),
              memberAssignment: encodeAssignment(m.assignment),
            })),
          };
        }),
      };
    }
    default:
      throw new Error(`no admin answer for ${api}`);
  }
}
