/**
 * TransitEncryptionMode preferred and TLS turned on and off in place, end to end, as ElastiCache's
 * migration guide has it: a plaintext group goes to `preferred` (aws CLI) under a plaintext client
 * writing in a loop, which loses nothing; TLS and plaintext clients (redis-cli, ioredis, redis-py)
 * then both work on the primary, reader and node endpoints; `required` (JS SDK) under a TLS writer
 * that loses nothing, after which plaintext is refused and replication runs over TLS; and back to
 * preferred and off (boto3). Cluster mode: a group created in preferred mode serves ioredis Cluster
 * clients with and without TLS, then moves to required.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { CreateReplicationGroupCommand, ModifyReplicationGroupCommand, TestFailoverCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { adminCliArgs } from '../helpers/node-admin.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { describeGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import Database from 'better-sqlite3';
import { LoopWriter } from '../helpers/writer.js';
import { waitFor } from '../../src/util/wait.js';
import { boundConnector } from '../../src/engine/bound-connector.js';

const GROUP = 'migrating';
const settled = (g: ReplicationGroup) => Object.keys(g.PendingModifiedValues ?? {}).length === 0;

describe('TLS in transit turned on and off in place (TransitEncryptionMode preferred)', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;
  let group: ReplicationGroup;
  const clients: Redis[] = [];

  const client = (host: string, port: number, tls: boolean, extra: RedisOptions = {}): Redis => {
    const r = new Redis({
      host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000,
      ...(tls ? { tls: { ca } } : {}), ...extra,
    });
    r.on('error', () => undefined);
    clients.push(r);
    return r;
  };
  /** PING from a new connection of this kind: 'PONG', or why not. */
  const ping = async (host: string, port: number, tls: boolean, extra: RedisOptions = {}): Promise<string> => {
    const r = client(host, port, tls, extra);
    try {
      await r.connect();
      return String(await r.ping());
    } catch (e) {
      return `refused: ${(e as Error).message}`;
    } finally {
      r.disconnect();
    }
  };
  const cli = async (host: string, port: number, tls: boolean, ...args: string[]) => {
    const r = await run('redis-cli', [...(tls ? ['--tls', '--cacert', caFile] : []), '-h', host, '-p', String(port), ...args], { timeoutMs: 10_000 });
    return `${r.stdout}${r.stderr}`.trim();
  };
  const aws = async (...args: string[]) => {
    const r = await run('aws', ['elasticache', ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  };
  /** Every address a client can use: both endpoints and every node. */
  const addresses = (g: ReplicationGroup) => [endpoint(g, 'PrimaryEndpoint'), endpoint(g, 'ReaderEndpoint'),
    ...members(g).map((m) => ({ host: m.ReadEndpoint!.Address!, port: m.ReadEndpoint!.Port! }))];

  before(async () => {
    svc = await startService(cleanup);
    ({ caFile, ca } = await writeClientCa(svc));
  });
  after(() => { for (const c of clients) c.disconnect(); });

  test('plaintext → preferred (aws CLI) under a plaintext writer: nothing lost, then TLS and plaintext both served everywhere', async () => {
    await aws('create-replication-group', '--replication-group-id', GROUP, '--replication-group-description', 'moving to TLS',
      '--engine', 'redis', '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '3', '--automatic-failover-enabled');
    group = await waitAvailable(svc.client, GROUP, 30_000);
    const primary = endpoint(group, 'PrimaryEndpoint');
    const writer = new LoopWriter(primary.host, primary.port, 'plain');
    await waitFor(() => writer.report.acknowledged > 200, { what: 'plaintext writes before the change' });

    const modified = (await aws('modify-replication-group', '--replication-group-id', GROUP, '--transit-encryption-enabled',
      '--transit-encryption-mode', 'preferred', '--apply-immediately')).ReplicationGroup;
    assert.equal(modified.Status, 'modifying');
    assert.equal(modified.PendingModifiedValues.TransitEncryptionMode, 'preferred');
    group = await waitAvailable(svc.client, GROUP, 30_000, settled);
    assert.equal(group.TransitEncryptionEnabled, true);
    assert.equal(group.TransitEncryptionMode, 'preferred');
    const before = writer.report.acknowledged;
    await waitFor(() => writer.report.acknowledged > before + 200, { what: 'plaintext writes after the change' });
    const closes = writer.report.closes;
    const report = await writer.stop();
    assert.deepEqual(report.errorKinds, [], 'no write failed');
    assert.equal(closes, 0, 'the plaintext connection was never dropped');

    for (const a of addresses(group)) {
      assert.equal(await ping(a.host, a.port, false), 'PONG', `plaintext at ${a.host}:${a.port}`);
      assert.equal(await ping(a.host, a.port, true), 'PONG', `TLS at ${a.host}:${a.port}`);
    }
    assert.equal(await cli(primary.host, primary.port, true, 'set', 'k', 'tls'), 'OK');
    assert.equal(await cli(primary.host, primary.port, false, 'get', 'k'), 'tls');
    const reader = endpoint(group, 'ReaderEndpoint');
    await waitFor(async () => (await cli(reader.host, reader.port, true, 'get', 'k')) === 'tls', { what: 'the write on a replica, read over TLS' });
    const py = [
      'import redis, sys',
      'r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), ssl=True, ssl_ca_certs=sys.argv[3], ssl_cert_reqs="required")',
      'p = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))',
      'print(r.get("k").decode(), p.get("k").decode())',
    ].join('\n');
    const redisPy = await pythonWith('redis');
    assert.ok(redisPy, "no Python with redis-py (Debian's python3-redis)");
    assert.equal((await runOk(redisPy, ['-c', py, primary.host, String(primary.port), caFile])).stdout.trim(), 'tls tls');
    // Every acknowledged plaintext write is there.
    const check = client(primary.host, primary.port, true);
    await check.connect();
    const keys = [...report.acked.keys()];
    assert.equal((await check.mget(...keys)).filter((v) => v === null).length, 0);
  });

  test('preferred → required (JS SDK) under a TLS writer: nothing lost; plaintext refused; replication over TLS', async () => {
    const primary = endpoint(group, 'PrimaryEndpoint');
    const writer = new LoopWriter(primary.host, primary.port, 'tls', { tls: { ca } });
    const plainIdle = client(primary.host, primary.port, false);
    await plainIdle.connect();
    await waitFor(() => writer.report.acknowledged > 200, { what: 'TLS writes before the change' });
    const out = await svc.client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: GROUP, TransitEncryptionMode: 'required', ApplyImmediately: true }));
    assert.equal(out.ReplicationGroup!.PendingModifiedValues?.TransitEncryptionMode, 'required');
    group = await waitAvailable(svc.client, GROUP, 30_000, settled);
    assert.equal(group.TransitEncryptionMode, 'required');
    const before = writer.report.acknowledged;
    await waitFor(() => writer.report.acknowledged > before + 200, { what: 'TLS writes after the change' });
    const closes = writer.report.closes;
    const report = await writer.stop();
    assert.deepEqual(report.errorKinds, [], 'no write failed');
    assert.equal(closes, 0, 'the TLS connection was never dropped');
    await waitFor(() => plainIdle.status === 'end', { timeoutMs: 5000, what: 'the idle plaintext connection to be closed' });

    for (const a of addresses(group)) {
      assert.match(await ping(a.host, a.port, false), /^refused/, `plaintext at ${a.host}:${a.port}`);
      assert.equal(await ping(a.host, a.port, true), 'PONG', `TLS at ${a.host}:${a.port}`);
    }
    for (const m of members(group)) {
      const e = m.ReadEndpoint!;
      assert.equal(await cli(e.Address!, e.Port!, true, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'tls-replication'), 'tls-replication\nyes');
      if (m.CurrentRole === 'replica') assert.match(await cli(e.Address!, e.Port!, true, 'info', 'replication'), /master_link_status:up/);
    }
    const check = client(primary.host, primary.port, true);
    await check.connect();
    assert.equal((await check.mget(...report.acked.keys())).filter((v) => v === null).length, 0);
  });

  test('required → preferred → off (boto3): plaintext back, then TLS gone', async () => {
    const py = (mode: string) => [
      'import boto3, sys',
      `c = boto3.client("elasticache", endpoint_url=sys.argv[1], region_name="us-east-1")`,
      mode === 'off'
        ? `c.modify_replication_group(ReplicationGroupId="${GROUP}", TransitEncryptionEnabled=False, ApplyImmediately=True)`
        : `c.modify_replication_group(ReplicationGroupId="${GROUP}", TransitEncryptionEnabled=True, TransitEncryptionMode="${mode}", ApplyImmediately=True)`,
    ].join('\n');
    const boto = await pythonWith('boto3');
    assert.ok(boto, 'no Python with boto3 (tried python3 and /usr/bin/python3)');
    await runOk(boto, ['-c', py('preferred'), svc.url], { env: svc.env });
    group = await waitAvailable(svc.client, GROUP, 30_000, (g) => settled(g) && g.TransitEncryptionMode === 'preferred');
    const primary = endpoint(group, 'PrimaryEndpoint');
    const tlsKept = client(primary.host, primary.port, true);
    await tlsKept.connect();
    for (const a of addresses(group)) assert.equal(await ping(a.host, a.port, false), 'PONG', `plaintext at ${a.host}:${a.port}`);

    await runOk(boto, ['-c', py('off'), svc.url], { env: svc.env });
    group = await waitAvailable(svc.client, GROUP, 30_000, (g) => settled(g) && g.TransitEncryptionEnabled === false);
    assert.equal(group.TransitEncryptionMode, undefined);
    for (const a of addresses(group)) {
      assert.equal(await ping(a.host, a.port, false), 'PONG', `plaintext at ${a.host}:${a.port}`);
      assert.match(await ping(a.host, a.port, true), /^refused/, `TLS at ${a.host}:${a.port}`);
    }
    assert.equal(await cli(primary.host, primary.port, false, 'get', 'k'), 'tls', 'the data set is the one from the start');
  });

  test('cluster mode created in preferred: ioredis Cluster with and without TLS; then required', { timeout: 120_000 }, async () => {
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'pref-shards', ReplicationGroupDescription: 'sharded, preferred TLS', NumNodeGroups: 2, ReplicasPerNodeGroup: 1,
      CacheNodeType: 'cache.t3.micro', CacheParameterGroupName: 'default.redis7.cluster.on',
      TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred',
    }));
    let g = await waitAvailable(svc.client, 'pref-shards', 60_000);
    assert.equal(g.TransitEncryptionMode, 'preferred');
    const cfg = { host: g.ConfigurationEndpoint!.Address!, port: g.ConfigurationEndpoint!.Port! };
    const plain = new Cluster([cfg], { redisOptions: { connectTimeout: 2000 } });
    const secure = new Cluster([cfg], { redisOptions: { tls: { ca }, connectTimeout: 2000 } });
    for (const c of [plain, secure]) c.on('error', () => undefined);
    try {
      for (let i = 0; i < 200; i++) await (i % 2 ? plain : secure).set(`ck:${i}`, String(i));
      const read = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? secure : plain).get(`ck:${i}`)));
      assert.deepEqual(read, Array.from({ length: 200 }, (_, i) => String(i)), 'keys on every shard, written and read both ways');

      await svc.client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: 'pref-shards', TransitEncryptionMode: 'required', ApplyImmediately: true }));
      g = await waitAvailable(svc.client, 'pref-shards', 60_000, (x) => settled(x) && x.TransitEncryptionMode === 'required');
      const values = await Promise.all(Array.from({ length: 200 }, (_, i) => secure.get(`ck:${i}`)));
      assert.deepEqual(values, Array.from({ length: 200 }, (_, i) => String(i)), 'the TLS cluster client reads every key after the change');
      assert.match(await ping(cfg.host, cfg.port, false), /^refused/);
      assert.match(await cli(cfg.host, cfg.port, true, 'cluster', 'info'), /cluster_state:ok/);
    } finally {
      plain.disconnect();
      secure.disconnect();
    }
    assert.equal((await describeGroup(svc.client, 'pref-shards')).Status, 'available');
  });

  test('preferred behind a security group: outsiders refused both ways everywhere; a failover keeps both kinds of client served', async () => {
    const ec2 = async (...args: string[]) => {
      const r = await run('aws', ['ec2', ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    };
    const sg = (await ec2('create-security-group', '--group-name', 'app-only', '--description', 'the app host')).GroupId;
    await ec2('authorize-security-group-ingress', '--group-id', sg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.1/32');
    await aws('create-replication-group', '--replication-group-id', 'pref-guarded', '--replication-group-description', 'guarded',
      '--engine', 'redis', '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '2', '--automatic-failover-enabled',
      '--security-group-ids', sg, '--transit-encryption-enabled', '--transit-encryption-mode', 'preferred');
    let g = await waitAvailable(svc.client, 'pref-guarded', 30_000);
    const outsider: RedisOptions = { Connector: boundConnector('127.0.0.51') };
    for (const a of addresses(g)) {
      for (const tls of [false, true]) {
        assert.equal(await ping(a.host, a.port, tls), 'PONG', `127.0.0.1 ${tls ? 'TLS' : 'plaintext'} → ${a.host}:${a.port}`);
        assert.match(await ping(a.host, a.port, tls, outsider), /^refused/, `outsider ${tls ? 'TLS' : 'plaintext'} → ${a.host}:${a.port}`);
      }
    }
    const before = primaryOf(g);
    await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: 'pref-guarded', NodeGroupId: '0001' }));
    g = await waitAvailable(svc.client, 'pref-guarded', 30_000, (x) => primaryOf(x) !== before);
    const primary = endpoint(g, 'PrimaryEndpoint');
    for (const tls of [false, true]) {
      const r = client(primary.host, primary.port, tls);
      await waitFor(async () => (await r.connect().then(() => r.set('after-failover', '1'), () => 'no').catch(() => 'no')) === 'OK' || (r.disconnect(), false),
        { timeoutMs: 10_000, what: `a ${tls ? 'TLS' : 'plaintext'} write through the primary endpoint after the failover` });
      assert.match(String(await r.info('replication')), /role:master/);
    }
    // The control plane dies and comes back: connections of both kinds carry on, and it adopts the mode the nodes serve.
    const kept = [client(primary.host, primary.port, false), client(primary.host, primary.port, true)];
    for (const r of kept) await r.connect();
    await svc.kill9();
    for (const r of kept) assert.equal(await r.incr('across-restart'), kept.indexOf(r) + 1);
    await svc.restart();
    g = await waitAvailable(svc.client, 'pref-guarded', 30_000, settled);
    assert.equal(g.TransitEncryptionMode, 'preferred');
    for (const r of kept) assert.equal(await r.ping(), 'PONG');
    for (const tls of [false, true]) assert.equal(await ping(primary.host, primary.port, tls), 'PONG');
  });

  test('a control plane that stopped in the middle of a mode change finds the mode the nodes really serve and finishes it', async () => {
    const pids = await Promise.all(['pref-guarded-001', 'pref-guarded-002'].map((id) => nodePid(svc.dataDir, id)));
    await svc.kill9();
    // As if it had recorded the nodes as switched to required before it could switch them.
    const db = new Database(join(svc.dataDir, 'state.db'));
    try {
      // The desired mode in the spec records, the nodes' mode in the clusters' status records.
      const rows = db.prepare(`SELECT kind, id, doc FROM records WHERE (kind IN ('cacheCluster', 'cacheClusterStatus') AND id LIKE 'pref-guarded-%')
        OR (kind = 'replicationGroup' AND id = 'pref-guarded')`).all() as { kind: string; id: string; doc: string }[];
      assert.equal(rows.length, 5);
      for (const r of rows) {
        const doc = JSON.parse(r.doc) as { transitEncryptionMode?: string; nodes?: Record<string, { transit?: string }> };
        if (r.kind === 'cacheClusterStatus') for (const n of Object.values(doc.nodes ?? {})) n.transit = 'required';
        else doc.transitEncryptionMode = 'required';
        db.prepare('UPDATE records SET doc = ? WHERE kind = ? AND id = ?').run(JSON.stringify(doc), r.kind, r.id);
      }
    } finally {
      db.close();
    }
    await svc.restart();
    // The records already say `required` (and `available`): what tells is the nodes being switched.
    const switched = () => svc.logs.filter((l) => l.includes('TLS in transit mode changed live') && l.includes('pref-guarded-')).length;
    await waitFor(() => switched() >= 2, { timeoutMs: 30_000, what: 'both nodes switched to required' });
    const g = await waitAvailable(svc.client, 'pref-guarded', 30_000, (x) => settled(x) && x.TransitEncryptionMode === 'required');
    for (const a of addresses(g)) {
      assert.equal(await ping(a.host, a.port, true), 'PONG', `TLS at ${a.host}:${a.port}`);
      assert.match(await ping(a.host, a.port, false), /^refused/, `plaintext at ${a.host}:${a.port}`);
    }
    assert.deepEqual(await Promise.all(['pref-guarded-001', 'pref-guarded-002'].map((id) => nodePid(svc.dataDir, id))), pids, 'no node was restarted');
    assert.ok(svc.logs.some((l) => l.includes('node found serving another TLS mode than recorded')));
  });
});
