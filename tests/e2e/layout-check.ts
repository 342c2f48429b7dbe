/**
 * The diagram's layout, checked in the page on the rendered SVG (issue 16): no two node boxes
 * overlap and no node's name is cut (the rendered text is measured against its box, and must
 * still say the node's id).
 */
import { expect, type Page } from '@playwright/test';

export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const nodes = [...document.querySelectorAll('[data-testid="cluster-diagram"] [data-testid="node"]')];
    const boxes = nodes.map((node) => {
      const id = node.getAttribute('data-node') ?? '?';
      const frame = node.querySelector('rect.frame') as SVGRectElement | null;
      return { id, node, frame, rect: frame?.getBoundingClientRect() };
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.rect;
        const b = boxes[j]!.rect;
        if (!a || !b) continue;
        const overlap =
          a.left < b.right - 0.5 &&
          b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 &&
          b.top < a.bottom - 0.5;
        if (overlap) problems.push(`${boxes[i]!.id} overlaps ${boxes[j]!.id}`);
      }
    for (const { id, node, frame } of boxes) {
      const name = node.querySelector('text.name') as SVGTextElement | null;
      if (!frame || !name) {
        problems.push(`${id} has no frame or name`);
        continue;
      }
      const text = name.textContent ?? '';
      const short = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
      if (!text.includes(short) || text.includes('…')) problems.push(`${id} is named "${text}"`);
      const x = name.x.baseVal[0]?.value ?? 0;
      const end = x + name.getComputedTextLength();
      if (end > frame.width.baseVal.value - 2) problems.push(`${id}'s name "${text}" runs past its box`);
      // Every other text in the box stays inside it too, and none is drawn over the name (a
      // crashed controller's badge once covered it).
      const nr = name.getBoundingClientRect();
      for (const t of node.querySelectorAll('text')) {
        const tr = t.getBoundingClientRect();
        const fr = frame.getBoundingClientRect();
        if (tr.width > 0 && (tr.left < fr.left - 1 || tr.right > fr.right + 1))
          problems.push(`${id}: "${t.textContent}" spills out of its box`);
        const across = tr.left < nr.right - 0.5 && nr.left < tr.right - 0.5;
        const along = tr.top < nr.bottom - 2 && nr.top < tr.bottom - 2;
        if (t !== name && tr.width > 0 && across && along)
          problems.push(`${id}: "${t.textContent}" is drawn over its name`);
      }
    }
    return problems;
  });
}

export async function expectLayoutHolds(page: Page): Promise<void> {
  await expect(page.getByTestId('node').first()).toBeVisible();
  expect(await layoutProblems(page)).toEqual([]);
}

/** Partition rows whose replica slots are wholly on screen, in the diagram's scroll box. */
export async function rowsOnScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const svg = document.querySelector('[data-testid="cluster-diagram"]');
    let clip: Element | null = svg?.parentElement ?? null;
    while (clip && !['auto', 'scroll'].includes(getComputedStyle(clip).overflowY)) clip = clip.parentElement;
    const bottom = Math.min(clip?.getBoundingClientRect().bottom ?? innerHeight, innerHeight);
    const rows = new Set<string>();
    for (const slot of document.querySelectorAll('[data-testid="cluster-diagram"] [data-testid="replica"]')) {
      // The slot's frame: its marks (the readers' lane, a log end's arrow) may reach past it.
      const r = (slot.querySelector('rect.frame') ?? slot).getBoundingClientRect();
      if (r.height > 0 && r.top >= 0 && r.bottom <= bottom + 1)
        rows.add((slot.getAttribute('data-replica') ?? '').split('@')[0]!);
    }
    return rows.size;
  });
}
