/** Reading the service's metrics in end-to-end tests: its /metrics exposition and its metrics store. */
import { join } from 'node:path';
import { SqliteMetricStore } from '../../src/metrics/index.js';
import { waitFor } from '../../src/util/wait.js';

export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics: HTTP ${res.status}: ${await res.text()}`);
  return res.text();
}

/** The value of one series of an exposition (labels matched as given, in any order), or undefined. */
export function seriesValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** The time (ms) of a collection finished after `afterMs` (the gauge is set once its data is stored). */
export async function nextCollection(baseUrl: string, afterMs: number, timeoutMs = 15_000): Promise<number> {
  return waitFor(async () => {
    const v = seriesValue(await scrape(baseUrl), 'cachefleet_metrics_last_collection_timestamp_seconds');
    return v !== undefined && v * 1000 > afterMs ? v * 1000 : undefined;
  }, { timeoutMs, intervalMs: 100, what: 'a metrics collection' });
}

/** The service's metrics store, opened read-side by the test (SQLite in WAL mode: the service keeps writing). */
export function openMetricStore(dataDir: string): SqliteMetricStore {
  return new SqliteMetricStore(join(dataDir, 'metrics.db'));
}
