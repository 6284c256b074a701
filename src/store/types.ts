import type { EventRecord, Kind, RecordKinds } from './records.js';

/** A record as stored: the document plus its version (optimistic concurrency, like etcd's mod_revision). */
export interface Stored<K extends Kind> {
  kind: K;
  id: string;
  version: number;
  doc: RecordKinds[K];
}

/** One write in an atomic {@link StateStore.commit}. */
export type WriteOp =
  | { op: 'create'; kind: Kind; id: string; doc: RecordKinds[Kind] }
  | { op: 'update'; kind: Kind; id: string; doc: RecordKinds[Kind]; expectVersion?: number }
  | { op: 'delete'; kind: Kind; id: string; expectVersion?: number };

/** Thrown by commit when a precondition fails: a create over an existing id, or a stale version. */
export class ConflictError extends Error {
  constructor(readonly kind: Kind, readonly id: string, readonly reason: 'exists' | 'stale' | 'missing') {
    super(`${kind} ${id}: ${reason}`);
    this.name = 'ConflictError';
  }
}

export interface EventQuery {
  sourceIdentifier?: string;
  sourceType?: string;
  startTime?: string;
  endTime?: string;
  /** Skip this many matching events (pagination). */
  offset?: number;
  limit?: number;
}

/**
 * Where cachefleet keeps its state. The embedded implementation is SQLite; the interface is
 * shaped so PostgreSQL (rows + transactions) or etcd (keys + txn compare on mod_revision) fit it
 * without a home-made consensus layer: reads by kind/id, atomic multi-key commits with version
 * preconditions, an append-only event log, and change notifications.
 */
export interface StateStore {
  get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined>;
  list<K extends Kind>(kind: K): Promise<Stored<K>[]>;
  /** Applies every op or none. Throws {@link ConflictError} when a precondition fails. */
  commit(ops: WriteOp[]): Promise<void>;
  appendEvent(event: EventRecord): Promise<void>;
  /** Events newest first. */
  queryEvents(q: EventQuery): Promise<EventRecord[]>;
  /** Called after every successful commit (in-process; a distributed store would use its watch API). */
  onChange(listener: (kinds: Kind[]) => void): () => void;
  close(): Promise<void>;
}
