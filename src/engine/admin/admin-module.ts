/**
 * The admin module: the commands of Kafka's Admin operations that change the cluster
 * (admin-types.ts). CreatePartitions, IncrementalAlterConfigs and ElectLeaders are checked
 * against the active controller's working image and appended there as metadata records, so they
 * replicate through the quorum and reach every broker like a topic creation; DeleteGroups runs on
 * the group's coordinator, DeleteRecords on the partition's leader. Each is a recorded command:
 * it replays, scrubs and travels in links.
 */
import { EngineError } from '../errors';
import type { EngineModule } from '../module';
import type { ControllerDurable, ControllerNode } from '../cluster/controller-state';
import { appendRecords } from '../cluster/controller';
import { activeController } from '../cluster/module';
import type { Kernel, NodeContext } from '../kernel/kernel';
import { alterConfigsRecords } from './alter-configs';
import { checkCreatePartitions, createPartitionsRecords } from './create-partitions';
import { deleteGroup } from './delete-groups';
import { deleteRecords } from './delete-records';
import { electLeadersRecords } from './elect-leaders';

function requireActive(kernel: Kernel): ControllerNode {
  const active = activeController(kernel);
  if (!active?.volatile?.leader) {
    throw new EngineError(
      'NOT_CONTROLLER',
      'There is no active controller right now: the quorum has no leader.',
    );
  }
  return active;
}

/** Run `fn` on the active controller (its working image holds uncommitted records too). */
function onController(
  kernel: Kernel,
  active: ControllerNode,
  fn: (ctx: NodeContext, self: ControllerNode) => void,
): void {
  kernel.invoke<ControllerDurable, ControllerNode['volatile']>(active.id, fn);
}

export const adminModule: EngineModule = {
  name: 'admin',
  commands: {
    'topic.createPartitions': (kernel, c) => {
      const active = requireActive(kernel);
      checkCreatePartitions(active.volatile.leader!.working, c.topic, c.count);
      return () =>
        onController(kernel, active, (ctx, self) => {
          appendRecords(
            ctx,
            self,
            createPartitionsRecords(self.volatile.leader!.working, c.topic, c.count, ctx.randomInt),
          );
        });
    },
    'topic.alterConfigs': (kernel, c) => {
      const active = requireActive(kernel);
      const records = alterConfigsRecords(
        active.volatile.leader!.working,
        c.topic,
        c.set ?? {},
        c.delete ?? [],
      );
      return () => onController(kernel, active, (ctx, self) => appendRecords(ctx, self, records));
    },
    'partition.electLeaders': (kernel, c) => {
      const active = requireActive(kernel);
      return () =>
        onController(kernel, active, (ctx, self) => {
          const { records, results } = electLeadersRecords(
            self.volatile.leader!.working,
            c.electionType,
            c.partitions,
          );
          if (records.length > 0) appendRecords(ctx, self, records);
          ctx.emit('partition.electionResult', { electionType: c.electionType, results });
        });
    },
    'group.delete': (kernel, c) => deleteGroup(kernel, c.groupId),
    'records.delete': (kernel, c) => deleteRecords(kernel, c.topic, c.partition, c.offset),
  },
};
