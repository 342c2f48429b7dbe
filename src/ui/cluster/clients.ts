/**
 * The clients of the top row (producers, then consumers) as the diagram labels them: a title and
 * wordings of their state from most to least informative (the box picks what fits its width).
 */
import type { ClusterSnapshot } from '../../engine';
import type { ServiceCard } from '../queue/queue-view';
import type { TopGroupInput } from './top-band';

export interface ClientCard {
  node: string;
  /** `external`: a real Kafka client (the Code tool's KafkaJS, the gateway's apps), node `client:<client.id>`. */
  kind: 'producer' | 'consumer' | 'external' | 'flink';
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
    return {
      node: c.node,
      kind: 'consumer',
      title: `consumer ${c.id}`,
      alive: c.alive,
      // The group is the caption of the box's group (./top-band), so the box leaves it out.
      details: [
        `${c.state} · ${owned.length > 0 ? owned.join(', ') : 'no partitions'}`,
        `${c.state} · ${owned.length} partition${owned.length === 1 ? '' : 's'}`,
        `${owned.length} partition${owned.length === 1 ? '' : 's'}`,
        `${owned.length}p`,
      ],
    };
  });
  // Real clients (src/engine/external) keep their Kafka logic to themselves: the node only knows it is up.
  const external = snapshot.nodes
    .filter((n) => n.kind === 'client')
    .map((n): ClientCard => ({
      node: n.id,
      kind: 'external',
      title: `client ${shortId(n.id)}`,
      alive: n.alive,
      details: ['real Kafka client (KafkaJS, kcat, …)', 'real Kafka client', 'real client'],
    }));
  return [...producers, ...consumers, ...external, ...flinkCards(snapshot)];
}

/** Flink mode (src/engine/flink): the JobManager and its TaskManagers, with what each runs. */
function flinkCards(snapshot: ClusterSnapshot): ClientCard[] {
  const f = snapshot.flink;
  if (!f) return [];
  const job = f.job;
  const cp = job?.lastCompleted ? `checkpoint ${job.lastCompleted.id} ✓` : 'no checkpoint yet';
  const jm: ClientCard = {
    node: f.jobManager.node,
    kind: 'flink',
    title: 'JobManager',
    alive: f.jobManager.alive,
    details: job
      ? [`${job.job} ${job.status} · ${cp}`, `${job.status} · ${cp}`, job.status]
      : ['no job', 'no job'],
  };
  const tms = f.taskManagers.map((t): ClientCard => {
    const tasks = job?.subtasks.filter((s) => s.taskManager === t.node).map((s) => s.task) ?? [];
    const what = tasks.length > 0 ? tasks.join(', ') : t.alive ? 'idle slot' : 'down';
    return {
      node: t.node,
      kind: 'flink',
      title: `TaskManager ${shortId(t.node)}`,
      alive: t.alive,
      details: [`${t.slots} slot${t.slots === 1 ? '' : 's'} · ${what}`, what, `${tasks.length} tasks`],
    };
  });
  return [jm, ...tms];
}

/** Kafka's internal topics (`__consumer_offsets`): 50 partitions of bookkeeping, hidden by default. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/** `consumer:c1` → `c1`: the name a client's box shows when nothing longer fits. */
export function shortId(node: string): string {
  return node.includes(':') ? node.slice(node.indexOf(':') + 1) : node;
}

/**
 * The top band's groups: producers, then one group per consumer group (in order of first member),
 * consumers outside any group, the queue's services, and the controller quorum last.
 */
export function topGroups(
  snapshot: ClusterSnapshot,
  clients: readonly ClientCard[],
  services: readonly ServiceCard[],
): TopGroupInput[] {
  const box = (node: string) => ({ id: node, name: shortId(node) });
  const out: TopGroupInput[] = [
    {
      key: 'producers',
      kind: 'clients',
      titles: ['Producers', 'Prod.'],
      boxes: clients.filter((c) => c.kind === 'producer').map((c) => box(c.node)),
    },
  ];
  const byGroup = new Map<string, string[]>();
  for (const c of snapshot.consumers) {
    const key = c.groupId ?? '';
    byGroup.set(key, [...(byGroup.get(key) ?? []), c.node]);
  }
  for (const [groupId, nodes] of byGroup) {
    const state = snapshot.groups.find((g) => g.groupId === groupId)?.state;
    out.push({
      key: `group:${groupId}`,
      kind: 'clients',
      titles:
        groupId === ''
          ? ['Consumers, no group', 'No group']
          : [`group ${groupId}${state ? ` · ${state}` : ''}`, `group ${groupId}`, groupId],
      boxes: nodes.map(box),
    });
  }
  const external = clients.filter((c) => c.kind === 'external');
  if (external.length > 0)
    out.push({
      key: 'external',
      kind: 'clients',
      titles: ['Your code (real clients)', 'Your code', 'Code'],
      boxes: external.map((c) => box(c.node)),
    });
  const flink = clients.filter((c) => c.kind === 'flink');
  if (flink.length > 0)
    out.push({
      key: 'flink',
      kind: 'clients',
      titles: ['Flink cluster', 'Flink'],
      boxes: flink.map((c) => box(c.node)),
    });
  out.push({
    key: 'services',
    kind: 'clients',
    titles: ['Services', 'Svc.'],
    boxes: services.map((s) => box(s.node)),
  });
  const epoch = snapshot.quorum.epoch;
  const key = quorumKey(snapshot);
  out.push({
    key: 'quorum',
    kind: 'controllers',
    titles: [`Controller quorum · epoch ${epoch}`, `Quorum · epoch ${epoch}`, `epoch ${epoch}`],
    compactTitles: key
      ? [`Controller quorum · epoch ${epoch} · ${key}`, `Quorum · epoch ${epoch} · ${key}`]
      : [],
    boxes: snapshot.quorum.voters.map((v) => ({ id: v.id, name: v.id })),
  });
  return out;
}

/**
 * The key to a compact quorum's role badges (./ControllerBox), for the roles on screen, e.g.
 * "★ active · F follower · ✕ down". Empty when the only badge is the active controller's star.
 */
export function quorumKey(snapshot: ClusterSnapshot): string {
  const words: [string, string][] = [];
  const add = (glyph: string, word: string) => {
    if (!words.some(([g]) => g === glyph)) words.push([glyph, word]);
  };
  for (const v of snapshot.quorum.voters) {
    if (!v.alive) add('✕', 'down');
    else if (snapshot.quorum.leader === v.id) add('★', 'active');
    else add(ROLE_GLYPH[v.role ?? 'unattached'] ?? '?', v.role ?? 'unattached');
  }
  if (words.every(([g]) => g === '★')) return '';
  return words.map(([g, w]) => `${g} ${w}`).join(' · ');
}

/** A compact controller box's badge for each Raft role (★ and ✕ for active and down). */
export const ROLE_GLYPH: Record<string, string> = {
  leader: 'L',
  follower: 'F',
  candidate: 'C',
  unattached: 'U',
};
