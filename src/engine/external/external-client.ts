/**
 * The external client node: the simulation's side of one real Kafka client. It owns no Kafka
 * logic (retries, metadata, sequence numbers all live in the real client); it puts the client's
 * requests on the simulated network and hands back what arrives, so those requests are drawn,
 * traced and exposed to every fault exactly like the built-in clients' requests.
 */
import { EngineError } from '../errors';
import type { NodeBehaviour } from '../kernel/kernel';
import type { RpcBodies } from '../protocol/rpc-kinds';
import type { EngineModule } from '../module';
import type { NodeId } from '../types';
import { EXTERNAL_REQUEST_KINDS } from './external-types';

export interface ExternalClientDurable {
  client: string;
}

export interface ExternalClientVolatile {
  /** Message id of each request in flight → the host's request id. */
  pending: Record<number, number>;
}

export function externalClientNodeId(client: string): NodeId {
  return `client:${client}`;
}

const externalClientBehaviour: NodeBehaviour<ExternalClientDurable, ExternalClientVolatile> = {
  start() {
    return { pending: {} };
  },
  onMessage(ctx, self, msg) {
    if (msg.inReplyTo === undefined) return;
    const requestId = self.volatile.pending[msg.inReplyTo];
    if (requestId === undefined) return;
    delete self.volatile.pending[msg.inReplyTo];
    ctx.emit('client.responded', { node: self.id, requestId, kind: msg.kind, body: msg.body });
  },
  onTimer() {},
  onUndeliverable(ctx, self, msg) {
    const requestId = self.volatile.pending[msg.id];
    if (requestId === undefined) return;
    delete self.volatile.pending[msg.id];
    ctx.emit('client.requestUndelivered', { node: self.id, requestId, to: msg.to });
  },
};

const KINDS = new Set<string>(EXTERNAL_REQUEST_KINDS);

export const externalClientModule: EngineModule = {
  name: 'external-clients',
  behaviours: { client: externalClientBehaviour },
  commands: {
    'client.connect': (kernel, c) => {
      const id = externalClientNodeId(c.client);
      if (kernel.node(id)) throw new EngineError('DUPLICATE_NODE', `${id} is already connected.`);
      return () => {
        kernel.addNode<ExternalClientDurable>(id, 'client', { client: c.client });
        kernel.emit('client.connected', { node: id, client: c.client, software: c.software ?? null });
      };
    },
    'client.request': (kernel, c) => {
      const id = externalClientNodeId(c.client);
      const node = kernel.node(id);
      if (!node) throw new EngineError('UNKNOWN_NODE', `no client "${c.client}" is connected.`);
      if (!node.alive) throw new EngineError('INVALID_NODE_STATE', `${id} is down.`);
      if (!KINDS.has(c.kind))
        throw new EngineError('INVALID_COMMAND', `client.request: ${c.kind} is not a client request.`);
      const target = kernel.node(c.to);
      if (!target || target.kind !== 'broker') {
        throw new EngineError('UNKNOWN_NODE', `client.request: "${c.to}" is not a broker of this cluster.`);
      }
      return () =>
        kernel.invoke<ExternalClientDurable, ExternalClientVolatile>(id, (ctx, self) => {
          // The wire codec (src/wire) decoded this body for `c.kind`; the command carries it untyped
          // because it crosses the worker boundary as plain data.
          const msgId = ctx.send(c.to, c.kind, c.body as RpcBodies[typeof c.kind]);
          self.volatile.pending[msgId] = c.requestId;
        });
    },
    'client.disconnect': (kernel, c) => {
      const id = externalClientNodeId(c.client);
      if (!kernel.node(id)) throw new EngineError('UNKNOWN_NODE', `no client "${c.client}" is connected.`);
      return () => {
        kernel.removeNode(id);
        kernel.emit('client.disconnected', { node: id, client: c.client });
      };
    },
  },
};
