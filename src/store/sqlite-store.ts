import Database from 'better-sqlite3';
import type { EventRecord, Kind, RecordKinds, StoredEvent } from './records.js';
import { ConflictError, type CommitOptions, type EventQuery, type ListPage, type RecordKey, type StateStore, type Stored, type WriteOp } from './types.js';
import { assertSpecShape } from './views.js';
import type { ConsoleSessionRecords } from './console-sessions.js';
import { SqliteConsoleSessions } from './sqlite-console-sessions.js';
import { checkpointOffThread, type OffThreadCheckpoints } from './wal-checkpoints.js';

/**
 * The embedded state store: one SQLite file in the data directory (WAL mode, synchronous=NORMAL:
 * a crash of the process loses nothing; a power loss may lose the last transaction).
 * Records are JSON documents keyed by (kind, id) with a version for optimistic concurrency;
 * events are rows numbered by an autoincrement key, inserted in the commit's transaction.
 */
export class SqliteStore implements StateStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<(kinds: Kind[], keys: RecordKey[]) => void>();
  private readonly eventListeners = new Set<(events: StoredEvent[]) => void>();
  private readonly stmts;
  readonly consoleSessions: ConsoleSessionRecords;
  private readonly checkpoints: OffThreadCheckpoints | undefined;

  /** `offThreadCheckpoints`: the WAL is checkpointed by a worker thread (wal-checkpoints.ts), as the service runs it. */
  constructor(path: string, opts: { offThreadCheckpoints?: boolean } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.checkpoints = opts.offThreadCheckpoints ? checkpointOffThread(this.db, path) : undefined;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (kind, id));
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, date TEXT NOT NULL, source_type TEXT NOT NULL,
        source_id TEXT NOT NULL, message TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS events_date ON events (date);
    `);
    // Data directories of earlier versions have no level column.
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(events)').all().map((c) => c.name);
    if (!columns.includes('level')) this.db.exec("ALTER TABLE events ADD COLUMN level TEXT NOT NULL DEFAULT 'info'");
    this.consoleSessions = new SqliteConsoleSessions(this.db);
    this.stmts = {
      get: this.db.prepare<[string, string], { version: number; doc: string }>(
        'SELECT version, doc FROM records WHERE kind = ? AND id = ?'),
      list: this.db.prepare<[string], { id: string; version: number; doc: string }>(
        'SELECT id, version, doc FROM records WHERE kind = ? ORDER BY id'),
      // A range scan of the primary key (kind, id): the rows of one page are all that is read.
      listPage: this.db.prepare<[string, string, number], { id: string; version: number; doc: string }>(
        'SELECT id, version, doc FROM records WHERE kind = ? AND id > ? ORDER BY id LIMIT ?'),
      insert: this.db.prepare('INSERT INTO records (kind, id, version, doc) VALUES (?, ?, 1, ?)'),
      update: this.db.prepare('UPDATE records SET version = version + 1, doc = ? WHERE kind = ? AND id = ?'),
      delete: this.db.prepare('DELETE FROM records WHERE kind = ? AND id = ?'),
      version: this.db.prepare<[string, string], { version: number }>(
        'SELECT version FROM records WHERE kind = ? AND id = ?'),
      addEvent: this.db.prepare('INSERT INTO events (date, source_type, source_id, message, level) VALUES (?, ?, ?, ?, ?)'),
      eventsAfter: this.db.prepare<[number, number], EventRow>(
        'SELECT seq, date, source_type, source_id, message, level FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
      lastSeq: this.db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events'),
    };
  }

  async get<K extends Kind>(kind: K, id: string): Promise<Stored<K> | undefined> {
    const row = this.stmts.get.get(kind, id);
    return row ? { kind, id, version: row.version, doc: JSON.parse(row.doc) as RecordKinds[K] } : undefined;
  }

  async list<K extends Kind>(kind: K, page?: ListPage): Promise<Stored<K>[]> {
    if (page?.limit !== undefined && (!Number.isInteger(page.limit) || page.limit < 1)) {
      throw new RangeError(`list: limit must be a positive integer, not ${page.limit}`);
    }
    const rows = page?.afterId === undefined && page?.limit === undefined
      ? this.stmts.list.all(kind)
      // LIMIT -1 is SQLite's "no limit"; '' sorts before every id, so it means "from the first".
      : this.stmts.listPage.all(kind, page.afterId ?? '', page.limit ?? -1);
    return rows.map((r) => ({ kind, id: r.id, version: r.version, doc: JSON.parse(r.doc) }));
  }

  async commit(ops: WriteOp[], opts?: CommitOptions): Promise<void> {
    const events = opts?.events ?? [];
    if (ops.length === 0 && events.length === 0) return;
    const appended = this.db.transaction(() => {
      for (const op of ops) this.apply(op);
      return events.map((e): StoredEvent => {
        const level = e.level ?? 'info';
        const r = this.stmts.addEvent.run(e.date, e.sourceType, e.sourceIdentifier, e.message, level);
        return { ...e, level, seq: Number(r.lastInsertRowid) };
      });
    })();
    if (ops.length) {
      const kinds = [...new Set(ops.map((o) => o.kind))];
      const keys = ops.map((o): RecordKey => ({ kind: o.kind, id: o.id }));
      for (const l of this.listeners) l(kinds, keys);
    }
    if (appended.length) for (const l of this.eventListeners) l(appended);
  }

  private apply(op: WriteOp): void {
    const current = this.stmts.version.get(op.kind, op.id);
    if (op.op !== 'delete') assertSpecShape(op.kind, op.doc);
    if (op.op === 'create') {
      if (current) throw new ConflictError(op.kind, op.id, 'exists');
      this.stmts.insert.run(op.kind, op.id, JSON.stringify(op.doc));
      return;
    }
    if (!current) throw new ConflictError(op.kind, op.id, 'missing');
    if (op.expectVersion !== undefined && op.expectVersion !== current.version) {
      throw new ConflictError(op.kind, op.id, 'stale');
    }
    if (op.op === 'update') this.stmts.update.run(JSON.stringify(op.doc), op.kind, op.id);
    else this.stmts.delete.run(op.kind, op.id);
  }

  async queryEvents(q: EventQuery): Promise<StoredEvent[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.sourceIdentifier) { where.push('source_id = ?'); args.push(q.sourceIdentifier); }
    if (q.sourceType) { where.push('source_type = ?'); args.push(q.sourceType); }
    if (q.startTime) { where.push('date >= ?'); args.push(q.startTime); }
    if (q.endTime) { where.push('date <= ?'); args.push(q.endTime); }
    const sql = `SELECT seq, date, source_type, source_id, message, level FROM events
      ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ? OFFSET ?`;
    args.push(q.limit ?? -1, q.offset ?? 0);
    return (this.db.prepare(sql).all(...args) as EventRow[]).map(eventOf);
  }

  async eventsAfter(seq: number, limit?: number): Promise<StoredEvent[]> {
    return this.stmts.eventsAfter.all(seq, limit ?? -1).map(eventOf);
  }

  async lastEventSeq(): Promise<number> {
    return this.stmts.lastSeq.get()?.seq ?? 0;
  }

  onChange(listener: (kinds: Kind[], keys: RecordKey[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvents(listener: (events: StoredEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.eventListeners.clear();
    await this.checkpoints?.close();
    this.db.close();
  }
}

interface EventRow { seq: number; date: string; source_type: string; source_id: string; message: string; level: string }

function eventOf(r: EventRow): StoredEvent {
  return {
    seq: r.seq, date: r.date, sourceType: r.source_type as EventRecord['sourceType'], sourceIdentifier: r.source_id, message: r.message,
    level: r.level === 'warn' ? 'warn' : 'info',
  };
}
