/**
 * The contracts of the metrics floor (issue 13): what the collector derives from the nodes, what
 * the time-series store keeps, and what the CloudWatch API, the alarms, Prometheus and the
 * terminal views read. Names, units and dimensions are CloudWatch's; timestamps are epoch ms.
 */

/** CloudWatch's StandardUnit values (botocore's `monitoring` model). */
export type StandardUnit =
  | 'Seconds' | 'Microseconds' | 'Milliseconds' | 'Bytes' | 'Kilobytes' | 'Megabytes' | 'Gigabytes' | 'Terabytes'
  | 'Bits' | 'Kilobits' | 'Megabits' | 'Gigabits' | 'Terabits' | 'Percent' | 'Count'
  | 'Bytes/Second' | 'Kilobytes/Second' | 'Megabytes/Second' | 'Gigabytes/Second' | 'Terabytes/Second'
  | 'Bits/Second' | 'Kilobits/Second' | 'Megabits/Second' | 'Gigabits/Second' | 'Terabits/Second'
  | 'Count/Second' | 'None';

export interface Dimension {
  name: string;
  value: string;
}

/** A metric as CloudWatch names it: namespace, name and its exact set of dimensions (kept sorted by name). */
export interface MetricId {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/**
 * One datum put into the store: a period's aggregate of one metric (a collected value is a set of
 * one sample). `values`/`counts`, when given, are the raw values the set summarises (PutMetricData
 * Values/Counts, or a collector's samples), kept so percentiles can be answered.
 */
export interface MetricDatum {
  metric: MetricId;
  timestampMs: number;
  unit: StandardUnit;
  stats: StatisticSet;
  values?: number[];
  counts?: number[];
  /** 1 (high resolution) or 60 (standard), as PutMetricData's StorageResolution. */
  storageResolution: 1 | 60;
  /**
   * More dimension sets the same values are published under (a Redis cache cluster has one node,
   * so its CacheClusterId + CacheNodeId metrics are also its CacheClusterId metrics). The store
   * keeps the data once; queries and ListMetrics answer for every set. The collector hands
   * listeners one datum per set, without this field.
   */
  alsoAs?: Dimension[][];
}

/** GetMetricStatistics / one MetricStat of GetMetricData. */
export interface MetricQuery {
  metric: MetricId;
  startMs: number;
  endMs: number;
  /** Seconds: 1, 5, 10, 30 or a multiple of 60, as CloudWatch allows for the data's age. */
  periodS: number;
  /** Only data put with this unit (CloudWatch's Unit filter). */
  unit?: StandardUnit;
  /** Percentiles wanted, e.g. [99, 99.9] for p99 and p99.9. */
  percentiles?: number[];
}

/** One period of a query's answer. */
export interface AggregatedPoint {
  timestampMs: number;
  unit: StandardUnit;
  stats: StatisticSet;
  /** The percentiles asked for, by their number (99 → p99); absent where the data cannot tell. */
  percentiles?: Record<number, number>;
}

export interface ListMetricsFilter {
  namespace?: string;
  metricName?: string;
  /** A dimension with no value matches any value of that name. */
  dimensions?: { name: string; value?: string }[];
  /** Only metrics with data newer than this (ListMetrics RecentlyActive=PT3H). */
  activeSinceMs?: number;
}

/**
 * The embedded time-series store (a SQLite file in the data directory by default), with
 * CloudWatch's retention tiers: sub-minute points for 3 hours, 1-minute for 15 days, 5-minute for
 * 63 days, 1-hour for 455 days. High-resolution data (StorageResolution 1) is kept by the second,
 * standard data by the minute. A query with period P reads the coarsest tier whose resolution
 * divides P, plus what finer tiers have not rolled into it yet; sub-minute periods see
 * high-resolution data only.
 */
export interface MetricStore {
  put(data: MetricDatum[]): Promise<void>;
  query(q: MetricQuery): Promise<AggregatedPoint[]>;
  listMetrics(filter: ListMetricsFilter): Promise<MetricId[]>;
  /** Drops what the tiers no longer keep and rolls finer points up; called by the collector's loop. */
  compact(nowMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Listeners of freshly collected data (alarms evaluate on arrival, Prometheus keeps the latest values). */
export type MetricListener = (data: MetricDatum[]) => void;
