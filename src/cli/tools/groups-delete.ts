/**
 * kafka-consumer-groups --delete (ConsumerGroupCommand.deleteGroups, 4.0 line): one DeleteGroups
 * per group through the engine (`group.delete`), then Kafka's lines, quirks kept: the successful
 * groups are joined by ", " inside ONE pair of quotes, each failure prints the ExecutionException
 * that wraps the broker's error, and the "deleted successfully" line joins with "'" and ends "', '".
 * Kafka collects both sets in HashMaps; StreamLab prints them sorted by group id.
 */
import { isEngineError } from '../../engine';
import { exceptionClass } from '../common';
import type { CliTarget } from '../types';

export function deleteGroups(
  target: CliTarget,
  groupIds: readonly string[],
): { stdout: string; failed: boolean } {
  const success: string[] = [];
  const failed: [string, string][] = [];
  for (const groupId of groupIds) {
    try {
      target.dispatch({ type: 'group.delete', groupId });
      success.push(groupId);
    } catch (e) {
      if (!isEngineError(e)) throw e;
      failed.push([
        groupId,
        `java.util.concurrent.ExecutionException: ${exceptionClass(e.code)}: ${e.message}`,
      ]);
    }
  }
  success.sort();
  failed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (failed.length === 0) {
    return {
      stdout: `Deletion of requested consumer groups ('${success.join(', ')}') was successful.\n`,
      failed: false,
    };
  }
  let out = '\nError: Deletion of some consumer groups failed:\n';
  for (const [g, error] of failed) out += `* Group '${g}' could not be deleted due to: ${error}\n`;
  if (success.length > 0)
    out += `\nThese consumer groups were deleted successfully: '${success.join("'")}', '\n`;
  return { stdout: out, failed: true };
}
