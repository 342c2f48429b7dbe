/** The commands behind the fault buttons: one place that knows brokers are crashed by number. */
import type { Command, NodeSnapshot } from '../../engine';

function brokerNumber(node: NodeSnapshot): number | undefined {
  if (node.kind !== 'broker') return undefined;
  const n = Number(node.id.slice('broker-'.length));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Crash a running node or restart a crashed one. */
export function crashOrRestart(node: NodeSnapshot): Command {
  const broker = brokerNumber(node);
  if (broker !== undefined)
    return node.alive ? { type: 'broker.crash', broker } : { type: 'broker.restart', broker };
  return node.alive ? { type: 'node.crash', node: node.id } : { type: 'node.restart', node: node.id };
}

/** Side B is the nodes the learner moved; side A is everyone else. */
export function splitCommand(nodes: readonly string[], sideB: ReadonlySet<string>): Command | undefined {
  const b = nodes.filter((n) => sideB.has(n));
  const a = nodes.filter((n) => !sideB.has(n));
  if (a.length === 0 || b.length === 0) return undefined;
  return { type: 'network.partition', sides: [a, b] };
}

/** `lossPercent` as the learner types it (0–100); the engine takes a rate (0–1). */
export function linkCommand(from: string, to: string, latencyText: string, lossPercentText: string): Command {
  const command: Extract<Command, { type: 'link.configure' }> = { type: 'link.configure', from, to };
  if (latencyText.trim() !== '') command.latencyMs = Number(latencyText);
  if (lossPercentText.trim() !== '') command.lossRate = Number(lossPercentText) / 100;
  return command;
}
