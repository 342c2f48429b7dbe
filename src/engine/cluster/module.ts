/**
 * The cluster module: broker and controller nodes. (Placeholder behaviours until the KRaft
 * quorum and brokers land; see issue "Cluster core".)
 */
import type { NodeBehaviour } from '../kernel/kernel';
import type { EngineModule } from '../module';
import { brokerNodeId } from '../core-module';

const idle: NodeBehaviour<Record<string, never>, Record<string, never>> = {
  start: () => ({}),
  onMessage: () => {},
  onTimer: () => {},
};

export const clusterModule: EngineModule = {
  name: 'cluster',
  behaviours: { broker: idle as never, controller: idle as never },
  setup(kernel, options) {
    for (let i = 1; i <= options.controllers; i++) kernel.addNode(`controller-${i}`, 'controller', {});
    for (let i = 1; i <= options.brokers; i++) kernel.addNode(brokerNodeId(i), 'broker', {});
  },
};
