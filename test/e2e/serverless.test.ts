/**
 * Serverless caches end to end: created with the aws CLI, boto3 and the JS SDK against the running
 * service; each gets its endpoint (6379) and reader endpoint (6380) and a hidden backing Redis
 * Cluster whose nodes run ElastiCache Serverless's fixed configuration and lock the `default` user
 * to the endpoint's login; `cachefleet usage` reports on them; a serverless snapshot restores into a
 * new cache with the data; a user group's users are the nodes' ACL.
 *
 * The endpoint engine (dist/src/serverless/proxy/main.js) is built separately. Without it, the
 * service runs a stand-in (reconciler/serverless/standin-engine.ts: the contract's files, no
 * clients served), so everything but client traffic is still checked: describe until available,
 * the login the endpoint uses live on the backing nodes, kill -9 of the control plane and adoption
 * of the running engine after the restart (same pid), and deletion. The ioredis Cluster over TLS
 * through the endpoint runs only with the real engine, and is skipped saying so otherwise.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateServerlessCacheCommand, CreateServerlessCacheSnapshotCommand, CreateUserCommand, DescribeServerlessCacheSnapshotsCommand, CreateUserGroupCommand, DeleteServerlessCacheCommand, DescribeUserGroupsCommand, DescribeEventsCommand, DescribeReplicationGroupsCommand,
  DescribeServerlessCachesCommand, type ServerlessCache,
} from '@aws-sdk/client-elasticache';
import { Cluster } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk } from '../helpers/e2e-exec.js';
import { ADMIN_USER, adminSecret } from '../helpers/node-admin.js';
import { nodeDirs, tryConnect } from '../helpers/e2e-nodes.js';
import { backingNode, callFrom, managementAddress } from '../helpers/backing.js';
import { waitFor } from '../../src/util/wait.js';
import { openFilesRaiser } from '../../src/reconciler/serverless/engine-process.js';
import { STANDIN_ENGINE_SOURCE } from '../../src/reconciler/serverless/standin-engine.js';
import { GB } from '../../src/resources/serverless-scaling.js';
import { readWorkerUsage } from '../../src/reconciler/serverless/engine-process.js';
import { DEFAULT_COMPUTE_ECPU, parseCommandStats } from '../../src/reconciler/serverless/compute-ecpu.js';
import { ecpuOf } from '../../src/serverless/proxy/metering.js';
import { usageReport } from '../../src/cli/usage-report.js';

const round3 = (x: number) => Math.round(x * 1000) / 1000;

const ENGINE = join(CLI, '..', '..', 'dist', 'src', 'serverless', 'proxy', 'main.js');
const engineInstalled = existsSync(ENGINE);
const NAMES = ['cli-cache', 'py-cache', 'js-cache', 'rbac-cache', 'full-cache'];
const APP_PW = 'serverless-app-password-1';

const BOTO3 = `
import sys, json, boto3
c = boto3.client('elasticache', endpoint_url=sys.argv[1], region_name='us-east-1')
r = c.create_serverless_cache(ServerlessCacheName='py-cache', Engine='redis', MajorEngineVersion='7',
    CacheUsageLimits={'DataStorage': {'Maximum': 5, 'Unit': 'GB'}}, Tags=[{'Key': 'from', 'Value': 'boto3'}])
try:
    c.create_serverless_cache(ServerlessCacheName='py-cache', Engine='redis')
    print('no error'); sys.exit(1)
except c.exceptions.ServerlessCacheAlreadyExistsFault:
    pass
print(json.dumps({'Status': r['ServerlessCache']['Status'], 'Port': r['ServerlessCache']['Endpoint']['Port']}))
`;

describe('serverless caches', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  /** The client through the endpoint (real engine only) and what it saw go wrong. */
  let clusterClient: Cluster | undefined;
  const dropped: string[] = [];

  async function aws(...args: string[]): Promise<any> {
    const r = await run('aws', ['elasticache', ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`aws elasticache ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  }

  async function describeCache(name: string): Promise<ServerlessCache> {
    return (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: name }))).ServerlessCaches![0]!;
  }

  before(async () => {
    let args: string[] = [];
    if (!engineInstalled) {
      const standin = join(await cleanup.tmpDir('cachefleet-standin-'), 'main.js');
      await writeFile(standin, STANDIN_ENGINE_SOURCE);
      args = ['--serverless-engine', standin];
    }
    // The autoscaler evaluates often and BytesUsedForCache is sampled every 2 s (full-cache is watched
    // at its maximum); ECPU/s never scales out here, so only memory (and the limits) decide.
    args.push('--serverless-scaling-interval-ms', '500', '--metrics-period-seconds', '2', '--serverless-scale-out-ecpu', '100000000');
    svc = await startService(cleanup, { args });
  });

  test('create with the aws CLI, boto3 and the JS SDK: creating, endpoints on 6379 and 6380, the serverless ARN', async () => {
    const fromCli = (await aws('create-serverless-cache', '--serverless-cache-name', 'cli-cache', '--engine', 'redis',
      '--cache-usage-limits', 'DataStorage={Maximum=10,Unit=GB},ECPUPerSecond={Maximum=5000}')).ServerlessCache;
    assert.equal(fromCli.Status, 'creating');
    assert.deepEqual(fromCli.CacheUsageLimits, { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Maximum: 5000 } });

    const py = await pythonWith('boto3');
    assert.ok(py, 'a Python with boto3');
    const script = join(svc.dataDir, 'create.py');
    await writeFile(script, BOTO3);
    const fromPy = JSON.parse((await runOk(py, [script, svc.url], { env: svc.env, timeoutMs: 60_000 })).stdout) as { Status: string; Port: number };
    assert.deepEqual(fromPy, { Status: 'creating', Port: 6379 });

    const fromJs = (await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'js-cache', Engine: 'redis', Description: 'js' }))).ServerlessCache!;
    assert.equal(fromJs.ARN, 'arn:aws:elasticache:us-east-1:' + fromJs.ARN!.split(':')[4] + ':serverlesscache:js-cache');

    // Role-based access control: a user group's users log in through the endpoint (and on the backing nodes).
    await svc.client.send(new CreateUserCommand({ UserId: 'sl-app', UserName: 'app', Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [APP_PW] }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: 'sl-users', Engine: 'redis', UserIds: ['default', 'sl-app'] }));
    await waitFor(async () => (await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: 'sl-users' }))).UserGroups![0]!.Status === 'active',
      { timeoutMs: 10_000, what: 'the user group to be active' });
    await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'rbac-cache', Engine: 'redis', UserGroupId: 'sl-users' }));
    // The API's least DataStorage maximum (1 GB): filled to it later through its endpoint.
    await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'full-cache', Engine: 'redis', CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' } } }));
    assert.deepEqual((await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: 'sl-users' }))).UserGroups![0]!.ServerlessCaches, ['rbac-cache']);

    const all = (await aws('describe-serverless-caches')).ServerlessCaches as ServerlessCache[];
    assert.deepEqual(all.map((c) => c.ServerlessCacheName).sort(), [...NAMES].sort());
    for (const c of all) {
      assert.equal(c.Endpoint!.Port, 6379);
      assert.equal(c.ReaderEndpoint!.Port, 6380);
      assert.equal(c.Endpoint!.Address, c.ReaderEndpoint!.Address);
    }
    assert.equal(new Set(all.map((c) => c.Endpoint!.Address)).size, NAMES.length, 'an address each');
    // The backing groups are the service's, not the customer's.
    assert.deepEqual((await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups, []);
  });

  test('describe until available; the backing Redis Cluster runs the fixed configuration, its default user the endpoint\'s login', async () => {
    await waitFor(async () => (await Promise.all(NAMES.map(describeCache))).every((c) => c.Status === 'available'),
      { timeoutMs: 45_000, intervalMs: 250, what: 'every cache to be available' });

    const keys = (await nodeDirs(svc.dataDir)).filter((k) => k.startsWith('serverless--cli-cache-'));
    assert.equal(keys.length, 2, 'a primary and a replica');
    const node = await backingNode(svc.dataDir, 'cli-cache');
    const from = await managementAddress(svc.dataDir, 'cli-cache');
    const admin = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
    // Clients reach the cache through its endpoint alone: a backing node admits the service only.
    assert.equal(await tryConnect(node.address, node.port, 2000), 'ECONNREFUSED', 'a backing node refuses a client that is not the service');
    assert.deepEqual(await callFrom(from, node, ['CONFIG', 'GET', 'maxmemory-policy'], admin), ['maxmemory-policy', 'volatile-lru']);
    assert.match(String(await callFrom(from, node, ['CLUSTER', 'INFO'], admin)), /cluster_state:ok/);
    // The customer's `default` user on the nodes has a password only the endpoint knows.
    await assert.rejects(callFrom(from, node, ['PING']), /NOAUTH|WRONGPASS/);
    const dir = join(svc.dataDir, 'serverless', 'cli-cache');
    const config = JSON.parse(await readFile(join(dir, 'proxy.json'), 'utf8'));
    assert.equal(config.seeds.length, 2);
    assert.equal(config.limits.ecpuPerSecondMax, 5000);
    assert.equal(config.auth.mode, 'default');
    const login = { user: 'default', password: (await readFile(config.auth.defaultLogin.passwordFile, 'utf8')).trim() };
    assert.equal(await callFrom(from, node, ['PING'], login), 'PONG');
    await assert.rejects(callFrom(from, node, ['CONFIG', 'GET', 'maxmemory'], login), /NOPERM/);
    assert.ok(existsSync(config.tls.certFile), 'the endpoint\'s certificate from the service\'s CA');

    // With a user group, its users are the backing nodes' ACL, and the endpoint checks logins against them.
    const rbacNode = await backingNode(svc.dataDir, 'rbac-cache');
    assert.equal(await callFrom(from, rbacNode, ['PING'], { user: 'app', password: APP_PW }), 'PONG');
    const rbacConfig = JSON.parse(await readFile(join(svc.dataDir, 'serverless', 'rbac-cache', 'proxy.json'), 'utf8'));
    assert.deepEqual(rbacConfig.auth, { mode: 'user-group' });

    const usage = JSON.parse((await runOk(process.execPath, [CLI, 'usage', 'cli-cache', '--data-dir', svc.dataDir, '--json'])).stdout);
    assert.equal(usage.ServerlessCacheName, 'cli-cache');
    assert.equal(usage.Status, 'available');
    assert.equal(typeof usage.ECPUs, 'number');
    if (!engineInstalled) assert.equal(usage.ECPUs, 5, "the stand-in's counters");
    assert.equal(usage.Shards, 1, 'one shard: the autoscaler has had no reason to scale');
  });

  test('a serverless snapshot, and a new cache restored from it, with the data', async () => {
    const admin = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
    const from = await managementAddress(svc.dataDir, 'py-cache');
    const source = await backingNode(svc.dataDir, 'py-cache');
    assert.equal(await callFrom(from, source, ['SET', 'kept', 'across-the-snapshot'], admin), 'OK');
    const snap = (await svc.client.send(new CreateServerlessCacheSnapshotCommand({ ServerlessCacheName: 'py-cache', ServerlessCacheSnapshotName: 'py-snap' }))).ServerlessCacheSnapshot!;
    assert.equal(snap.Status, 'creating');
    await waitFor(async () => (await svc.client.send(new DescribeServerlessCacheSnapshotsCommand({ ServerlessCacheSnapshotName: 'py-snap' })))
      .ServerlessCacheSnapshots![0]!.Status === 'available', { timeoutMs: 20_000, intervalMs: 250, what: 'the snapshot' });
    await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'restored', Engine: 'redis', SnapshotArnsToRestore: [snap.ARN!] }));
    await waitFor(async () => (await describeCache('restored')).Status === 'available', { timeoutMs: 30_000, intervalMs: 250, what: 'the restored cache' });
    const restored = await backingNode(svc.dataDir, 'restored');
    assert.equal(await callFrom(from, restored, ['GET', 'kept'], admin), 'across-the-snapshot');
  });

  test('through the endpoint: ioredis Cluster over TLS', {
    skip: engineInstalled ? false : `the serverless endpoint engine is not built (${ENGINE} is missing); the merger runs this part`,
  }, async () => {
    const cache = await describeCache('js-cache');
    const { ca } = await writeClientCa(svc);
    const client = new Cluster([{ host: cache.Endpoint!.Address!, port: cache.Endpoint!.Port! }], {
      redisOptions: { tls: { ca } }, dnsLookup: (a, cb) => cb(null, a), enableOfflineQueue: false,
    });
    clusterClient = client;
    cleanup.defer(() => client.disconnect());
    client.on('node-error', (e) => dropped.push(String(e)));
    await waitFor(() => client.status === 'ready', { timeoutMs: 10_000, what: 'the cluster client' });
    await client.set('{k}a', '1');
    assert.equal(await client.get('{k}a'), '1');
  });

  test('metered through the endpoint: simple GETs exactly by size; a CPU-heavy EVAL by its CPU time, far beyond its size', {
    skip: engineInstalled ? false : `the serverless endpoint engine is not built (${ENGINE} is missing)`,
  }, async (t) => {
    const client = clusterClient!;
    const dir = join(svc.dataDir, 'serverless', 'js-cache');
    const usage = async () => JSON.parse((await runOk(process.execPath, [CLI, 'usage', 'js-cache', '--data-dir', svc.dataDir, '--json'])).stdout);
    // Everything sent so far counted: the workers' counters rewritten and the nodes sampled (every 2 s) since.
    const settled = async () => {
      const after = Date.now();
      // Polled through the function `cachefleet usage` prints; the command itself reads the result.
      await waitFor(async () => Date.parse((await usageReport(svc.dataDir, 'js-cache')).SampledAt ?? '') > after && readWorkerUsage(dir).every((w) => Date.parse(w.writtenAt) > after),
        { timeoutMs: 15_000, intervalMs: 200, what: 'a usage sample after the commands' });
      return usage();
    };
    const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`.length;
    const value = 'v'.repeat(3000);
    await client.set('{m}value', value);
    const before = await settled();
    for (let i = 0; i < 100; i++) assert.equal(await client.get('{m}value'), value);
    const afterGets = await settled();
    // 100 × (request + `$3000\r\n…\r\n`) / 1024: exactly, nothing for CPU.
    const byteEcpus = 100 * ecpuOf(resp('get', '{m}value'), value.length + 9);
    assert.ok(Math.abs(afterGets.ECPUs - before.ECPUs - byteEcpus) < 0.002, `GETs: ${afterGets.ECPUs - before.ECPUs} ECPUs, by size ${byteEcpus}`);
    assert.equal(afterGets.ComputeECPUs, before.ComputeECPUs);

    // A Lua loop (3 × 3M iterations): a few hundred bytes, tens of milliseconds of the node's CPU.
    const from = await managementAddress(svc.dataDir, 'js-cache');
    const primary = await backingNode(svc.dataDir, 'js-cache');
    const admin = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
    const evalStats = async () => parseCommandStats(String(await callFrom(from, primary, ['INFO', 'commandstats'], admin))).commands.eval ?? { calls: 0, usec: 0 };
    const script = 'local n = 0 for i = 1, tonumber(ARGV[1]) do n = n + i end return n';
    const stats0 = await evalStats();
    for (let i = 0; i < 3; i++) assert.equal(await client.eval(script, 1, '{m}x', '3000000'), 4500001500000);
    const stats1 = await evalStats();
    const afterEval = await settled();
    const compute = afterEval.ComputeECPUs - afterGets.ComputeECPUs;
    const bytes = afterEval.ECPUs - afterGets.ECPUs - compute;
    // The rule with the fixed baseline (no GET/SET in that period): the EVALs' microseconds beyond a simple call's, over a request's.
    const expected = (stats1.usec - stats0.usec - 3 * DEFAULT_COMPUTE_ECPU.simpleUsec) / DEFAULT_COMPUTE_ECPU.requestUsec;
    t.diagnostic(`3 EVALs: ${stats1.usec - stats0.usec} µs on the node, ${round3(compute)} ECPUs for CPU, ${round3(bytes)} by size`);
    assert.equal(stats1.calls - stats0.calls, 3);
    assert.ok(Math.abs(compute - expected) < 0.01, `${compute} ECPUs for CPU, ${expected} by the rule`);
    assert.ok(Math.abs(bytes - 3) < 0.01, `by size: ${bytes} (1 ECPU an EVAL)`);
    assert.ok(compute > 100 * bytes, 'a CPU-heavy command costs far more than its size');
  });

  test('filled through its endpoint to its DataStorage maximum (1 GB): keys with a TTL are evicted first, then writes get OOM; reads go on, no shard added', {
    skip: engineInstalled ? false : `the serverless endpoint engine is not built (${ENGINE} is missing)`,
  }, async (t) => {
    const started = performance.now();
    const from = await managementAddress(svc.dataDir, 'full-cache');
    const primary = await backingNode(svc.dataDir, 'full-cache');
    const admin = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
    const onPrimary = (...args: string[]) => callFrom(from, primary, args, admin);
    // The maximum binds: the one shard's maxmemory is 1 GB, not its capacity (a cache.m7g.large's, several GB).
    assert.equal((await onPrimary('CONFIG', 'GET', 'maxmemory') as string[])[1], String(GB));
    const cache = await describeCache('full-cache');
    const { ca } = await writeClientCa(svc);
    const client = new Cluster([{ host: cache.Endpoint!.Address!, port: cache.Endpoint!.Port! }], {
      redisOptions: { tls: { ca } }, dnsLookup: (a, cb) => cb(null, a), enableOfflineQueue: false,
    });
    cleanup.defer(() => client.disconnect());
    client.on('error', () => undefined);
    await waitFor(() => client.status === 'ready', { timeoutMs: 10_000, what: 'the cluster client' });

    // Values just under 8 MiB: about 128 SETs hold the maximum (each big bulk string goes whole through
    // the endpoint). Redis keeps a big argument's query buffer as the value, and 8 MiB + its header
    // would take jemalloc's next size class (10 MiB): 20% of the maximum unseen by the data.
    const value = Buffer.alloc(8 * 1024 * 1024 - 1024, 'v');
    const volatile = ['ttl:1', 'ttl:2', 'ttl:3', 'ttl:4'];
    for (const k of volatile) assert.equal(await client.set(k, value, 'EX', 3600), 'OK');
    const kept: number[] = [];
    let oom: Error | undefined;
    for (let i = 0; oom === undefined && i < 256; i += 4) {
      const outcomes = await Promise.allSettled([i, i + 1, i + 2, i + 3].map((n) => client.set(`fill:${n}`, value)));
      outcomes.forEach((o, k) => { if (o.status === 'fulfilled') kept.push(i + k); else oom ??= o.reason as Error; });
    }
    const oomAt = Date.now();
    assert.ok(oom, 'a write failed before 2 GB were written');
    assert.match(oom.message, /^OOM command not allowed when used memory > 'maxmemory'/, 'Redis\'s own error, through the endpoint');
    // volatile-lru: the keys with a TTL went first, and only they (every key without one is there).
    assert.deepEqual(await Promise.all(volatile.map((k) => client.exists(k))), [0, 0, 0, 0]);
    assert.equal(/evicted_keys:(\d+)/.exec(String(await onPrimary('INFO', 'stats')))![1], String(volatile.length));
    assert.ok((await Promise.all(kept.map((n) => client.exists(`fill:${n}`)))).every((x) => x === 1), 'every key written without a TTL kept');
    // Refused at the maximum: the memory Redis counts against maxmemory (all but the replicas' buffers)
    // is at it; the data is less by the node's own overhead.
    const memory = String(await onPrimary('INFO', 'memory'));
    const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(memory)![1]);
    const counted = field('used_memory') - field('mem_not_counted_for_evict');
    t.diagnostic(`at OOM: ${kept.length} × 8 MB; used_memory ${field('used_memory')}, dataset ${field('used_memory_dataset')}, not counted ${field('mem_not_counted_for_evict')}, overhead ${field('used_memory_overhead')}`);
    assert.ok(counted > 0.95 * GB, `${counted} bytes counted against maxmemory at the OOM`);
    assert.ok(kept.length * value.length > 0.9 * GB && kept.length * value.length <= GB, `${kept.length} values of 8 MB held: the maximum, not less`);
    // Reads go on at the maximum; a key deleted makes room for writes again.
    assert.ok((await client.getBuffer(`fill:${kept[0]}`))!.equals(value));
    assert.equal(await client.del(`fill:${kept[0]}`), 1);
    assert.equal(await client.set('small', 'fits again'), 'OK');
    t.diagnostic(`filled to OOM with ${kept.length} × 8 MB in ${Math.round(performance.now() - started)} ms`);

    // The autoscaler (every 500 ms) sees a shard at 100% of its maxmemory but adds none: a second
    // shard could not hold more data (each would get half the maximum). BytesUsedForCache stays near 1 GB.
    const usage = async () => JSON.parse((await runOk(process.execPath, [CLI, 'usage', 'full-cache', '--data-dir', svc.dataDir, '--json'])).stdout);
    await waitFor(async () => Date.now() - oomAt > 3000 && (await usage()).BytesUsedForCache > 0.9 * GB,
      { timeoutMs: 15_000, intervalMs: 250, what: 'BytesUsedForCache sampled at the maximum, several evaluations after the OOM' });
    const u = await usage();
    assert.ok(u.BytesUsedForCache <= 1.05 * GB, `BytesUsedForCache ${u.BytesUsedForCache}`);
    assert.equal(u.Shards, 1);
    assert.equal(u.Scaling, undefined);
    assert.equal(u.LastScaling, null);
    const events = (await svc.client.send(new DescribeEventsCommand({ SourceType: 'serverless-cache', SourceIdentifier: 'full-cache', Duration: 60 }))).Events!;
    assert.ok(!events.some((e) => /scaling/.test(e.Message ?? '')), events.map((e) => e.Message).join('\n'));
    const after = await describeCache('full-cache');
    assert.equal(after.Status, 'available');
    assert.deepEqual(after.CacheUsageLimits, { DataStorage: { Maximum: 1, Unit: 'GB' } });
    t.diagnostic(`the whole test: ${Math.round(performance.now() - started)} ms`);
  });

  test('kill -9 of the control plane while the caches are available: the running engine is adopted (same pid); then deletion', async () => {
    const pidFile = join(svc.dataDir, 'serverless', 'js-cache', 'proxy.pid');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.equal((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('main.js'), true);
    // Room for ElastiCache Serverless's 65,000 clients: the service raised the engine's open-files
    // limit where it may (prlimit and CAP_SYS_RESOURCE; this machine's own answer, as the service's).
    if (openFilesRaiser()) assert.match(await readFile(`/proc/${pid}/limits`, 'utf8'), /^Max open files\s+70000\s+70000/m);
    await svc.kill9();
    if (clusterClient) assert.equal(await clusterClient.get('{k}a'), '1', 'the endpoint serves without its control plane');
    await svc.restart();
    await waitFor(async () => (await describeCache('js-cache')).Status === 'available', { timeoutMs: 20_000, what: 'available after the restart' });
    // A few passes of the restarted control plane: still the same engine, none started beside it.
    await waitFor(async () => (await runOk(process.execPath, [CLI, 'usage', 'js-cache', '--data-dir', svc.dataDir, '--json'])).stdout.includes('available'), { timeoutMs: 5000 });
    assert.equal(Number((await readFile(pidFile, 'utf8')).trim()), pid, 'the running engine was adopted');
    assert.equal((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('main.js'), true, 'and still runs');
    if (clusterClient) {
      await clusterClient.set('{k}b', '2');
      assert.deepEqual(dropped, []);
    }

    await svc.client.send(new DeleteServerlessCacheCommand({ ServerlessCacheName: 'js-cache' }));
    await waitFor(async () => !(await svc.client.send(new DescribeServerlessCachesCommand({}))).ServerlessCaches!.some((c) => c.ServerlessCacheName === 'js-cache'),
      { timeoutMs: 30_000, what: 'the cache to be deleted' });
    assert.equal((await nodeDirs(svc.dataDir)).filter((k) => k.startsWith('serverless--js-cache-')).length, 0);
    assert.equal(existsSync(join(svc.dataDir, 'serverless', 'js-cache')), false);
    await waitFor(() => !existsSync(`/proc/${pid}`) || readFile(`/proc/${pid}/cmdline`, 'utf8').then((c) => !c.includes('main.js'), () => true),
      { timeoutMs: 10_000, what: 'the engine to exit' });
  });
});
