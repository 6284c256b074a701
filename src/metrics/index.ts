/**
 * The metrics floor (issue 13): collection of ElastiCache's metrics from the nodes, the
 * time-series store with CloudWatch's tiers, the Prometheus exposition, the terminal views' data.
 */
export type * from './types.js';
export { MetricsCollector, DEFAULT_COLLECTOR_OPTIONS, type CollectorOptions, type NodeReader, type NodeReading } from './collect/collector.js';
export { ELASTICACHE_NAMESPACE } from './collect/derive.js';
export type { NodeTarget, HostSample } from './collect/targets.js';
export { procfsReader } from './collect/procfs.js';
export { SqliteMetricStore } from './store/sqlite-metric-store.js';
export { isValidPeriod, TIERS } from './store/tiers.js';
export { ServiceMetrics, SERVICE_NAMESPACE } from './service-metrics.js';
export { PrometheusExporter } from './prometheus/exporter.js';
export { metricsAccess } from './prometheus/access.js';
export { registerMetricsRoutes, startMetricsListener, queryPeriod, type MetricsRoutesDeps } from './routes.js';
export { fleetView, MAIN_METRICS, type FleetNode, type RecentValue } from './fleet.js';
