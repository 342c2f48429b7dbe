/**
 * Pages attached to the gateway: an HTTP server on 127.0.0.1 that serves the built app (dist/) and
 * a WebSocket at /engine that speaks the engine worker's protocol (src/worker/protocol.ts) as JSON
 * (src/bridge/gateway-json.ts). A page opened as `/?gateway=ws://127.0.0.1:<port>/engine` uses it
 * in place of its own worker: it watches the gateway's session (every batch the engine posts goes
 * to every page) and acts on it through the same requests (faults, commands, the inspectors).
 *
 * The gateway owns time (wall-clock speed, for the real clients connected to it): requests that
 * would move the clock (advance, run, seek, step back) are answered with a `fault` that says so,
 * and a page cannot replace the session (load, newSession). The Code tool's sockets stay in the
 * page's own engine, so `wire` is refused too: point KafkaJS at 127.0.0.1 instead.
 *
 * Security: loopback only; a WebSocket is accepted only from this server's own pages (the Origin
 * header) or from a non-browser client that sends none, so another web site open in the same
 * browser cannot drive the cluster. Nothing received is evaluated: messages are parsed as JSON and
 * checked by isWorkerRequest before they reach the engine, which checks them again.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeGatewayMessage, encodeGatewayMessage } from '../src/bridge/gateway-json';
import { isWorkerRequest, type Batch, type WorkerMessage, type WorkerRequest } from '../src/bridge/protocol';
import { asBroadcast, type Gateway, type RequestOrigin } from './gateway';

/** The fault message for a request that would move the gateway's clock. */
export const GATEWAY_OWNS_TIME =
  'The gateway owns time: its cluster runs at wall-clock speed for the real clients connected to it, so pause, step and seek are off here.';
const NO_REPLACE =
  'This session belongs to the gateway (npm run gateway): restart the gateway for another cluster, or open StreamLab on its own to load a scenario.';
const NO_CODE_TOOL =
  'The Code tool runs in the page’s own engine. With the gateway, point your own KafkaJS app at 127.0.0.1:9092.';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export interface ViewerServer {
  port: number;
  /** The address to open in a browser. */
  url: string;
  /** The WebSocket the pages attach to. */
  socketUrl: string;
  /** Pages attached now. */
  viewers(): number;
  stop(): Promise<void>;
}

interface Viewer {
  id: number;
  socket: WebSocket;
  /** False until its `ready` went out: batches before it are not its business. */
  ready: boolean;
  /** The gateway's clock batches not yet sent, merged into one (see `coalesce`). */
  pending: Batch | undefined;
}

/** How often a page gets the clock's batches: every tick would be hundreds a second of JSON to parse. */
const VIEWER_FRAME_MS = 50;

/**
 * Two batches in a row as one, when the second continues the first (the same continuity line, and
 * it starts where the first ended: protocol.ts BatchOrigin): the first's start, the second's state.
 * Undefined when they cannot be merged.
 */
export function coalesce(first: Batch, second: Batch): Batch | undefined {
  if (second.origin.line !== first.origin.line || second.origin.from !== first.traceLength) return undefined;
  if (second.reset || second.opened) return undefined;
  const merged: Batch = {
    ...second,
    events: [...first.events, ...second.events],
    reset: first.reset,
    origin: first.origin,
  };
  if (first.opened) merged.opened = true;
  if (first.sendHistory) merged.sendHistory = first.sendHistory;
  const guarantees = second.guarantees ?? first.guarantees;
  if (guarantees) merged.guarantees = guarantees;
  return merged;
}

export async function serveViewers(
  gateway: Gateway,
  options: { port?: number; host?: string; distDir?: string } = {},
): Promise<ViewerServer> {
  const host = options.host ?? '127.0.0.1';
  const distDir = path.resolve(options.distDir ?? 'dist');
  const viewers = new Map<number, Viewer>();
  let nextViewer = 0;

  const write = (viewer: Viewer, message: WorkerMessage) => {
    if (viewer.socket.readyState === viewer.socket.OPEN) viewer.socket.send(encodeGatewayMessage(message));
  };
  const flush = (viewer: Viewer) => {
    const pending = viewer.pending;
    viewer.pending = undefined;
    if (pending) write(viewer, asBroadcast(pending));
  };
  /** Everything but the clock's batches goes at once, after the batches held back (order matters). */
  const send = (viewer: Viewer, message: WorkerMessage) => {
    flush(viewer);
    write(viewer, message);
  };
  /** A batch nobody asked this page for: held and merged with the next ones for a frame. */
  const hold = (viewer: Viewer, batch: Batch) => {
    const merged = viewer.pending && coalesce(viewer.pending, batch);
    if (viewer.pending && !merged) flush(viewer);
    viewer.pending = merged ?? batch;
  };
  const frames = setInterval(() => {
    for (const v of viewers.values()) flush(v);
  }, VIEWER_FRAME_MS);

  gateway.router = {
    deliver(message, origin) {
      const batch = 'batch' in message ? message.batch : undefined;
      if (batch) delete batch.wire; // the gateway's own TCP sockets' bytes: none of a page's business
      if (origin) {
        const viewer = viewers.get(origin.viewer);
        if (viewer) send(viewer, { ...message, requestId: origin.requestId } as WorkerMessage);
        if (batch) for (const v of viewers.values()) if (v !== viewer && v.ready) hold(v, batch);
        return;
      }
      if (message.type === 'batch') {
        for (const v of viewers.values()) if (v.ready) hold(v, message.batch);
      } else if (message.type === 'fault') {
        for (const v of viewers.values()) if (v.ready) send(v, message);
      }
      // ready/opening/loaded/storage/commandsStored: the gateway's own session plumbing.
    },
  };

  const attach = async (viewer: Viewer) => {
    // Bring every page up to the present first, so the newcomer's first batch ends where theirs does.
    await gateway.engine.receive({ type: 'advance', ms: 0 });
    const session = gateway.engine.sessionInfo;
    if (!session) return;
    send(viewer, {
      type: 'ready',
      batch: gateway.engine.attachBatch(),
      storage: { persistent: false, reason: 'the session lives in the gateway and ends when it stops' },
      session,
      notice: `Attached to the local gateway: Kafka clients reach its brokers at ${gateway.bootstrap}.`,
    });
    viewer.ready = true;
  };

  const handle = (viewer: Viewer, request: WorkerRequest) => {
    const origin: RequestOrigin = {
      viewer: viewer.id,
      requestId: 'requestId' in request ? request.requestId : 0,
    };
    switch (request.type) {
      case 'init':
        return void attach(viewer);
      case 'advance':
      case 'run':
      case 'seek':
      case 'stepBack':
      case 'restoreFuture':
        return send(viewer, { type: 'fault', message: GATEWAY_OWNS_TIME, request: request.type });
      case 'load':
      case 'newSession':
        return send(viewer, { type: 'loadFailed', requestId: request.requestId, message: NO_REPLACE });
      case 'wire':
        return send(viewer, {
          type: 'fault',
          message: NO_CODE_TOOL,
          request: 'wire',
          requestId: request.requestId,
        });
      case 'flush':
        return; // nothing is stored: the session lives as long as the gateway
      case 'dispatch':
      case 'dispatchMany':
      case 'export':
      case 'readLog':
      case 'cli':
      case 'checkerGrid':
      case 'traceWindow':
      case 'rpcDetail':
        return gateway.request(request, origin);
      default:
        return request satisfies never;
    }
  };

  const server = http.createServer((req, res) => serveFile(distDir, req, res));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  /** This server's own pages, by either loopback name. */
  let ownOrigins: string[] = [];
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const origin = req.headers.origin;
    if (url.pathname !== '/engine' || (origin !== undefined && !ownOrigins.includes(origin))) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const viewer: Viewer = { id: ++nextViewer, socket: ws, ready: false, pending: undefined };
      viewers.set(viewer.id, viewer);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const request = decodeGatewayMessage(data.toString());
        if (isWorkerRequest(request)) handle(viewer, request);
      });
      ws.on('close', () => viewers.delete(viewer.id));
      ws.on('error', () => ws.close());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
  ownOrigins = [`http://${host}:${port}`, `http://localhost:${port}`];
  const socketUrl = `ws://${host}:${port}/engine`;
  return {
    port,
    url: `http://${host}:${port}/?gateway=${encodeURIComponent(socketUrl)}`,
    socketUrl,
    viewers: () => [...viewers.values()].filter((v) => v.ready).length,
    async stop() {
      gateway.router = null;
      clearInterval(frames);
      for (const v of viewers.values()) v.socket.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A file of the built app; anything outside dist/ or missing is a 404 (GET and HEAD only). */
function serveFile(distDir: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://gateway').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = path.resolve(distDir, `.${pathname === '/' ? '/index.html' : pathname}`);
  if (!file.startsWith(distDir + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('Not found. Run `npm run build` first?\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
