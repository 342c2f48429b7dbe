/**
 * A page attached to the local gateway (`npm run gateway`, gateway/viewers.ts) talks to the
 * gateway's engine over a WebSocket instead of starting its own worker. This is that socket made to
 * look like the worker (WorkerLike): the same typed requests go out and the same messages come in,
 * as JSON (src/bridge/gateway-json.ts), so EngineClient and every view work unchanged.
 *
 * Only a loopback address is accepted in `?gateway=`: a link must not be able to attach the page to
 * a cluster somewhere else on the network.
 */
import { decodeGatewayMessage, encodeGatewayMessage } from '../bridge/gateway-json';
import { isWorkerMessage, type WorkerRequest } from '../bridge/protocol';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The gateway's WebSocket named by `?gateway=ws://127.0.0.1:<port>/engine`, if valid. */
export function gatewayUrlIn(location: Pick<Location, 'search'>): string | undefined {
  const value = new URLSearchParams(location.search).get('gateway');
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'ws:' || !LOOPBACK.has(url.hostname)) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

type MessageListener = (event: MessageEvent<unknown>) => void;
type ErrorListener = (event: ErrorEvent) => void;

/** Shaped like engine-session's WorkerLike (not imported: that module imports this one). */
export class GatewayPort {
  private readonly socket: WebSocket;
  private readonly waiting: string[] = [];
  private readonly messageListeners: MessageListener[] = [];
  private readonly errorListeners: ErrorListener[] = [];
  private closedByUs = false;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.addEventListener('open', () => {
      for (const text of this.waiting.splice(0)) this.socket.send(text);
    });
    this.socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      const data = decodeGatewayMessage(event.data);
      if (!isWorkerMessage(data)) return;
      const message = new MessageEvent('message', { data });
      for (const listener of this.messageListeners) listener(message);
    });
    this.socket.addEventListener('close', () => {
      if (this.closedByUs) return;
      const error = new ErrorEvent('error', {
        message: `The local gateway (${url}) closed the connection. Is \`npm run gateway\` still running?`,
      });
      for (const listener of this.errorListeners) listener(error);
    });
  }

  postMessage(message: WorkerRequest): void {
    const text = encodeGatewayMessage(message);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else if (this.socket.readyState === WebSocket.CONNECTING) this.waiting.push(text);
  }

  addEventListener(type: 'message', listener: MessageListener): void;
  addEventListener(type: 'error', listener: ErrorListener): void;
  addEventListener(type: 'message' | 'error', listener: MessageListener | ErrorListener): void {
    if (type === 'message') this.messageListeners.push(listener as MessageListener);
    else this.errorListeners.push(listener as ErrorListener);
  }

  terminate(): void {
    this.closedByUs = true;
    this.socket.close();
  }
}
