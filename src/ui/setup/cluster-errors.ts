/**
 * Which field of the cluster form an engine refusal is about ("brokers must be an integer from 1
 * to 9."), so it is shown inline next to it. The text stays the engine's.
 */
export type ClusterField = 'brokers' | 'controllers' | 'form';

export function clusterErrorField(message: string): ClusterField {
  if (/^brokers\b/.test(message)) return 'brokers';
  if (/^controllers\b/.test(message)) return 'controllers';
  return 'form';
}
