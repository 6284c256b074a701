/**
 * The Prometheus exposition of the fleet: prom-client writes the format; the node series are
 * filled from the collector's last readings when scraped (a scrape never reads a node), the
 * service's own metrics come from ServiceMetrics' registry, and process metrics from prom-client's
 * defaults (cachefleet_ prefix).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { NodeReading } from '../collect/collector.js';
import { NODE_LABELS, NODE_SERIES, nodeLabels } from './node-series.js';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface ExporterSources {
  readings(): NodeReading[];
  /** Registries merged in (the service's own metrics). */
  registries?: Registry[];
  /** Seconds of the last collection (cachefleet_metrics_last_collection_timestamp_seconds). */
  lastCollectionMs?(): number | undefined;
}

export class PrometheusExporter {
  private readonly nodes = new Registry();
  private readonly process = new Registry();
  private readonly fill: () => void;

  constructor(private readonly src: ExporterSources) {
    collectDefaultMetrics({ register: this.process, prefix: 'cachefleet_' });
    // Gauges prom-client names …_total, which `promtool check metrics` rejects (a _total suffix means a counter).
    for (const m of this.process.getMetricsAsArray()) if (m.name.endsWith('_total') && String(m.type) !== 'counter') this.process.removeSingleMetric(m.name);
    const up = new Gauge({ name: 'redis_up', help: '1 when the last collection read the node', labelNames: [...NODE_LABELS], registers: [this.nodes] });
    const last = new Gauge({ name: 'cachefleet_metrics_last_collection_timestamp_seconds', help: 'When the node metrics were last collected', registers: [this.nodes] });
    const metrics = NODE_SERIES.map((s) => {
      const labelNames = [...NODE_LABELS, ...(s.labels ?? [])];
      return { s, metric: s.type === 'counter' ? new Counter({ name: s.name, help: s.help, labelNames, registers: [this.nodes] }) : new Gauge({ name: s.name, help: s.help, labelNames, registers: [this.nodes] }) };
    });
    // One pass over the readings per scrape fills every series.
    this.fill = () => {
      const readings = this.src.readings();
      up.reset();
      for (const { metric } of metrics) metric.reset();
      const at = this.src.lastCollectionMs?.();
      if (at !== undefined) last.set(at / 1000);
      for (const r of readings) {
        const base = nodeLabels(r);
        up.set(base, r.sample ? 1 : 0);
        if (!r.sample) continue;
        for (const { s, metric } of metrics) {
          for (const v of s.values(r.sample)) {
            if (!Number.isFinite(v.value) || v.value < 0 && s.type === 'counter') continue;
            const labels = { ...base, ...v.labels };
            if (metric instanceof Counter) metric.inc(labels, v.value);
            else metric.set(labels, v.value);
          }
        }
      }
    };
  }

  /** The exposition text of everything. */
  async text(): Promise<string> {
    this.fill();
    const merged = Registry.merge([this.nodes, ...(this.src.registries ?? []), this.process]);
    return merged.metrics();
  }
}
