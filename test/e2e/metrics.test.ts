/**
 * Issue 13's metrics floor end to end: a real group under traffic from ioredis; the service's
 * collector (1 s period) moves CacheHits and CacheMisses by exactly the lookups sent,
 * CurrConnections by the connections opened, NetworkBytesIn by the bytes sent (plus the
 * monitoring's own few bytes); /metrics shows the same in redis_exporter's names; the terminal
 * views print them; collection goes on after a control-plane restart.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ReplicationGroup } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { createGroup, endpoint, primaryOf } from '../helpers/groups.js';
import { run } from '../helpers/e2e-exec.js';
import { nextCollection, openMetricStore, scrape, seriesValue } from '../helpers/metrics.js';
import type { MetricStore } from '../../src/metrics/index.js';

const GROUP = 'metrics-e2e';

/** The RESP bytes of a command as a client sends it. */
function respBytes(args: string[]): number {
  return Buffer.byteLength(`*${args.length}\r\n`) + args.reduce((a, s) => a + Buffer.byteLength(`$${Buffer.byteLength(s)}\r\n${s}\r\n`), 0);
}

async function sumOf(store: MetricStore, metricName: string, clusterId: string, fromMs: number, toMs: number): Promise<number> {
  const points = await store.query({
    metric: { namespace: 'AWS/ElastiCache', metricName, dimensions: [{ name: 'CacheClusterId', value: clusterId }, { name: 'CacheNodeId', value: '0001' }] },
    startMs: fromMs, endMs: toMs, periodS: 1,
  });
  return points.reduce((a, p) => a + p.stats.sum, 0);
}

async function latest(store: MetricStore, metricName: string, clusterId: string, atMs: number): Promise<number | undefined> {
  const points = await store.query({
    metric: { namespace: 'AWS/ElastiCache', metricName, dimensions: [{ name: 'CacheClusterId', value: clusterId }] },
    // The raw tier keeps points by the second.
    startMs: atMs - (atMs % 1000), endMs: atMs - (atMs % 1000) + 1000, periodS: 1,
  });
  return points[0]?.stats.maximum;
}

describe('metrics collected from a real group', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let group: ReplicationGroup;
  let primary: string;
  let store: MetricStore;
  const clients: Redis[] = [];
  const connect = async (): Promise<Redis> => {
    const ep = endpoint(group, 'PrimaryEndpoint');
    const c = new Redis({ host: ep.host, port: ep.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    clients.push(c);
    await c.connect();
    return c;
  };

  before(async () => {
    svc = await startService(cleanup, { args: ['--metrics-period-seconds', '1'] });
    group = await createGroup(svc.client, { ReplicationGroupId: GROUP, NumCacheClusters: 2 });
    primary = primaryOf(group);
    store = openMetricStore(svc.dataDir);
    cleanup.defer(() => store.close());
    cleanup.defer(() => { for (const c of clients) c.disconnect(); });
  });

  test('CacheHits, CacheMisses, CurrConnections and NetworkBytesIn move by what was sent', async () => {
    const client = await connect();
    const t1 = await nextCollection(svc.url, Date.now());
    const before = await scrape(svc.url);
    let sent = 0;
    const value = 'v'.repeat(1000);
    for (let i = 0; i < 50; i++) { await client.set(`k${i}`, value); sent += respBytes(['set', `k${i}`, value]); }
    for (let i = 0; i < 30; i++) { assert.equal(await client.get(`k${i}`), value); sent += respBytes(['get', `k${i}`]); }
    for (let i = 0; i < 20; i++) { assert.equal(await client.get(`missing${i}`), null); sent += respBytes(['get', `missing${i}`]); }
    for (let i = 0; i < 3; i++) await connect();
    const t2 = await nextCollection(svc.url, Date.now());
    const after = await scrape(svc.url);

    // Every collection in (t1, t2] counted a part; together, exactly what was sent.
    assert.equal(await sumOf(store, 'CacheHits', primary, t1 + 1, t2 + 1), 30);
    assert.equal(await sumOf(store, 'CacheMisses', primary, t1 + 1, t2 + 1), 20);
    assert.equal(await sumOf(store, 'GetTypeCmds', primary, t1 + 1, t2 + 1), 50);
    const bytesIn = await sumOf(store, 'NetworkBytesIn', primary, t1 + 1, t2 + 1);
    // Besides the test's bytes: the collector's INFO, health PINGs and the replica's REPLCONF ACKs (tens of bytes a second).
    assert.ok(bytesIn >= sent && bytesIn < sent + 4096, `NetworkBytesIn ${bytesIn} for ${sent} bytes sent`);
    const connsBefore = await latest(store, 'CurrConnections', primary, t1);
    const connsAfter = await latest(store, 'CurrConnections', primary, t2);
    assert.equal(connsAfter! - connsBefore!, 3, `CurrConnections ${connsBefore} → ${connsAfter}`);

    // The same counters in redis_exporter's names.
    const labels = { cache_cluster: primary, node: '0001', replication_group: GROUP, role: 'master' };
    assert.equal(seriesValue(after, 'redis_keyspace_hits_total', labels)! - seriesValue(before, 'redis_keyspace_hits_total', labels)!, 30);
    assert.equal(seriesValue(after, 'redis_keyspace_misses_total', labels)! - seriesValue(before, 'redis_keyspace_misses_total', labels)!, 20);
    assert.equal(seriesValue(after, 'redis_commands_total', { ...labels, cmd: 'set' })! - (seriesValue(before, 'redis_commands_total', { ...labels, cmd: 'set' }) ?? 0), 50);
    assert.equal(seriesValue(after, 'redis_up', labels), 1);
    assert.equal(seriesValue(after, 'redis_db_keys', { ...labels, db: 'db0' }), 50);
    assert.equal(seriesValue(after, 'redis_connected_slaves', labels), 1);
    assert.ok(seriesValue(after, 'cachefleet_api_request_duration_seconds_count', { status: '2xx' })! > 0);
    assert.ok(seriesValue(after, 'cachefleet_reconcile_pass_duration_seconds_count')! > 0);
    assert.ok(seriesValue(after, 'cachefleet_health_checks_total', { outcome: 'ok' })! > 0);
  });

  test('cachefleet top and cachefleet metrics print the group', async () => {
    const top = await run(process.execPath, [CLI, 'top', '--once', '--endpoint-url', svc.url], { timeoutMs: 30_000 });
    assert.equal(top.code, 0, top.stderr);
    assert.match(top.stdout, new RegExp(`${GROUP}\\s+${primary}\\s+0001\\s+primary`));
    assert.match(top.stdout, /nodes: 2 \(2 up\)/);
    const two = await run(process.execPath, [CLI, 'top', '--iterations', '2', '--interval-ms', '200', '--endpoint-url', svc.url], { timeoutMs: 30_000 });
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout.match(/cachefleet top - /g)?.length, 2);
    const m = await run(process.execPath, [CLI, 'metrics', GROUP, '--endpoint-url', svc.url], { timeoutMs: 30_000 });
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, new RegExp(`^METRIC\\s+.*${primary}`, 'm'));
    for (const metric of ['CurrConnections', 'BytesUsedForCache', 'IsMaster', 'FreeableMemory']) assert.match(m.stdout, new RegExp(`^${metric}\\s`, 'm'));
  });

  test('collection goes on after the control plane is killed and started again', async () => {
    await svc.kill9();
    await svc.restart();
    const client = clients[0]!;
    // The first collection after the start gives gauges; counters count from the next one on.
    const t1 = await nextCollection(svc.url, Date.now());
    const t1b = await nextCollection(svc.url, t1);
    for (let i = 0; i < 7; i++) await client.get(`k${i}`);
    const t2 = await nextCollection(svc.url, Date.now());
    assert.equal(await sumOf(store, 'CacheHits', primary, t1b + 1, t2 + 1), 7);
  });
});
