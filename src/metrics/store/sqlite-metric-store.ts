import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { checkpointOffThread, type OffThreadCheckpoints } from '../../store/wal-checkpoints.js';
import type {
  AggregatedPoint, ListMetricsFilter, MetricDatum, MetricId, MetricQuery, MetricStore, StandardUnit, StatisticSet,
} from '../types.js';
import { bucketValue, percentile, type Weighted } from './distribution.js';
import { bucketStart, TIERS, tiersForPeriod } from './tiers.js';
import { canonicalDimensions, matchesFilter } from './metric-ids.js';

export interface SqliteMetricStoreOptions {
  /** The clock (epoch ms) that decides which tiers a late datum is also written to. */
  now?: () => number;
  /** The WAL is checkpointed by a worker thread (store/wal-checkpoints.ts), as the service runs it. */
  offThreadCheckpoints?: boolean;
}

interface PointRow { tier: number; ts: number; unit: string; n: number; sum: number; min: number; max: number; undistributed: number; lone: number }
interface DistRow { tier: number; ts: number; unit: string; v: number; n: number }

const RAW = TIERS[0]!;
const MINUTE = TIERS[1]!;
/** last_ms of a metric is written again only when it moved on this much (ListMetrics' RecentlyActive is hours). */
const TOUCH_MS = 60_000;

/**
 * The MetricStore on SQLite (a file of its own beside the state store, 0600, WAL).
 *
 * - `points` holds statistic sets per (metric, tier, interval start, unit); `dist` the values each
 *   summarises: exact where put, log-bucketed (±1 %, distribution.ts) in rollups. A point made of
 *   one value (what the collector puts) is `lone`: its value is its sum, with no dist row, so the
 *   common put is one INSERT; it gets a dist row only when a second datum merges into it.
 * - A high-resolution datum (StorageResolution 1) enters the raw tier, a standard one the 1-minute
 *   tier (CloudWatch keeps standard data at 1-minute resolution). `compact` rolls each finished interval of a tier into the
 *   next (1 s → 1 min → 5 min → 1 h) in one SQL statement per tier, records how far it rolled
 *   (`rollups.done_until`), then drops what each tier no longer keeps (every 1 % of its retention).
 * - A datum older than a tier's roll-up mark (PutMetricData may send data two weeks old) is also
 *   written straight into that tier, so no rolled interval misses it.
 * - A query with period P reads the coarsest tier whose resolution divides P for everything it
 *   holds, and each finer tier only from the next coarser tier's mark on: nothing counts twice.
 */
export class SqliteMetricStore implements MetricStore {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly stmts;
  /** Metric ids by namespace, name and dimensions (forgotten when compaction drops metrics). */
  private ids = new Map<string, { id: number; row: number; lastMs: number }>();
  /** When each tier's expiry last ran (in memory: a restart runs it again). */
  private readonly droppedAt = new Map<number, number>();
  private readonly checkpoints: OffThreadCheckpoints | undefined;

  constructor(path: string, opts: SqliteMetricStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.db = new Database(path);
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    // Metrics are not state: a power loss may lose the last transactions, a crash loses nothing.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.checkpoints = opts.offThreadCheckpoints ? checkpointOffThread(this.db, path) : undefined;
    this.db.function('bucket_value', { deterministic: true }, (v: unknown) => bucketValue(Number(v)));
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS metrics (
        id INTEGER PRIMARY KEY, namespace TEXT NOT NULL, name TEXT NOT NULL, dims TEXT NOT NULL,
        last_ms INTEGER NOT NULL, alias_of INTEGER, UNIQUE (namespace, name, dims));
      CREATE TABLE IF NOT EXISTS points (
        metric_id INTEGER NOT NULL, tier INTEGER NOT NULL, ts INTEGER NOT NULL, unit TEXT NOT NULL,
        n REAL NOT NULL, sum REAL NOT NULL, min REAL, max REAL, undistributed REAL NOT NULL,
        lone INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (metric_id, tier, ts, unit)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS dist (
        metric_id INTEGER NOT NULL, tier INTEGER NOT NULL, ts INTEGER NOT NULL, unit TEXT NOT NULL,
        v REAL NOT NULL, n REAL NOT NULL,
        PRIMARY KEY (metric_id, tier, ts, unit, v)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rollups (tier INTEGER PRIMARY KEY, done_until INTEGER NOT NULL);
    `);
    const mergePoint = `ON CONFLICT (metric_id, tier, ts, unit) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum,
      min = MIN(COALESCE(min, sum), excluded.min), max = MAX(COALESCE(max, sum), excluded.max), undistributed = undistributed + excluded.undistributed, lone = 0`;
    const mergeDist = 'ON CONFLICT (metric_id, tier, ts, unit, v) DO UPDATE SET n = n + excluded.n';
    this.stmts = {
      metricId: this.db.prepare<[string, string, string], { id: number; alias_of: number | null }>(
        'SELECT id, alias_of FROM metrics WHERE namespace = ? AND name = ? AND dims = ?'),
      upsertAlias: this.db.prepare<[string, string, string, number, number], { id: number; alias_of: number | null }>(
        `INSERT INTO metrics (namespace, name, dims, last_ms, alias_of) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (namespace, name, dims) DO UPDATE SET last_ms = MAX(last_ms, excluded.last_ms) RETURNING id, alias_of`),
      upsertMetric: this.db.prepare<[string, string, string, number], { id: number }>(
        `INSERT INTO metrics (namespace, name, dims, last_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, name, dims) DO UPDATE SET last_ms = MAX(last_ms, excluded.last_ms) RETURNING id`),
      putLone: this.db.prepare(
        'INSERT INTO points (metric_id, tier, ts, unit, n, sum, min, max, undistributed, lone) VALUES (?, ?, ?, ?, 1, ?, NULL, NULL, 0, 1) ON CONFLICT DO NOTHING'),
      loneOf: this.db.prepare<[number, number, number, string], { sum: number }>(
        'SELECT sum FROM points WHERE metric_id = ? AND tier = ? AND ts = ? AND unit = ? AND lone = 1'),
      touchMetric: this.db.prepare('UPDATE metrics SET last_ms = MAX(last_ms, ?) WHERE id = ?'),
      putPoint: this.db.prepare(
        `INSERT INTO points (metric_id, tier, ts, unit, n, sum, min, max, undistributed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ${mergePoint}`),
      putDist: this.db.prepare(`INSERT INTO dist (metric_id, tier, ts, unit, v, n) VALUES (?, ?, ?, ?, ?, ?) ${mergeDist}`),
      marks: this.db.prepare<[], { tier: number; done_until: number }>('SELECT tier, done_until FROM rollups'),
      setMark: this.db.prepare('INSERT INTO rollups (tier, done_until) VALUES (?, ?) ON CONFLICT (tier) DO UPDATE SET done_until = excluded.done_until'),
      // "WHERE true" lets SQLite parse an upsert whose source is a SELECT.
      // Rollups and expiry walk the metrics (CROSS JOIN keeps them the outer loop) and seek each one's
      // range by primary key: no second index on (tier, ts) to write with every put.
      rollPoints: this.db.prepare(
        `INSERT INTO points (metric_id, tier, ts, unit, n, sum, min, max, undistributed)
         SELECT p.metric_id, @to_tier, p.ts - p.ts % @width, p.unit, SUM(p.n), SUM(p.sum), MIN(COALESCE(p.min, p.sum)), MAX(COALESCE(p.max, p.sum)), SUM(p.undistributed)
         FROM metrics m CROSS JOIN points p ON m.alias_of IS NULL AND p.metric_id = m.id AND p.tier = @from_tier AND p.ts >= @from AND p.ts < @to
         WHERE true GROUP BY p.metric_id, p.ts - p.ts % @width, p.unit ${mergePoint}`),
      // The finer tier's values: its dist rows and its lone points' values.
      rollDist: this.db.prepare(
        `INSERT INTO dist (metric_id, tier, ts, unit, v, n)
         SELECT metric_id, @to_tier, bts, unit, bv, SUM(n) FROM (
           SELECT d.metric_id, d.ts - d.ts % @width AS bts, d.unit, bucket_value(d.v) AS bv, d.n
           FROM metrics m CROSS JOIN dist d ON m.alias_of IS NULL AND d.metric_id = m.id AND d.tier = @from_tier AND d.ts >= @from AND d.ts < @to
           UNION ALL
           SELECT p.metric_id, p.ts - p.ts % @width, p.unit, bucket_value(p.sum), 1
           FROM metrics m CROSS JOIN points p ON m.alias_of IS NULL AND p.metric_id = m.id AND p.tier = @from_tier AND p.lone = 1 AND p.ts >= @from AND p.ts < @to)
         WHERE true GROUP BY metric_id, bts, unit, bv ${mergeDist}`),
      dropPoints: this.db.prepare('DELETE FROM points WHERE metric_id IN (SELECT id FROM metrics WHERE alias_of IS NULL) AND tier = ? AND ts < ?'),
      dropDist: this.db.prepare('DELETE FROM dist WHERE metric_id IN (SELECT id FROM metrics WHERE alias_of IS NULL) AND tier = ? AND ts < ?'),
      dropMetrics: this.db.prepare('DELETE FROM metrics WHERE last_ms < ?'),
      points: this.db.prepare<[number, number, number, number], PointRow>(
        'SELECT tier, ts, unit, n, sum, COALESCE(min, sum) AS min, COALESCE(max, sum) AS max, undistributed, lone FROM points WHERE metric_id = ? AND tier = ? AND ts >= ? AND ts < ?'),
      dist: this.db.prepare<[number, number, number, number], DistRow>(
        'SELECT tier, ts, unit, v, n FROM dist WHERE metric_id = ? AND tier = ? AND ts >= ? AND ts < ?'),
      allMetrics: this.db.prepare<[], { namespace: string; name: string; dims: string; last_ms: number }>(
        'SELECT namespace, name, dims, last_ms FROM metrics ORDER BY namespace, name, dims'),
    };
  }

  async put(data: MetricDatum[]): Promise<void> {
    if (data.length === 0) return;
    const now = this.now();
    this.db.transaction(() => {
      const marks = this.marks();
      for (const d of data) this.putOne(d, marks, now);
    })();
  }

  private putOne(d: MetricDatum, marks: Map<number, number>, now: number): void {
    const id = this.metricId(d.metric.namespace, d.metric.metricName, canonicalDimensions(d.metric.dimensions), d.timestampMs);
    for (const dims of d.alsoAs ?? []) {
      // An alias row points at this metric; a set that already holds data of its own gets the datum too.
      const alias = this.metricId(d.metric.namespace, d.metric.metricName, canonicalDimensions(dims), d.timestampMs, id);
      if (alias !== id) this.putOne({ ...d, metric: { ...d.metric, dimensions: dims }, alsoAs: [] }, marks, now);
    }
    const { entries, undistributed } = distributionOf(d);
    const entry = d.storageResolution === 1 ? RAW : MINUTE;
    for (const tier of TIERS) {
      if (tier.resolutionS < entry.resolutionS) continue;
      const exact = tier === entry;
      // The entry tier takes every datum it still keeps; a coarser tier only what its rollups have passed.
      if (exact ? d.timestampMs < now - tier.retentionMs : bucketStart(d.timestampMs, tier.resolutionS) >= (marks.get(tier.resolutionS) ?? 0)) continue;
      const ts = bucketStart(d.timestampMs, tier.resolutionS);
      const s = d.stats;
      // The common case: one value in an interval of its own.
      const lone = entries.length === 1 && entries[0]!.count === 1 && s.sampleCount === 1;
      if (exact && lone && this.stmts.putLone.run(id, tier.resolutionS, ts, d.unit, s.sum).changes === 1) continue;
      // Merging into a point: a lone point's value moves to a dist row first.
      const old = this.stmts.loneOf.get(id, tier.resolutionS, ts, d.unit);
      if (old) this.stmts.putDist.run(id, tier.resolutionS, ts, d.unit, exact ? old.sum : bucketValue(old.sum), 1);
      this.stmts.putPoint.run(id, tier.resolutionS, ts, d.unit, s.sampleCount, s.sum, s.minimum, s.maximum, undistributed);
      for (const e of entries) this.stmts.putDist.run(id, tier.resolutionS, ts, d.unit, exact ? e.value : bucketValue(e.value), e.count);
    }
  }

  /**
   * The id whose points hold the metric's data (an alias row's target), from memory once known;
   * last_ms is written when it moved on a minute. With `aliasOf`, a new row is made an alias of it.
   */
  private metricId(namespace: string, name: string, dims: string, atMs: number, aliasOf?: number): number {
    const key = `${namespace}\0${name}\0${dims}`;
    const known = this.ids.get(key);
    if (known) {
      if (atMs > known.lastMs + TOUCH_MS) {
        this.stmts.touchMetric.run(atMs, known.row);
        known.lastMs = atMs;
      }
      return known.id;
    }
    const row = aliasOf === undefined
      ? { ...this.stmts.upsertMetric.get(namespace, name, dims, atMs)!, alias_of: null }
      : this.stmts.upsertAlias.get(namespace, name, dims, atMs, aliasOf)!;
    const id = row.alias_of ?? row.id;
    this.ids.set(key, { id, row: row.id, lastMs: atMs });
    return id;
  }

  private marks(): Map<number, number> {
    return new Map(this.stmts.marks.all().map((r) => [r.tier, r.done_until]));
  }

  async compact(nowMs: number): Promise<void> {
    this.db.transaction(() => {
      const marks = this.marks();
      for (let i = 1; i < TIERS.length; i++) {
        const from = TIERS[i - 1]!;
        const to = TIERS[i]!;
        const start = marks.get(to.resolutionS) ?? 0;
        const end = bucketStart(nowMs, to.resolutionS);
        if (end <= start) continue;
        const args = { to_tier: to.resolutionS, from_tier: from.resolutionS, width: to.resolutionS * 1000, from: start, to: end };
        this.stmts.rollPoints.run(args);
        this.stmts.rollDist.run(args);
        this.stmts.setMark.run(to.resolutionS, end);
      }
      for (const t of TIERS) {
        // Expiry seeks every metric: each tier's runs every 1 % of its retention (a minute at least).
        if (nowMs - (this.droppedAt.get(t.resolutionS) ?? -Infinity) < Math.max(60_000, t.retentionMs / 100)) continue;
        this.droppedAt.set(t.resolutionS, nowMs);
        this.stmts.dropPoints.run(t.resolutionS, nowMs - t.retentionMs);
        this.stmts.dropDist.run(t.resolutionS, nowMs - t.retentionMs);
      }
      if (this.stmts.dropMetrics.run(nowMs - TIERS[TIERS.length - 1]!.retentionMs).changes > 0) this.ids = new Map();
    })();
  }

  async query(q: MetricQuery): Promise<AggregatedPoint[]> {
    const found = this.stmts.metricId.get(q.metric.namespace, q.metric.metricName, canonicalDimensions(q.metric.dimensions));
    const tiers = tiersForPeriod(q.periodS);
    if (!found || tiers.length === 0 || q.endMs <= q.startMs) return [];
    const row = { id: found.alias_of ?? found.id };
    const marks = this.marks();
    const periodMs = q.periodS * 1000;
    const groups = new Map<string, { ts: number; unit: StandardUnit; stats: StatisticSet; undistributed: number; dist: Weighted[] }>();
    const keyOf = (ts: number, unit: string) => `${q.startMs + Math.floor((ts - q.startMs) / periodMs) * periodMs}\0${unit}`;
    // Coarsest first: it answers for everything it holds; each finer tier only from the next coarser one's mark on.
    for (let i = tiers.length - 1; i >= 0; i--) {
      const tier = tiers[i]!.resolutionS;
      const coarser = tiers[i + 1];
      const from = Math.max(q.startMs, coarser ? (marks.get(coarser.resolutionS) ?? 0) : q.startMs);
      for (const p of this.stmts.points.all(row.id, tier, from, q.endMs)) {
        if (q.unit && p.unit !== q.unit) continue;
        const key = keyOf(p.ts, p.unit);
        const g = groups.get(key);
        if (!g) {
          groups.set(key, {
            ts: Number(key.split('\0')[0]), unit: p.unit as StandardUnit, undistributed: p.undistributed, dist: [],
            stats: { sampleCount: p.n, sum: p.sum, minimum: p.min, maximum: p.max },
          });
        } else {
          g.stats = { sampleCount: g.stats.sampleCount + p.n, sum: g.stats.sum + p.sum, minimum: Math.min(g.stats.minimum, p.min), maximum: Math.max(g.stats.maximum, p.max) };
          g.undistributed += p.undistributed;
        }
        if (p.lone && q.percentiles?.length) groups.get(key)!.dist.push({ value: p.sum, count: 1 });
      }
      if (q.percentiles?.length) {
        for (const e of this.stmts.dist.all(row.id, tier, from, q.endMs)) groups.get(keyOf(e.ts, e.unit))?.dist.push({ value: e.v, count: e.n });
      }
    }
    return [...groups.values()].sort((a, b) => a.ts - b.ts).map((g) => {
      const point: AggregatedPoint = { timestampMs: g.ts, unit: g.unit, stats: g.stats };
      if (q.percentiles?.length && g.undistributed === 0) {
        const found = q.percentiles.map((p) => [p, percentile(g.dist, p)] as const).filter((e): e is readonly [number, number] => e[1] !== undefined);
        if (found.length > 0) point.percentiles = Object.fromEntries(found);
      }
      return point;
    });
  }

  async listMetrics(filter: ListMetricsFilter): Promise<MetricId[]> {
    const out: MetricId[] = [];
    for (const m of this.stmts.allMetrics.all()) {
      const id: MetricId = { namespace: m.namespace, metricName: m.name, dimensions: (JSON.parse(m.dims) as [string, string][]).map(([name, value]) => ({ name, value })) };
      if (matchesFilter(id, m.last_ms, filter)) out.push(id);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.checkpoints?.close();
    this.db.close();
  }
}

/**
 * The values a datum summarises: its Values/Counts when given, its one value when it is a set of
 * one; otherwise (a statistic set of several samples, or negative values) its samples count as
 * undistributed and periods holding them answer no percentile, as CloudWatch does.
 */
function distributionOf(d: MetricDatum): { entries: Weighted[]; undistributed: number } {
  if (d.values && d.values.length > 0) {
    const entries = d.values.map((value, i) => ({ value, count: d.counts?.[i] ?? 1 }));
    return entries.some((e) => e.value < 0) ? { entries: [], undistributed: d.stats.sampleCount } : { entries, undistributed: 0 };
  }
  if (d.stats.sampleCount === 1 && d.stats.sum >= 0) return { entries: [{ value: d.stats.sum, count: 1 }], undistributed: 0 };
  return { entries: [], undistributed: d.stats.sampleCount };
}
