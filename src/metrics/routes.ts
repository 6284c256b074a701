/**
 * The HTTP face of the metrics floor, on the API's server and optionally on a listener of its
 * own: GET /metrics (Prometheus exposition), GET /metrics/fleet (live node rows for `cachefleet
 * top`), GET /metrics/recent?group=<id>&minutes=<n> (recent values for `cachefleet metrics`).
 * All three answer only whom access.ts admits.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { MetricsCollector } from './collect/collector.js';
import { ELASTICACHE_NAMESPACE } from './collect/derive.js';
import type { AccessVerdict } from './prometheus/access.js';
import { PROMETHEUS_CONTENT_TYPE, type PrometheusExporter } from './prometheus/exporter.js';
import { fleetView, MAIN_METRICS, type RecentValue } from './fleet.js';
import { isValidPeriod } from './store/tiers.js';
import type { MetricStore } from './types.js';

export interface MetricsRoutesDeps {
  exporter: PrometheusExporter;
  collector: MetricsCollector;
  store: MetricStore;
  access: (remote: string | undefined, authorization: string | undefined) => AccessVerdict;
  now?: () => number;
}

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const guard = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const verdict = deps.access(req.socket.remoteAddress, req.headers.authorization);
    if (verdict === 'allow') return true;
    reply.code(verdict === 'unauthorized' ? 401 : 403).header('content-type', 'text/plain; charset=utf-8')
      .send(verdict === 'unauthorized' ? 'a valid bearer token is needed\n' : 'not allowed from this address (see --metrics-allow)\n');
    return false;
  };
  app.get('/metrics', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    return reply.header('content-type', PROMETHEUS_CONTENT_TYPE).send(await deps.exporter.text());
  });
  app.get('/metrics/fleet', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    return reply.send({ nodes: fleetView(await deps.collector.live()) });
  });
  app.get<{ Querystring: { group?: string; minutes?: string } }>('/metrics/recent', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    const group = req.query.group ?? '';
    const minutes = Math.min(24 * 60, Math.max(1, Number(req.query.minutes ?? 15) || 15));
    const clusters = [...new Set((await deps.collector.targets())
      .filter((t) => t.replicationGroupId === group || t.cacheClusterId === group).map((t) => t.cacheClusterId))].sort();
    const periodS = queryPeriod(deps.collector.opts.periodMs);
    const end = now();
    const values: RecentValue[] = [];
    for (const cacheClusterId of clusters) {
      for (const metricName of MAIN_METRICS) {
        const points = await deps.store.query({
          metric: { namespace: ELASTICACHE_NAMESPACE, metricName, dimensions: [{ name: 'CacheClusterId', value: cacheClusterId }] },
          startMs: end - minutes * 60_000, endMs: end + 1, periodS,
        });
        const last = points[points.length - 1];
        if (!last) continue;
        const value = last.unit === 'Count' ? last.stats.sum : last.stats.sum / last.stats.sampleCount;
        values.push({ cacheClusterId, metricName, unit: last.unit, timestampMs: last.timestampMs, value });
      }
    }
    return reply.send({ group, clusters, periodS, values });
  });
}

/** The query period matching the collection period (a period CloudWatch allows). */
export function queryPeriod(collectMs: number): number {
  const s = Math.max(1, Math.round(collectMs / 1000));
  if (isValidPeriod(s)) return s;
  return s < 60 ? [30, 10, 5, 1].find((p) => p <= s)! : Math.round(s / 60) * 60;
}

/** A listener of its own for the metrics routes (`--metrics-port`), HTTPS when the API is. */
export async function startMetricsListener(opts: { host: string; port: number; https?: { cert: string; key: string } }, deps: MetricsRoutesDeps): Promise<FastifyInstance> {
  const app = (opts.https ? Fastify({ logger: false, https: opts.https }) : Fastify({ logger: false })) as unknown as FastifyInstance;
  registerMetricsRoutes(app, deps);
  await app.listen({ host: opts.host, port: opts.port });
  return app;
}
