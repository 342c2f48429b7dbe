/**
 * The engine's Web Worker: a thin shell around EngineHost. The simulation runs here so that a busy
 * cluster never blocks the page's frames.
 */
import { EngineHost } from './engine-host';
import type { WorkerMessage } from '../bridge/protocol';
import { SnapshotEncoder } from '../bridge/snapshot-delta';

/** Idle partitions are sent once, not in every batch (bridge/snapshot-delta.ts; the client decodes). */
const snapshots = new SnapshotEncoder();

function post(message: WorkerMessage): void {
  if ('batch' in message && message.batch) {
    message = { ...message, batch: { ...message.batch, snapshot: snapshots.encode(message.batch.snapshot) } };
  }
  self.postMessage(message);
}

const host = new EngineHost({ post });

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  void host.receive(event.data);
});

// Last line of defence: EngineHost reports its own failures, but anything that still escapes is
// reported too, and preventDefault keeps the worker alive instead of letting the error tear it down.
self.addEventListener('error', (event: ErrorEvent) => {
  event.preventDefault();
  post({ type: 'fault', message: event.message || 'Unexpected error in the engine worker.' });
});
self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  event.preventDefault();
  post({ type: 'fault', message: String(event.reason) });
});
