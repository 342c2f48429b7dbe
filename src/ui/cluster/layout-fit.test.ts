/**
 * The diagram holds at every size (issue 16): with up to 5 controllers, 9 brokers, 20 clients in
 * several groups and 12 partitions, at the stage widths of 1280×720 and 1024×768 (with and without
 * a lesson pane), no two node boxes overlap and every box has room for its name in full.
 */
import { describe, expect, it } from 'vitest';
import { layoutAt, type Box } from './cluster-layout';
import { DENSITIES, minBoxWidth, type TopGroupInput } from './top-band';
import { textWidth } from './text-width';

function shape(controllers: number, clients: number, groups: number): TopGroupInput[] {
  const ids = (prefix: string, from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}:${prefix[0]}${from + i}`,
      name: `${prefix[0]}${from + i}`,
    }));
  const producers = Math.ceil(clients / 4);
  const workers = Math.floor(clients / 5);
  const consumers = clients - producers - workers;
  const out: TopGroupInput[] = [
    {
      key: 'producers',
      kind: 'clients',
      titles: ['Producers', 'Prod.'],
      boxes: ids('producer', 1, producers),
    },
  ];
  for (let g = 0; g < groups; g++) {
    const n = Math.floor(consumers / groups) + (g < consumers % groups ? 1 : 0);
    out.push({
      key: `group:${g}`,
      kind: 'clients',
      titles: [`group g${g} · PreparingRebalance`, `group g${g}`, `g${g}`],
      boxes: ids('consumer', g * 10, n),
    });
  }
  out.push({
    key: 'services',
    kind: 'clients',
    titles: ['Services', 'Svc.'],
    boxes: ids('worker', 1, workers),
  });
  out.push({
    key: 'quorum',
    kind: 'controllers',
    titles: ['Controller quorum · epoch 12', 'Quorum · epoch 12', 'epoch 12'],
    boxes: Array.from({ length: controllers }, (_, i) => ({
      id: `controller-${i + 1}`,
      name: `controller-${i + 1}`,
    })),
  });
  return out;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

// Stage widths measured in the app: 1280 and 1024 wide, with and without the lesson pane.
const WIDTHS = [380, 408, 560, 620, 700, 900];

describe('the cluster layout at every size and density', () => {
  for (const density of DENSITIES)
    for (const width of WIDTHS)
      for (const [controllers, brokers, clients, groups] of [
        [3, 3, 4, 1],
        [3, 3, 11, 3],
        [5, 9, 20, 3],
        [1, 1, 0, 0],
        [5, 6, 20, 5],
      ] as const)
        it(`${density}: ${controllers} controllers, ${brokers} brokers, ${clients} clients in ${groups} groups at ${width} px`, () => {
          const top = shape(controllers, clients, groups);
          const layout = layoutAt(
            {
              width,
              top,
              brokers: Array.from({ length: brokers }, (_, i) => i + 1),
              partitions: Array.from({ length: 12 }, (_, p) => ({ topic: 'orders', partition: p })),
            },
            density,
          );
          expect(layout.density).toBe(density);
          const names = new Map(top.flatMap((g) => g.boxes.map((b) => [b.id, b.name])));
          const nodes = [
            ...layout.clients,
            ...layout.controllers,
            ...layout.brokers.map((b) => ({ ...b, id: b.node })),
          ];
          expect(nodes).toHaveLength(controllers + brokers + clients);
          for (let i = 0; i < nodes.length; i++)
            for (let j = i + 1; j < nodes.length; j++)
              expect(overlaps(nodes[i]!, nodes[j]!), `${nodes[i]!.id} overlaps ${nodes[j]!.id}`).toBe(false);
          // Group frames hold their own boxes and no other group's.
          for (let i = 0; i < layout.groups.length; i++)
            for (let j = i + 1; j < layout.groups.length; j++)
              expect(overlaps(layout.groups[i]!, layout.groups[j]!)).toBe(false);
          for (const b of layout.clients)
            expect(b.w, `${b.id} is too narrow for its name`).toBeGreaterThanOrEqual(
              minBoxWidth(names.get(b.id)!, 'clients', density),
            );
          for (const b of layout.controllers)
            expect(b.w, `${b.id} is too narrow for its name and badge`).toBeGreaterThanOrEqual(
              minBoxWidth(names.get(b.id)!, 'controllers', density),
            );
          for (const b of [...layout.clients, ...layout.controllers]) {
            expect(b.x).toBeGreaterThanOrEqual(0);
            expect(b.x + b.w).toBeLessThanOrEqual(layout.width);
          }
          for (const b of layout.brokers) {
            expect(b.w).toBeGreaterThanOrEqual(
              textWidth(b.node, b.compact ? 10 : 13, true) + (b.compact ? 6 : 12),
            );
            expect(b.x + b.w).toBeLessThanOrEqual(layout.width);
          }
          // Only broker columns may widen the diagram past the stage, and not at these sizes.
          if (width >= 80 + brokers * 58) expect(layout.width).toBe(width);
          // Everything sits above the brokers, and the partition rows below them.
          const brokersY = layout.brokers[0]!.y;
          for (const g of layout.groups) expect(g.y + g.h).toBeLessThan(brokersY);
          expect(layout.rows[0]!.y).toBeGreaterThan(brokersY + layout.brokers[0]!.h);
        });

  it('keeps consumers of one group together, in one captioned frame', () => {
    const layout = layoutAt({ width: 620, top: shape(3, 12, 2), brokers: [1, 2, 3], partitions: [] }, 'full');
    const group = layout.groups.find((g) => g.key === 'group:1')!;
    expect(group.title).toMatch(/^group g1/);
    for (const b of group.boxes) expect(overlaps(b, group)).toBe(true);
    expect(group.boxes.every((b) => b.id.startsWith('consumer:'))).toBe(true);
  });
});
