/**
 * ElectLeaders, as Kafka's controller answers it (ReplicationControlManager.electLeader with
 * PartitionChangeBuilder): per partition, ELECTION_NOT_NEEDED when the preferred replica already
 * leads (PREFERRED) or the partition has a leader (UNCLEAN); PREFERRED moves leadership to the
 * first replica only when it is in the ISR and unfenced (else PREFERRED_LEADER_NOT_AVAILABLE);
 * UNCLEAN first tries the ISR, then takes any unfenced replica, shrinking the ISR to it and
 * marking the partition RECOVERING: the records it never had are lost when the others truncate
 * to it (else ELIGIBLE_LEADERS_NOT_AVAILABLE). With no partitions named, every partition is
 * tried and only the elections that happened or failed are answered (Kafka leaves out the
 * not-needed ones).
 */
import type { MetadataImage, MetadataRecord } from '../cluster/metadata';
import { isAcceptable } from '../cluster/metadata';
import { electLeader } from '../cluster/election';
import type { ElectionKind, ElectionResult } from './admin-types';

const MESSAGES = {
  ELECTION_NOT_NEEDED: 'Leader election not needed for topic partition.',
  PREFERRED_LEADER_NOT_AVAILABLE: 'The preferred leader was not available.',
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 'Eligible topic partition leaders are not available.',
} as const;

export function electLeadersRecords(
  image: MetadataImage,
  electionType: ElectionKind,
  partitions: readonly { topic: string; partition: number }[] | undefined,
): { records: MetadataRecord[]; results: ElectionResult[] } {
  const wanted =
    partitions ??
    Object.values(image.topics)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((t) => t.partitions.flatMap((p) => (p ? [{ topic: t.name, partition: p.partition }] : [])));
  const records: MetadataRecord[] = [];
  const results: ElectionResult[] = [];
  for (const { topic, partition } of wanted) {
    const answer = (error: ElectionResult['error'], message: string | null) =>
      results.push({ topic, partition, error, message });
    const t = image.topics[topic];
    const p = t?.partitions[partition];
    if (!t) {
      answer('UNKNOWN_TOPIC_OR_PARTITION', `No such topic as ${topic}`);
      continue;
    }
    if (!p) {
      answer('UNKNOWN_TOPIC_OR_PARTITION', `No such partition as ${topic}-${partition}`);
      continue;
    }
    const notNeeded = electionType === 'PREFERRED' ? p.leader === p.replicas[0] : p.leader !== -1;
    if (notNeeded) {
      if (partitions) answer('ELECTION_NOT_NEEDED', MESSAGES.ELECTION_NOT_NEEDED);
      continue;
    }
    const elected = electLeader(p, electionType, (b) => isAcceptable(image, b));
    const changes = electionType === 'PREFERRED' ? elected.leader === p.replicas[0] : elected.leader !== -1;
    if (!changes) {
      const error =
        electionType === 'PREFERRED' ? 'PREFERRED_LEADER_NOT_AVAILABLE' : 'ELIGIBLE_LEADERS_NOT_AVAILABLE';
      answer(error, MESSAGES[error]);
      continue;
    }
    records.push({
      type: 'PartitionChange',
      topic,
      partition,
      leader: elected.leader,
      reason: elected.unclean ? 'unclean' : 'elect-leaders',
      ...(elected.unclean ? { isr: [elected.leader], leaderRecoveryState: 'RECOVERING' as const } : {}),
    });
    results.push({
      topic,
      partition,
      error: null,
      message: null,
      leader: elected.leader,
      unclean: elected.unclean,
    });
  }
  return { records, results };
}
