import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { checkpointOffThread, type OffThreadCheckpoints } from '../../store/wal-checkpoints.js';
import type { DeliveryCursor, LogEventRow, LogGroupRow, LogStreamRow, NewLogEvent } from '../types.js';
import { DeliveryState } from './delivery-state.js';

interface GroupDb { name: string; created_ms: number; retention_days: number | null; class: string; protection: number; stored_bytes: number; tags: string }
interface StreamDb { grp: string; name: string; created_ms: number; first_ms: number | null; last_ms: number | null; ingest_ms: number | null; stored_bytes: number }
interface EventDb { seq: number; stream: string; ts: number; ingest_ms: number; message: string }

/** A page of one stream's events, bounded by seq and time (GetLogEvents). */
export interface StreamRange {
  startTime?: number;
  endTime?: number;
  /** Only events after this seq (forward) / before this seq (backward). */
  afterSeq?: number;
  beforeSeq?: number;
  limit: number;
  /** Oldest first from afterSeq (true), or the newest `limit` before beforeSeq (false). */
  forward: boolean;
}

/** A scan over a group's events in (timestamp, seq) order (FilterLogEvents). */
export interface GroupScan {
  streams?: string[];
  streamPrefix?: string;
  startTime?: number;
  endTime?: number;
  /** Resume strictly after this (timestamp, seq). */
  after?: { timestamp: number; seq: number };
}

const rowToGroup = (r: GroupDb): LogGroupRow => ({
  name: r.name, createdMs: r.created_ms, ...(r.retention_days !== null ? { retentionDays: r.retention_days } : {}),
  logGroupClass: r.class as LogGroupRow['logGroupClass'], deletionProtection: r.protection === 1, storedBytes: r.stored_bytes,
  tags: JSON.parse(r.tags) as Record<string, string>,
});
const rowToStream = (r: StreamDb): LogStreamRow => ({
  group: r.grp, name: r.name, createdMs: r.created_ms, storedBytes: r.stored_bytes,
  ...(r.first_ms !== null ? { firstEventMs: r.first_ms } : {}), ...(r.last_ms !== null ? { lastEventMs: r.last_ms } : {}),
  ...(r.ingest_ms !== null ? { lastIngestionMs: r.ingest_ms } : {}),
});
const rowToEvent = (r: EventDb): LogEventRow => ({ seq: r.seq, stream: r.stream, timestamp: r.ts, ingestionTime: r.ingest_ms, message: r.message });

/**
 * CloudWatch Logs' groups, streams and events on SQLite (logs.db in the data directory, beside
 * state.db and metrics.db: logs are neither desired state nor metrics, and their volume must not
 * slow the state store). The delivery controller's cursors and observations live here too, so an
 * append and the cursor it advances commit together.
 */
export class LogStore {
  private readonly db: Database.Database;
  readonly deliveries: DeliveryState;
  private readonly checkpoints: OffThreadCheckpoints | undefined;

  /** `offThreadCheckpoints`: the WAL is checkpointed by a worker thread (store/wal-checkpoints.ts), as the service runs it. */
  constructor(path: string, opts: { offThreadCheckpoints?: boolean } = {}) {
    this.db = new Database(path);
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    // As state.db and metrics.db: a crash of the process loses nothing, a power loss may lose the
    // last transactions; no fsync in each commit on the event loop (the default, FULL, made one).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.checkpoints = opts.offThreadCheckpoints ? checkpointOffThread(this.db, path) : undefined;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, retention_days INTEGER,
        class TEXT NOT NULL, protection INTEGER NOT NULL, stored_bytes INTEGER NOT NULL DEFAULT 0, tags TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS streams (grp TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL, first_ms INTEGER,
        last_ms INTEGER, ingest_ms INTEGER, stored_bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (grp, name)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL, stream TEXT NOT NULL,
        ts INTEGER NOT NULL, ingest_ms INTEGER NOT NULL, message TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS events_stream ON events (grp, stream, seq);
      CREATE INDEX IF NOT EXISTS events_time ON events (grp, ts, seq);
    `);
    this.deliveries = new DeliveryState(this.db);
  }

  createGroup(g: Omit<LogGroupRow, 'storedBytes'>): boolean {
    const r = this.db.prepare('INSERT INTO groups (name, created_ms, retention_days, class, protection, tags) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(g.name, g.createdMs, g.retentionDays ?? null, g.logGroupClass, g.deletionProtection ? 1 : 0, JSON.stringify(g.tags));
    return r.changes === 1;
  }

  group(name: string): LogGroupRow | undefined {
    const r = this.db.prepare<[string], GroupDb>('SELECT * FROM groups WHERE name = ?').get(name);
    return r ? rowToGroup(r) : undefined;
  }

  /** Every group, by name. */
  groups(): LogGroupRow[] {
    return this.db.prepare<[], GroupDb>('SELECT * FROM groups ORDER BY name').all().map(rowToGroup);
  }

  /** Removes the group with its streams and events; false when there is none. */
  deleteGroup(name: string): boolean {
    return this.db.transaction(() => {
      const r = this.db.prepare('DELETE FROM groups WHERE name = ?').run(name);
      this.db.prepare('DELETE FROM streams WHERE grp = ?').run(name);
      this.db.prepare('DELETE FROM events WHERE grp = ?').run(name);
      return r.changes === 1;
    })();
  }

  setRetention(name: string, days: number | undefined): boolean {
    return this.db.prepare('UPDATE groups SET retention_days = ? WHERE name = ?').run(days ?? null, name).changes === 1;
  }

  streams(group: string): LogStreamRow[] {
    return this.db.prepare<[string], StreamDb>('SELECT * FROM streams WHERE grp = ? ORDER BY name').all(group).map(rowToStream);
  }

  stream(group: string, name: string): LogStreamRow | undefined {
    const r = this.db.prepare<[string, string], StreamDb>('SELECT * FROM streams WHERE grp = ? AND name = ?').get(group, name);
    return r ? rowToStream(r) : undefined;
  }

  /**
   * Appends `events` to `group`/`stream` (the stream made on first use) and, in the same
   * transaction, moves `cursor` on. False (nothing written, the cursor unmoved) when the group
   * does not exist.
   */
  append(group: string, stream: string, events: NewLogEvent[], ingestedMs: number, cursor?: DeliveryCursor): boolean {
    return this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM groups WHERE name = ?').get(group)) return false;
      const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message), 0);
      if (events.length) {
        const first = Math.min(...events.map((e) => e.timestamp));
        const last = Math.max(...events.map((e) => e.timestamp));
        this.db.prepare(`INSERT INTO streams (grp, name, created_ms, first_ms, last_ms, ingest_ms, stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (grp, name) DO UPDATE SET first_ms = MIN(COALESCE(first_ms, excluded.first_ms), excluded.first_ms),
          last_ms = MAX(COALESCE(last_ms, excluded.last_ms), excluded.last_ms), ingest_ms = excluded.ingest_ms,
          stored_bytes = stored_bytes + excluded.stored_bytes`).run(group, stream, ingestedMs, first, last, ingestedMs, bytes);
        const insert = this.db.prepare('INSERT INTO events (grp, stream, ts, ingest_ms, message) VALUES (?, ?, ?, ?, ?)');
        for (const e of events) insert.run(group, stream, e.timestamp, ingestedMs, e.message);
        this.db.prepare('UPDATE groups SET stored_bytes = stored_bytes + ? WHERE name = ?').run(bytes, group);
      } else {
        this.db.prepare('INSERT INTO streams (grp, name, created_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(group, stream, ingestedMs);
      }
      if (cursor) this.deliveries.saveCursor(cursor);
      return true;
    })();
  }

  /** One page of a stream's events, oldest first (GetLogEvents). */
  streamEvents(group: string, stream: string, q: StreamRange): LogEventRow[] {
    const where = ['grp = ?', 'stream = ?'];
    const args: (string | number)[] = [group, stream];
    if (q.startTime !== undefined) { where.push('ts >= ?'); args.push(q.startTime); }
    if (q.endTime !== undefined) { where.push('ts < ?'); args.push(q.endTime); }
    if (q.afterSeq !== undefined) { where.push('seq > ?'); args.push(q.afterSeq); }
    if (q.beforeSeq !== undefined) { where.push('seq < ?'); args.push(q.beforeSeq); }
    const rows = this.db.prepare<unknown[], EventDb>(
      `SELECT seq, stream, ts, ingest_ms, message FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${q.forward ? 'ASC' : 'DESC'} LIMIT ?`,
    ).all(...args, q.limit).map(rowToEvent);
    return q.forward ? rows : rows.reverse();
  }

  /** The group's events in (timestamp, seq) order, read `batch` at a time (FilterLogEvents filters them). */
  *scan(group: string, q: GroupScan, batch = 1000): Generator<LogEventRow> {
    const where = ['grp = ?'];
    const args: (string | number)[] = [group];
    if (q.streams?.length) { where.push(`stream IN (${q.streams.map(() => '?').join(',')})`); args.push(...q.streams); }
    if (q.streamPrefix !== undefined) { where.push('substr(stream, 1, ?) = ?'); args.push(q.streamPrefix.length, q.streamPrefix); }
    if (q.startTime !== undefined) { where.push('ts >= ?'); args.push(q.startTime); }
    if (q.endTime !== undefined) { where.push('ts <= ?'); args.push(q.endTime); }
    const stmt = this.db.prepare<unknown[], EventDb>(
      `SELECT seq, stream, ts, ingest_ms, message FROM events WHERE ${where.join(' AND ')} AND (ts > ? OR (ts = ? AND seq > ?)) ORDER BY ts, seq LIMIT ?`);
    let after = q.after ?? { timestamp: -Infinity, seq: -1 };
    for (;;) {
      const rows = stmt.all(...args, after.timestamp, after.timestamp, after.seq, batch);
      for (const r of rows) yield rowToEvent(r);
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { timestamp: last.ts, seq: last.seq };
    }
  }

  /** Drops events older than their group's retention (CloudWatch Logs deletes expired events). Returns how many. */
  expire(nowMs: number): number {
    return this.db.transaction(() => {
      let removed = 0;
      for (const g of this.db.prepare<[], { name: string; retention_days: number }>('SELECT name, retention_days FROM groups WHERE retention_days IS NOT NULL').all()) {
        const cutoff = nowMs - g.retention_days * 86_400_000;
        const gone = this.db.prepare<[string, number], { stream: string; bytes: number }>(
          'SELECT stream, SUM(length(CAST(message AS BLOB))) AS bytes FROM events WHERE grp = ? AND ts < ? GROUP BY stream').all(g.name, cutoff);
        if (!gone.length) continue;
        removed += this.db.prepare('DELETE FROM events WHERE grp = ? AND ts < ?').run(g.name, cutoff).changes;
        for (const s of gone) {
          this.db.prepare('UPDATE streams SET stored_bytes = MAX(0, stored_bytes - ?), first_ms = (SELECT MIN(ts) FROM events WHERE grp = ? AND stream = ?) WHERE grp = ? AND name = ?')
            .run(s.bytes, g.name, s.stream, g.name, s.stream);
        }
        this.db.prepare('UPDATE groups SET stored_bytes = (SELECT COALESCE(SUM(stored_bytes), 0) FROM streams WHERE grp = ?) WHERE name = ?').run(g.name, g.name);
      }
      return removed;
    })();
  }

  /** Closed at once when no checkpoint worker runs (callers that do not wait see it closed). */
  close(): Promise<void> {
    if (!this.checkpoints) {
      this.db.close();
      return Promise.resolve();
    }
    return this.checkpoints.close().then(() => { this.db.close(); });
  }
}
