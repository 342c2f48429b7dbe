/**
 * The core module: commands that act on the kernel itself (node lifecycle, the network).
 * Kafka-level commands live in the cluster and client modules.
 */
import { EngineError } from './errors';
import type { Kernel } from './kernel/kernel';
import { configureLink, cut, heal, partition } from './kernel/network';
import type { EngineModule } from './module';
import type { NodeId } from './types';

export function brokerNodeId(broker: number): NodeId {
  return `broker-${broker}`;
}

function existing(kernel: Kernel, node: NodeId, field: string): NodeId {
  if (!kernel.node(node)) {
    throw new EngineError('UNKNOWN_NODE', `${field}: no node "${node}" in this cluster.`);
  }
  return node;
}

function crashable(kernel: Kernel, node: NodeId, field: string): () => void {
  existing(kernel, node, field);
  if (!kernel.node(node)!.alive) throw new EngineError('INVALID_NODE_STATE', `${node} is already down.`);
  return () => kernel.crash(node);
}

function restartable(kernel: Kernel, node: NodeId, field: string): () => void {
  existing(kernel, node, field);
  if (kernel.node(node)!.alive) throw new EngineError('INVALID_NODE_STATE', `${node} is already running.`);
  return () => kernel.restart(node);
}

export const coreModule: EngineModule = {
  name: 'core',
  commands: {
    'node.crash': (k, c) => crashable(k, c.node, 'node'),
    'node.restart': (k, c) => restartable(k, c.node, 'node'),
    'broker.crash': (k, c) => crashable(k, brokerNodeId(c.broker), 'broker'),
    'broker.restart': (k, c) => restartable(k, brokerNodeId(c.broker), 'broker'),
    'network.partition': (k, c) => {
      const seen = new Set<NodeId>();
      for (const side of c.sides) {
        for (const node of side) {
          existing(k, node, 'sides');
          if (seen.has(node)) {
            throw new EngineError(
              'INVALID_COMMAND',
              `network.partition: ${node} is named in more than one side.`,
            );
          }
          seen.add(node);
        }
      }
      return () => {
        partition(k.state.network, c.sides);
        k.emit('network.partitioned', { sides: c.sides });
      };
    },
    'network.cut': (k, c) => {
      existing(k, c.from, 'from');
      existing(k, c.to, 'to');
      if (c.from === c.to)
        throw new EngineError('INVALID_COMMAND', 'network.cut: from and to are the same node.');
      const oneWay = c.oneWay ?? false;
      return () => {
        cut(k.state.network, c.from, c.to, oneWay);
        k.emit('network.disconnected', { from: c.from, to: c.to, oneWay });
      };
    },
    'network.heal': (k) => () => {
      heal(k.state.network);
      k.emit('network.healed', {});
    },
    'link.configure': (k, c) => {
      existing(k, c.from, 'from');
      existing(k, c.to, 'to');
      if (c.from === c.to)
        throw new EngineError('INVALID_COMMAND', 'link.configure: from and to are the same node.');
      return () => {
        const cfg = {
          ...(c.latencyMs !== undefined ? { latencyMs: c.latencyMs } : {}),
          ...(c.lossRate !== undefined ? { lossRate: c.lossRate } : {}),
        };
        configureLink(k.state.network, c.from, c.to, cfg);
        k.emit('link.configured', { from: c.from, to: c.to, ...cfg });
      };
    },
  },
};
