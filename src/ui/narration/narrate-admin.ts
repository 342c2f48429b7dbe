/**
 * Sentences for Kafka's Admin operations that change the cluster (src/engine/admin): what the
 * learner asked (from the terminal or anywhere else) and what the cluster then did.
 */
import type { Command, EngineEvent } from '../../engine';
import type { Tone } from './tone';

const ADMIN_COMMANDS = new Set<Command['type']>([
  'topic.createPartitions',
  'topic.alterConfigs',
  'partition.electLeaders',
  'group.delete',
  'records.delete',
]);

export const isAdminCommand = (type: Command['type']) => ADMIN_COMMANDS.has(type);

export function describeAdminCommand(c: Command): string | undefined {
  switch (c.type) {
    case 'topic.createPartitions':
      return `You asked for ${c.count} partitions of topic ${c.topic} (CreatePartitions).`;
    case 'topic.alterConfigs': {
      const set = Object.entries(c.set ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      const del = (c.delete ?? []).map((k) => `${k} back to the broker's value`);
      return `You changed topic ${c.topic}'s config: ${[...set, ...del].join(', ')}.`;
    }
    case 'partition.electLeaders':
      return `You asked the controller for a${c.electionType === 'UNCLEAN' ? 'n unclean' : ' preferred'} leader election${c.partitions ? ` of ${c.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ')}` : ' of every partition'}.`;
    case 'group.delete':
      return `You asked to delete consumer group ${c.groupId}.`;
    case 'records.delete':
      return `You asked the leader of ${c.topic}-${c.partition} to delete every record before offset ${c.offset === -1 ? 'the high watermark' : c.offset} (DeleteRecords).`;
    default:
      return undefined;
  }
}

export function narrateAdmin(e: EngineEvent): { tone: Tone; text: string } | undefined {
  switch (e.type) {
    case 'topic.partitionsCreated': {
      const added = e.added.map((p) => `${e.topic}-${p.partition} led by broker-${p.leader}`).join(', ');
      return {
        tone: 'good',
        text: `Topic ${e.topic} now has ${e.to} partitions: ${added}. Clients see them at their next metadata refresh (metadata.max.age.ms); keys may now map to other partitions.`,
      };
    }
    case 'topic.configChanged': {
      const set = Object.entries(e.set).map(([k, v]) => `${k}=${String(v)}`);
      const del = e.deleted.map((k) => `${k} (removed)`);
      return {
        tone: 'info',
        text: `Topic ${e.topic}'s config changed: ${[...set, ...del].join(', ')}. Each broker applies it as it reads the metadata record.`,
      };
    }
    case 'partition.electionResult': {
      const failed = e.results.filter((r) => r.error !== null && r.error !== 'ELECTION_NOT_NEEDED');
      if (failed.length === 0) return undefined; // the elections tell themselves (partition.changed)
      return {
        tone: 'warn',
        text: `The controller could not elect a leader (${e.electionType}) for ${failed.map((r) => `${r.topic}-${r.partition}: ${r.error}`).join(', ')}.`,
      };
    }
    case 'group.deleted':
      return {
        tone: 'info',
        text: `Consumer group ${e.groupId} deleted by its coordinator broker-${e.broker}: ${e.offsetsRemoved} committed offset${e.offsetsRemoved === 1 ? '' : 's'} tombstoned in __consumer_offsets.`,
      };
    case 'records.deleted':
      return e.error
        ? {
            tone: 'warn',
            text: `broker-${e.broker} refused DeleteRecords on ${e.topic}-${e.partition}: ${e.error} (${e.message}).`,
          }
        : {
            tone: 'info',
            text: `broker-${e.broker} moved the log start offset of ${e.topic}-${e.partition} from ${e.logStartOffsetBefore} to ${e.logStartOffset}: the records before it can no longer be read. The offsets of the others do not change.`,
          };
    default:
      return undefined;
  }
}
