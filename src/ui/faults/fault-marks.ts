/**
 * Fault commands as markers on the time-travel scrubber: which kind each is (shape and colour),
 * its short label, and where it sits along the range input. Pure, so it is tested without a page.
 */
import type { Command } from '../../engine';
import type { TimelineFault } from '../../bridge/protocol';
import { formatVirtualTime, linkSettingsText } from '../format';

export type FaultKind = 'crash' | 'restart' | 'cut' | 'heal' | 'link' | 'consumer';

export interface FaultMarker {
  key: string;
  atMs: number;
  kind: FaultKind;
  /** Short, for the tooltip and the accessible name: "2.40 s: broker-2 crashed". */
  label: string;
  /** 0..1 along the timeline. */
  fraction: number;
}

export const KIND_NAMES: Record<FaultKind, string> = {
  crash: 'crash',
  restart: 'restart',
  cut: 'network cut',
  heal: 'network healed',
  link: 'slow or lossy link',
  consumer: 'consumer crash',
};

export function faultKind(command: Command): FaultKind {
  switch (command.type) {
    case 'broker.crash':
    case 'node.crash':
      return 'crash';
    case 'broker.restart':
    case 'node.restart':
      return 'restart';
    case 'network.cut':
    case 'network.partition':
      return 'cut';
    case 'network.heal':
      return 'heal';
    case 'consumer.crash':
      return 'consumer';
    default:
      return 'link';
  }
}

export function faultText(command: Command): string {
  switch (command.type) {
    case 'broker.crash':
      return `broker-${command.broker} crashed`;
    case 'broker.restart':
      return `broker-${command.broker} restarted`;
    case 'node.crash':
      return `${command.node} crashed`;
    case 'node.restart':
      return `${command.node} restarted`;
    case 'consumer.crash':
      return `consumer ${command.consumer} crashed`;
    case 'network.cut':
      return `link ${command.from} ${command.oneWay ? '→' : '↔'} ${command.to} cut`;
    case 'network.partition':
      return `network split: ${command.sides.map((s) => `{${s.join(', ')}}`).join(' | ')}`;
    case 'network.heal':
      return 'network healed';
    case 'link.configure':
      return `link ${command.from} → ${command.to}: ${linkSettingsText(command)}`;
    default:
      return command.type;
  }
}

/** Markers for the faults on a timeline that ends at `endMs`. */
export function faultMarkers(faults: readonly TimelineFault[], endMs: number): FaultMarker[] {
  const span = Math.max(endMs, 1);
  return faults.map((f) => ({
    key: `${f.index}:${f.atMs}:${f.command.type}`,
    atMs: f.atMs,
    kind: faultKind(f.command),
    label: `${formatVirtualTime(f.atMs)}: ${faultText(f.command)}`,
    fraction: Math.min(1, Math.max(0, f.atMs / span)),
  }));
}

/**
 * Markers closer than `gapPx` along a track `widthPx` wide would hide each other: each such run
 * is stacked (level 0, 1, 2, ...; at most `maxLevel`), so every marker stays visible and clickable.
 */
export function stackLevels(
  fractions: readonly number[],
  widthPx: number,
  gapPx = 14,
  maxLevel = 3,
): number[] {
  const levels: number[] = [];
  let runStartPx = -Infinity;
  let level = 0;
  for (const f of fractions) {
    const px = f * widthPx;
    if (px - runStartPx < gapPx) level = Math.min(maxLevel, level + 1);
    else {
      runStartPx = px;
      level = 0;
    }
    levels.push(level);
  }
  return levels;
}
