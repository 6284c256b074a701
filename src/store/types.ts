import type { ConsoleSessionRecords } from './console-sessions.js';
import type { EventRecord, Kind, RecordKinds, StoredEvent } from './records.js';

/** A record as stored: the document plus its version (optimistic concurrency, like etcd's mod_revision). */
export interface Stored<K extends Kind> {
  kind: K;
  id: string;
  version: number;
  doc: RecordKinds[K];
}

/** A record's identity. */
export interface RecordKey {
  kind: Kind;
  id: string;
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

/** What a commit carries besides its writes. */
export interface CommitOptions {
  /**
   * Events appended to the event log in the same atomic commit as the writes: stored exactly when
   * the state change they tell of is (a crash loses both or neither; a failed precondition appends
   * nothing). Each is numbered ({@link StoredEvent.seq}) in commit order.
   */
  events?: EventRecord[];
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
 * without a home-made consensus layer: reads by kind/id, paged range reads in id order, atomic
 * multi-key commits with version preconditions, an append-only event log written in those same
 * commits, and change notifications. (PostgreSQL: the event rows inserted in the transaction,
 * `seq` a bigserial. etcd: the txn also compares and bumps an event-counter key and puts one key
 * per event under it, so a txn that fails its compares appends nothing.)
 */
export interface StateStore {
  get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined>;
  /**
   * Records of a kind in ascending id order (see {@link ListPage}); with `page`, only that page
   * is read, so a paginated describe costs one page, not every record.
   */
  list<K extends Kind>(kind: K, page?: ListPage): Promise<Stored<K>[]>;
  /**
   * Applies every op and appends every event of `opts.events`, or none of them. Throws
   * {@link ConflictError} when a precondition fails. A commit of events alone is allowed.
   */
  commit(ops: WriteOp[], opts?: CommitOptions): Promise<void>;
  /** Events newest first. */
  queryEvents(q: EventQuery): Promise<StoredEvent[]>;
  /** Events after `seq`, oldest first, at most `limit` (all when absent): the log read as a feed. */
  eventsAfter(seq: number, limit?: number): Promise<StoredEvent[]>;
  /** The seq of the newest event (0 when there is none). */
  lastEventSeq(): Promise<number>;
  /**
   * Called after every successful commit that wrote records, with their kinds and the key of
   * every record created, updated or deleted (in-process; a distributed store would use its
   * watch API, which names the keys too).
   */
  onChange(listener: (kinds: Kind[], keys: RecordKey[]) => void): () => void;
  /** Called after every successful commit that appended events, with them in order. */
  onEvents(listener: (events: StoredEvent[]) => void): () => void;
  /**
   * The web console's sessions: kept apart from the records (no version, no change notification,
   * no event), as they are the console's bookkeeping, not desired or observed state.
   */
  readonly consoleSessions: ConsoleSessionRecords;
  close(): Promise<void>;
}
