/**
 * The aws CLI backs up a cluster-mode group with TLS in transit, an AUTH token and encryption at
 * rest, then restores it into a new group of the same shape (each primary restarted on its own
 * shard's file) with its own token: ioredis's Cluster over TLS reads every key back, the replicas
 * hold their primaries' keys, and `redis-cli -c --tls` with the new token reads a key while the
 * old token is refused.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Cluster, Redis } from 'ioredis';
import { awsElastiCache, memberEndpoints } from '../helpers/cluster-mode.js';
import { useCleanup } from '../helpers/cleanup.js';
import { describeGroup, waitAvailable } from '../helpers/groups.js';
import { run } from '../helpers/e2e-exec.js';
import { startService, writeClientCa, type TestService } from '../helpers/service.js';
import { waitFor } from '../../src/util/wait.js';

const KEYS = 400;
const TOKEN = 'SourceAuthToken-0123456789';
const COPY_TOKEN = 'CopyAuthToken-9876543210';

describe('aws CLI: a TLS, AUTH-token, encrypted cluster-mode group backed up and restored into its own shape', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let ca: Buffer;
  let caFile: string;
  const expected = new Map<string, string>();

  const create = (id: string, token: string, ...more: string[]) => awsElastiCache(svc, 'create-replication-group',
    '--replication-group-id', id, '--replication-group-description', id, '--cache-node-type', 'cache.t3.micro',
    '--cache-parameter-group-name', 'default.redis7.cluster.on', '--num-node-groups', '2', '--replicas-per-node-group', '1',
    '--transit-encryption-enabled', '--at-rest-encryption-enabled', '--auth-token', token, ...more);

  const cluster = async (id: string, token: string): Promise<Cluster> => {
    const e = (await describeGroup(svc.client, id)).ConfigurationEndpoint!;
    const c = new Cluster([{ host: e.Address!, port: e.Port! }], {
      redisOptions: { tls: { ca }, password: token, connectTimeout: 5000 }, slotsRefreshTimeout: 5000,
    });
    c.on('error', () => undefined);
    cleanup.defer(() => c.disconnect());
    return c;
  };

  before(async () => {
    svc = await startService(cleanup);
    ({ ca, caFile } = await writeClientCa(svc));
    await create('tls-shop', TOKEN);
    await waitAvailable(svc.client, 'tls-shop', 120_000);
    const c = await cluster('tls-shop', TOKEN);
    for (let i = 0; i < KEYS; i++) {
      const key = `order:${i}`;
      if (i % 2 === 0) await c.set(key, `v${i}`, 'EX', 3600);
      else await c.hset(key, { total: String(i) });
      expected.set(key, i % 2 === 0 ? `v${i}` : String(i));
    }
  });

  test('the snapshot, then the restore: every key over TLS with the new token, replicas included', async () => {
    await awsElastiCache(svc, 'create-snapshot', '--replication-group-id', 'tls-shop', '--snapshot-name', 'tls-shop-snap');
    await waitFor(async () => (await awsElastiCache(svc, 'describe-snapshots', '--snapshot-name', 'tls-shop-snap')).Snapshots[0].SnapshotStatus === 'available',
      { timeoutMs: 60_000, intervalMs: 250, what: 'the snapshot to be available' });
    await create('tls-copy', COPY_TOKEN, '--snapshot-name', 'tls-shop-snap');
    const g = await waitAvailable(svc.client, 'tls-copy', 180_000);
    assert.equal(g.TransitEncryptionEnabled, true);
    assert.equal(g.AtRestEncryptionEnabled, true);

    const c = await cluster('tls-copy', COPY_TOKEN);
    for (const [key, value] of expected) {
      const got = Number(key.split(':')[1]) % 2 === 1 ? await c.hget(key, 'total') : await c.get(key);
      assert.equal(got, value, key);
    }
    assert.ok((await c.ttl('order:0')) > 3000, 'TTLs kept');
    const said = svc.logs.filter((l) => l.includes("restore into replication group 'tls-copy'"));
    assert.match(said.join('\n'), /by each shard's primary from its own file/, said.join('\n'));

    // Each node, over TLS with the new token: the primaries hold every key between them, each replica its primary's.
    const counts: Array<{ role: string; keys: number; shard: string }> = [];
    for (const ng of g.NodeGroups!) {
      const endpoints = await memberEndpoints(svc.client, { ...g, MemberClusters: ng.NodeGroupMembers!.map((m) => m.CacheClusterId!) });
      for (const ep of endpoints.values()) {
        const n = new Redis({ host: ep.address, port: ep.port, tls: { ca }, password: COPY_TOKEN, lazyConnect: true });
        try {
          await n.connect();
          counts.push({ role: String(await n.call('ROLE')).split(',')[0]!, keys: await n.dbsize(), shard: ng.NodeGroupId! });
        } finally { n.disconnect(); }
      }
    }
    assert.equal(counts.filter((x) => x.role === 'master').reduce((s, x) => s + x.keys, 0), KEYS, JSON.stringify(counts));
    for (const shard of new Set(counts.map((x) => x.shard))) {
      const [a, b] = counts.filter((x) => x.shard === shard);
      assert.equal(a!.keys, b!.keys, `node group ${shard}: the replica holds its primary's keys`);
    }

    // redis-cli -c --tls: the new token reads, the source's token is refused.
    const cfg = g.ConfigurationEndpoint!;
    const cli = (token: string) => run('redis-cli', ['-c', '--tls', '--cacert', caFile, '-h', cfg.Address!, '-p', String(cfg.Port!),
      '--no-auth-warning', '-a', token, 'GET', 'order:2'], { timeoutMs: 15_000 });
    assert.equal((await cli(COPY_TOKEN)).stdout.trim(), 'v2');
    assert.match(`${(await cli(TOKEN)).stdout}${(await cli(TOKEN)).stderr}`, /WRONGPASS|NOAUTH|invalid username-password/i);
  });
});
