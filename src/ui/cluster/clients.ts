/**
 * The clients of the top row (producers, then consumers) as the diagram labels them: a title and
 * wordings of their state from most to least informative (the box picks what fits its width).
 */
import type { ClusterSnapshot } from '../../engine';

export interface ClientCard {
  node: string;
  kind: 'producer' | 'consumer';
  title: string;
  alive: boolean;
  details: string[];
}

export function clientCards(snapshot: ClusterSnapshot): ClientCard[] {
  const producers = snapshot.producers.map((p): ClientCard => {
    const failed = p.failed > 0 ? ` · ${p.failed} failed` : '';
    return {
      node: p.node,
      kind: 'producer',
      title: `producer ${p.id}`,
      alive: p.alive,
      details: [
        `acks=${p.acks} · ${p.acked} acked${failed}`,
        `acks=${p.acks} · ${p.acked}✓${failed ? ` ${p.failed}✕` : ''}`,
        `acks=${p.acks}`,
      ],
    };
  });
  const consumers = snapshot.consumers.map((c): ClientCard => {
    const owned = c.assignment.map((a) => `${a.topic}-${a.partition}`);
    const group = c.groupId ?? 'no group';
    return {
      node: c.node,
      kind: 'consumer',
      title: `consumer ${c.id}`,
      alive: c.alive,
      details: [
        `${group} · ${c.state} · ${owned.length > 0 ? owned.join(', ') : 'no partitions'}`,
        `${group} · ${c.state} · ${owned.length} partition${owned.length === 1 ? '' : 's'}`,
        `${c.state} · ${owned.length}p`,
      ],
    };
  });
  return [...producers, ...consumers];
}

/** Kafka's internal topics (`__consumer_offsets`): 50 partitions of bookkeeping, hidden by default. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
