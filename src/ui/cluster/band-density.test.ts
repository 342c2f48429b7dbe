/**
 * The top band compacts when the partition rows would fall below the fold (issue 16): the decision
 * is the layout's, from the height on screen.
 */
import { describe, expect, it } from 'vitest';
import {
  layoutAt,
  layoutCluster,
  MIN_ROWS_SHOWN,
  rowsShown,
  type Box,
  type LayoutInput,
} from './cluster-layout';
import type { TopGroupInput } from './top-band';

const group = (key: string, titles: string[], ids: string[]): TopGroupInput => ({
  key,
  kind: 'clients',
  titles,
  boxes: ids.map((id) => ({ id: `consumer:${id}`, name: id })),
});
const quorum = (n: number): TopGroupInput => ({
  key: 'quorum',
  kind: 'controllers',
  titles: ['Controller quorum · epoch 1', 'Quorum · epoch 1', 'epoch 1'],
  boxes: Array.from({ length: n }, (_, i) => ({ id: `controller-${i + 1}`, name: `controller-${i + 1}` })),
});

/** Lesson 11's busiest step: sixteen consumers in six groups, three controllers, 14 partitions. */
const lesson11 = (width: number, viewHeight?: number): LayoutInput => ({
  width,
  top: [
    group('group:A', ['A'], ['a1']),
    group('group:B', ['group B'], ['b1', 'b2']),
    group('group:C', ['group C · Stable', 'group C', 'C'], ['c1', 'c2', 'c3']),
    group('group:D', ['group D · Stable', 'group D', 'D'], ['d1', 'd2', 'd3']),
    group('group:E', ['group E · Stable', 'group E', 'E'], ['e1', 'e2', 'e3']),
    group('group:mine', ['group mine · Stable', 'group mine', 'mine'], ['c4', 'c5', 'c6', 'c7']),
    quorum(3),
  ],
  brokers: [1, 2, 3],
  partitions: Array.from({ length: 14 }, (_, p) => ({
    topic: p < 6 ? 'clicks' : 'orders',
    partition: p % 6,
  })),
  ...(viewHeight !== undefined ? { viewHeight } : {}),
});

// The stage's width and the diagram's height on screen, measured in the app (lesson pane open).
const AT_1024 = { width: 404, view: 416 };
const AT_1280 = { width: 602, view: 360 };

describe('the top band density, chosen from the height on screen', () => {
  it('compacts a crowded band at 1024×768 so that three partition rows show', () => {
    const full = layoutAt(lesson11(AT_1024.width), 'full');
    expect(rowsShown(full, AT_1024.view)).toBeLessThan(MIN_ROWS_SHOWN);
    const chosen = layoutCluster(lesson11(AT_1024.width, AT_1024.view));
    expect(chosen.density).not.toBe('full');
    expect(rowsShown(chosen, AT_1024.view)).toBeGreaterThanOrEqual(MIN_ROWS_SHOWN);
  });

  it('shows three rows at 1280×720 too (one and a half before)', () => {
    const chosen = layoutCluster(lesson11(AT_1280.width, AT_1280.view));
    expect(rowsShown(chosen, AT_1280.view)).toBeGreaterThanOrEqual(MIN_ROWS_SHOWN);
  });

  it('stops at the loosest density that is enough', () => {
    // Lesson 11 at 1024×768 needs the dense band (client boxes of their name alone)...
    expect(layoutCluster(lesson11(AT_1024.width, AT_1024.view)).density).toBe('dense');
    // ...while a little more height is enough for the compact one: the clients keep their details.
    expect(rowsShown(layoutAt(lesson11(AT_1024.width), 'full'), 470)).toBeLessThan(MIN_ROWS_SHOWN);
    expect(layoutCluster(lesson11(AT_1024.width, 470)).density).toBe('compact');
    // One partition needs room for one row only.
    const one = { ...lesson11(AT_1024.width, AT_1024.view), partitions: [{ topic: 'clicks', partition: 0 }] };
    expect(layoutCluster(one).density).toBe('full');
  });

  it('draws a roomy band in full, and in full before the height is known', () => {
    expect(layoutCluster(lesson11(AT_1024.width, 2000)).density).toBe('full');
    expect(layoutCluster(lesson11(AT_1024.width)).density).toBe('full');
  });

  it('falls back to the density that shows the most rows when none shows three', () => {
    const chosen = layoutCluster(lesson11(AT_1024.width, 300));
    for (const d of ['full', 'compact', 'dense'] as const)
      expect(rowsShown(chosen, 300)).toBeGreaterThanOrEqual(
        rowsShown(layoutAt(lesson11(AT_1024.width), d), 300),
      );
  });

  // 5 controllers, 9 brokers, 20 clients (5 producers, three groups of 5 consumers), as in the e2e sandbox.
  const crowd = (width: number, viewHeight: number): LayoutInput => ({
    width,
    top: [
      {
        key: 'producers',
        kind: 'clients',
        titles: ['Producers', 'Prod.'],
        boxes: Array.from({ length: 5 }, (_, i) => ({ id: `producer:p${i + 1}`, name: `p${i + 1}` })),
      },
      ...['billing', 'audit', 'search'].map((g, k) =>
        group(
          `group:${g}`,
          [`group ${g} · Stable`, `group ${g}`, g],
          ['1', '2', '3', '4', '5'].map((n) => `c${k * 5 + Number(n)}`),
        ),
      ),
      quorum(5),
    ],
    brokers: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    partitions: Array.from({ length: 12 }, (_, p) => ({ topic: 'orders', partition: p })),
    viewHeight,
  });
  const overlaps = (a: Box, b: Box) =>
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  for (const at of [AT_1024, AT_1280])
    it(`5 controllers, 9 brokers, 20 clients at ${at.width} px: compact, more rows, no overlap`, () => {
      const chosen = layoutCluster(crowd(at.width, at.view));
      expect(chosen.density).not.toBe('full');
      const full = layoutAt(crowd(at.width, at.view), 'full');
      expect(rowsShown(chosen, at.view)).toBeGreaterThan(rowsShown(full, at.view));
      const nodes = [
        ...chosen.clients,
        ...chosen.controllers,
        ...chosen.brokers.map((b) => ({ ...b, id: b.node })),
      ];
      expect(nodes).toHaveLength(5 + 9 + 20);
      const pairs: string[] = [];
      for (let i = 0; i < nodes.length; i++)
        for (let j = i + 1; j < nodes.length; j++)
          if (overlaps(nodes[i]!, nodes[j]!)) pairs.push(`${nodes[i]!.id} overlaps ${nodes[j]!.id}`);
      for (let i = 0; i < chosen.groups.length; i++)
        for (let j = i + 1; j < chosen.groups.length; j++)
          if (overlaps(chosen.groups[i]!, chosen.groups[j]!)) pairs.push(`${chosen.groups[i]!.key} frame`);
      expect(pairs).toEqual([]);
      // One line of controllers boxes, each a name and a badge.
      expect(chosen.controllers.every((c) => c.h === chosen.controllers[0]!.h && c.h < 30)).toBe(true);
    });
});
