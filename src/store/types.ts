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

/**
 * One page of a kind's records, for listing without reading every record: the records whose id
 * comes after `afterId`, at most `limit` of them. Ids are ordered as {@link StateStore.list}
 * orders them (ascending by the bytes of their UTF-8, SQLite's BINARY collation: etcd's key
 * order, PostgreSQL's with COLLATE "C"), so a range scan from a key with a limit serves it in
 * every store and a page boundary survives records created or deleted between two pages.
 */
export interface ListPage {
  /** Only ids strictly after this one (the last id of the previous page); from the first when absent. */
  afterId?: string;
  /** At most this many records (a positive integer); every remaining one when absent. */
  limit?: number;
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
 * without a home-made consensus layer: reads by kind/id, paged range reads in id order, atomic multi-key commits with version
 * preconditions, an append-only event log, and change notifications.
 */
export interface StateStore {
  get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined>;
  /**
   * Records of a kind in ascending id order (see {@link ListPage}); with `page`, only that page
   * is read, so a paginated describe costs one page, not every record.
   */
  list<K extends Kind>(kind: K, page?: ListPage): Promise<Stored<K>[]>;
  /** Applies every op or none. Throws {@link ConflictError} when a precondition fails. */
  commit(ops: WriteOp[]): Promise<void>;
  appendEvent(event: EventRecord): Promise<void>;
  /** Events newest first. */
  queryEvents(q: EventQuery): Promise<EventRecord[]>;
  /** Called after every successful commit (in-process; a distributed store would use its watch API). */
  onChange(listener: (kinds: Kind[]) => void): () => void;
  close(): Promise<void>;
}
