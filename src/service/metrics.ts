/**
 * The metrics floor assembled for the service: the store (metrics.db in the data directory), the
 * collector reading every node over the service's existing admin connections, the service's own
 * metrics fed by the API, the reconciler, the health monitor and the event log, and the HTTP
 * routes on the API's server (and on --metrics-port when given).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AdminPool } from '../engine/admin.js';
import type { ServiceConfig } from '../core/index.js';
import {
  metricsAccess, MetricsCollector, PrometheusExporter, procfsReader, registerMetricsRoutes, ServiceMetrics, SqliteMetricStore,
  startMetricsListener, DEFAULT_COLLECTOR_OPTIONS, type MetricsRoutesDeps, type NodeTarget,
} from '../metrics/index.js';
import type { MergedViews, StateStore } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { isServerlessBacking } from '../resources/serverless.js';

export interface ServiceMetricsParts {
  store: SqliteMetricStore;
  collector: MetricsCollector;
  own: ServiceMetrics;
  exporter: PrometheusExporter;
  /** Adds the routes and the API-latency hook to the API's server (before it listens). */
  attach(api: FastifyInstance): void;
  /** Starts collecting, and the metrics listener when --metrics-port is given. */
  start(https?: { cert: string; key: string }): Promise<void>;
  /** The metrics listener's URL, when there is one. */
  listenerUrl(): string | undefined;
  stop(): Promise<void>;
}

export function assembleMetrics(d: {
  config: ServiceConfig; path: string; views: MergedViews; admin: AdminPool; events: Pick<StateStore, 'onEvents'>; logger: Logger;
}): ServiceMetricsParts {
  const store = new SqliteMetricStore(d.path, { offThreadCheckpoints: true });
  const own = new ServiceMetrics();
  // A serverless cache's backing nodes are the service's: the cache has metrics of its own (clusterId).
  const targets = async (): Promise<NodeTarget[]> => (await d.views.clusters()).filter((c) => !c.doc.deleteRequested && !isServerlessBacking(c.id)).flatMap((c) =>
    c.doc.nodes.map((n) => ({
      key: `${c.id}-${n.id}`, cacheClusterId: c.id, cacheNodeId: n.id, availabilityZone: n.availabilityZone, address: n.address, port: n.port,
      ...(c.doc.replicationGroupId ? { replicationGroupId: c.doc.replicationGroupId } : {}),
    })));
  const collector = new MetricsCollector({
    targets, store, proc: procfsReader(), logger: d.logger,
    reader: {
      // The admin connection the reconciler and the health monitor already keep to the node.
      info: async (t) => String(await (await d.admin.ready(t.address, t.port)).info('all')),
      commands: async (t) => (await d.admin.ready(t.address, t.port)).call('COMMAND'),
    },
    serviceMetrics: (atMs, periodS) => own.flush(atMs, periodS),
    onCollected: (ms) => own.collectionTook(ms),
  }, { ...DEFAULT_COLLECTOR_OPTIONS, periodMs: Math.max(1000, d.config.metricsPeriodMs), compactEveryMs: Math.min(60_000, Math.max(1000, d.config.metricsPeriodMs)) });
  const exporter = new PrometheusExporter({ readings: () => collector.readings(), registries: [own.registry], lastCollectionMs: () => collector.lastCollectedAt() });
  const token = d.config.metricsTokenFile ? readFileSync(d.config.metricsTokenFile, 'utf8').trim() : undefined;
  if (d.config.metricsTokenFile && !token) throw new Error(`--metrics-token-file ${d.config.metricsTokenFile} is empty`);
  const routes: MetricsRoutesDeps = { exporter, collector, store, access: metricsAccess({ allow: d.config.metricsAllow, ...(token ? { token } : {}) }) };
  const unsubscribe = d.events.onEvents((events) => {
    for (const e of events) if (/^Failover to replica node .* completed/.test(e.message)) own.failover();
  });
  let listener: FastifyInstance | undefined;
  return {
    store, collector, own, exporter,
    attach(api) {
      api.addHook('onResponse', async (req, reply) => {
        if (!req.url.startsWith('/metrics')) own.apiRequest(reply.elapsedTime, reply.statusCode);
      });
      registerMetricsRoutes(api, routes);
    },
    async start(https) {
      if (d.config.metricsPort !== undefined) {
        listener = await startMetricsListener({ host: d.config.host, port: d.config.metricsPort, ...(https ? { https } : {}) }, routes);
      }
      collector.start();
    },
    listenerUrl() {
      const addr = listener?.server.address();
      if (!addr || typeof addr !== 'object') return undefined;
      const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
      return `${d.config.tls.enabled ? 'https' : 'http'}://${host}:${addr.port}`;
    },
    async stop() {
      unsubscribe();
      await listener?.close();
      await collector.stop();
      await store.close();
    },
  };
}
