/**
 * A real Prometheus (Debian's `prometheus` package) scrapes the service's GET /metrics, and its
 * query API returns a node series with the fleet's labels; `promtool check metrics` accepts the
 * exposition and `promtool check rules` the shipped alert rules.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { createGroup, primaryOf } from '../helpers/groups.js';
import { run } from '../helpers/e2e-exec.js';
import { freePort } from '../helpers/net.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { nextCollection, scrape } from '../helpers/metrics.js';
import { waitFor } from '../../src/util/wait.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const GROUP = 'prom-e2e';

function installed(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
}
const missing = (!installed('prometheus') || !installed('promtool')) && 'prometheus and promtool (apt-get install prometheus)';

describe('Prometheus scrapes the service', { timeout: 120_000, skip: requireOrSkip(missing) }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let primary: string;
  let metricsPort: number;

  before(async () => {
    metricsPort = await freePort();
    svc = await startService(cleanup, { args: ['--metrics-period-seconds', '1', '--metrics-port', String(metricsPort)] });
    primary = primaryOf(await createGroup(svc.client, { ReplicationGroupId: GROUP, NumCacheClusters: 2 }));
    await nextCollection(svc.url, Date.now());
  });

  test('promtool accepts the exposition (served on --metrics-port too) and the shipped alert rules', async () => {
    const text = await scrape(`http://127.0.0.1:${metricsPort}`);
    assert.match(text, /^redis_up\{/m);
    const metrics = await run('promtool', ['check', 'metrics'], { input: text });
    assert.equal(metrics.code, 0, `${metrics.stdout}${metrics.stderr}`);
    const rules = await run('promtool', ['check', 'rules', join(ROOT, 'docs/prometheus/alerts.yml')]);
    assert.equal(rules.code, 0, `${rules.stdout}${rules.stderr}`);
  });

  test('its query API returns the node series with the fleet labels', async () => {
    const dir = await cleanup.tmpDir('cachefleet-prometheus-');
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    // honor_labels keeps the per-node `instance` label of the exposition (what redis_exporter dashboards select on).
    await writeFile(config, [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', '  - job_name: cachefleet', '    honor_labels: true',
      '    static_configs:', `      - targets: ['${new URL(svc.url).host}']`, '',
    ].join('\n'));
    const child = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' });
    cleanup.trackPid(child.pid, config);
    const api = `http://127.0.0.1:${port}/api/v1/query?query=`;
    type Answer = { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    const result = await waitFor(async () => {
      const res = await fetch(`${api}${encodeURIComponent(`redis_up{cache_cluster="${primary}"}`)}`).catch(() => undefined);
      if (!res || res.status !== 200) return undefined;
      const body = await res.json() as Answer;
      return body.data.result[0];
    }, { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to have scraped redis_up' });
    assert.equal(result.value[1], '1');
    assert.equal(result.metric.replication_group, GROUP);
    assert.equal(result.metric.node, '0001');
    assert.equal(result.metric.role, 'master');
    assert.equal(result.metric.job, 'cachefleet');
    assert.match(result.metric.instance!, /^127\.\d+\.\d+\.\d+:\d+$/);
    assert.match(result.metric.az!, /^us-east-1[a-z]$/);
    const res = await fetch(`${api}${encodeURIComponent(`sum by (replication_group) (redis_connected_slaves{replication_group="${GROUP}"})`)}`);
    const body = await res.json() as Answer;
    assert.equal(body.data.result[0]?.value[1], '1');
  });
});
