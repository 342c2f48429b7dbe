/**
 * The Code tool's sockets as protocol data (src/bridge/protocol.ts): what a client's socket does
 * (`WireAction`, sent by the page for the code worker) and what comes back (`WireOut`, carried by
 * every batch). Connection ids are chosen by the code worker, unique within one run.
 */
export type WireAction =
  /** A socket connected to simulated broker `broker` (host `broker-<id>` in the client's config). */
  | { kind: 'open'; conn: number; broker: number }
  /** Bytes the client wrote. */
  | { kind: 'data'; conn: number; bytes: Uint8Array }
  /** The client closed its socket. */
  | { kind: 'close'; conn: number }
  /** The run stopped: every connection closes and the clients' nodes leave the cluster. */
  | { kind: 'stopAll' };

export type WireOut =
  | { kind: 'data'; conn: number; bytes: Uint8Array }
  /** The broker's side closed (a crash, bad bytes, the timeline moved back): the socket ends. */
  | { kind: 'close'; conn: number; reason: string };

/** The host name a Code tool client uses for broker `id`, as Metadata advertises it. */
export function codeBrokerHost(id: number): string {
  return `broker-${id}`;
}

/** The port every simulated broker listens on in the Code tool (Kafka's default). */
export const CODE_BROKER_PORT = 9092;

/** The close reason when the timeline moved back under a live run (the page ends the run). */
export const TIMELINE_MOVED_BACK = 'the timeline moved back';
