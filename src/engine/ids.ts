/** Identifiers every engine module shares (re-exported by types.ts); a leaf, so anything may import it. */

/** `broker-1`, `controller-1`, `producer:p1`, `consumer:c1`, `test:a` (tests only). */
export type NodeId = string;
export type CommandId = number;
