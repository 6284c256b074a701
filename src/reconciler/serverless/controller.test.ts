/**
 * The serverless controller on the real SQLite store with a stand-in endpoint engine
 * (standin-engine.ts) that follows the contract of serverless/proxy/config.ts (writes its pid,
 * echoes the generation of proxy.json in proxy-status.json, writes usage-0.json, exits when
 * proxy.json disappears). Checks: the cache waits with a reason while no engine is installed; it
 * turns available once the backing group is and the engine echoes the generation; a restarted
 * control plane adopts the running engine (same pid, none started); a change is applied as a new
 * generation; usage is summed across a worker restart; deletion stops the engine and removes
 * every record and file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import { makeTestServices, setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { backingGroupId } from '../../resources/serverless.js';
import {
  CachedReads, MergedViews, clusterCreate, getServerlessCache, groupCreate, mergeCluster, mergeGroup, serverlessCacheCreate,
  serverlessSpecWrite, type CacheClusterSpec, type ReplicationGroupSpec, type ServerlessCacheSpec,
} from '../../store/index.js';
import type { ServerlessComputeCharge, ServerlessProxyConfig } from '../../serverless/proxy/config.js';
import type { MetricDatum } from '../../metrics/index.js';
import { silentLogger } from '../../util/logger.js';
import { waitFor } from '../../util/wait.js';
import type { ReconcilerDeps } from '../deps.js';
import { ServerlessController } from './controller.js';
import { STANDIN_ENGINE_SOURCE } from './standin-engine.js';


const pids: number[] = [];
after(() => { for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } } });

let t: TestServices;
let engineDir: string;
beforeEach(async () => {
  t = await makeTestServices();
  engineDir = mkdtempSync(join(tmpdir(), 'cachefleet-fake-engine-'));
});
afterEach(async () => {
  await t.close();
  rmSync(engineDir, { recursive: true, force: true });
});

const published: MetricDatum[] = [];

function controller(opts: { installed: boolean; now?: () => Date }): ServerlessController {
  const mainScript = join(engineDir, 'main.js');
  if (opts.installed) writeFileSync(mainScript, STANDIN_ENGINE_SOURCE);
  // Each node's commandstats: one more 4 ms EVAL at each reading (about 350 ECPUs of CPU part a call).
  let evals = 0;
  const info = async (...sections: string[]) => (!sections.includes('commandstats') ? 'used_memory:1073741824\r\n'
    : `# Server\r\nrun_id:r1\r\n# Replication\r\nrole:master\r\n# Commandstats\r\ncmdstat_eval:calls=${++evals},usec=${evals * 4000},usec_per_call=4000.00\r\n`);
  const admin = { client: () => ({ info }) };
  const deps = {
    store: t.store, events: t.svc.events, logger: silentLogger, now: opts.now ?? t.svc.now, admin,
  } as unknown as ReconcilerDeps;
  return new ServerlessController(deps, new MergedViews(new CachedReads(t.store)), {
    dataDir: t.svc.config.dataDir, mainScript, workers: 1, stopGraceMs: 2000, usageSampleMs: 0,
    metrics: { put: async (data) => { published.push(...data); } },
  });
}

/** A cache and its backing group (one shard, two nodes), as CreateServerlessCache records them. */
async function seedCache(name: string): Promise<void> {
  const gid = backingGroupId(name);
  const members = [`${gid}-0001-001`, `${gid}-0001-002`];
  const now = new Date().toISOString();
  const group = {
    id: gid, arn: `arn:${gid}`, clusterEnabled: true, memberClusters: members, primaryClusterId: members[0],
    nodeGroups: [{ id: '0001', slots: '0-16383', primaryClusterId: members[0], memberClusters: members }],
    pending: {}, transitEncryptionEnabled: false, securityGroupIds: [],
  } as unknown as ReplicationGroupSpec;
  const clusters = members.map((id, i) => ({
    id, replicationGroupId: gid, nodeGroupId: '0001', pending: {},
    nodes: [{ id: '0001', address: `127.77.0.${10 + i}`, port: 6379, availabilityZone: 'a', createdAt: now }],
  }) as unknown as CacheClusterSpec);
  const spec: ServerlessCacheSpec = {
    name, arn: `arn:${name}`, description: '', createdAt: now, engine: 'redis', majorEngineVersion: '7', fullEngineVersion: '7.0',
    securityGroupIds: [], subnetIds: [], snapshotRetentionLimit: 0, dailySnapshotTime: '04:00',
    endpoint: { address: '127.77.9.9', port: 6379 }, readerEndpoint: { address: '127.77.9.9', port: 6380 },
    backingGroupId: gid, generation: 1,
  };
  await t.store.commit([
    serverlessCacheCreate(spec), groupCreate(mergeGroup(group, undefined)), ...clusters.map((c) => clusterCreate(mergeCluster(c, undefined))),
    { op: 'create', kind: 'address', id: '127.77.9.9', doc: { address: '127.77.9.9', owner: `serverlessCache:${name}:endpoint` } },
  ]);
}

const cacheDoc = async (name: string) => (await getServerlessCache(t.store, name))!.doc;
const dirOf = (name: string) => join(t.svc.config.dataDir, 'serverless', name);

test('without the engine installed the cache stays creating and says why, once, in an event', async () => {
  await seedCache('orders');
  await setGroupStatus(t.store, backingGroupId('orders'), (g) => { g.status = 'available'; });
  const ctl = controller({ installed: false });
  assert.equal(await ctl.reconcile(), true);
  assert.equal(await ctl.reconcile(), true);
  const c = await cacheDoc('orders');
  assert.equal(c.status, 'creating');
  assert.match(c.waitingFor ?? '', /endpoint engine is not installed/);
  const events = await t.store.queryEvents({ sourceType: 'serverless-cache' });
  assert.equal(events.filter((e) => /not installed/.test(e.message)).length, 1);
  assert.equal(existsSync(join(dirOf('orders'), 'proxy.json')), false);
});

test('the cache waits for its backing group, then starts the engine, turns available, is adopted after a restart, applies a change, meters usage, and is deleted', async () => {
  await seedCache('orders');
  let ctl = controller({ installed: true });
  await ctl.reconcile();
  assert.match((await cacheDoc('orders')).waitingFor ?? '', /backing group serverless--orders \(creating\)/);

  await setGroupStatus(t.store, backingGroupId('orders'), (g) => { g.status = 'available'; });
  await waitFor(async () => { await ctl.reconcile(); return (await cacheDoc('orders')).status === 'available'; }, { timeoutMs: 5000, what: 'available' });
  const config = JSON.parse(readFileSync(join(dirOf('orders'), 'proxy.json'), 'utf8')) as ServerlessProxyConfig;
  assert.deepEqual(config.seeds, [{ host: '127.77.0.10', port: 6379 }, { host: '127.77.0.11', port: 6379 }]);
  assert.deepEqual(config.listen, { host: '127.77.9.9', port: 6379, readerPort: 6380 });
  assert.equal(config.auth.mode, 'default');
  assert.equal(config.limits.maxArguments, 3999);
  const pid = (await cacheDoc('orders')).proxyPid!;
  pids.push(pid);
  assert.ok(pid > 0);
  assert.equal((await t.store.queryEvents({ sourceType: 'serverless-cache' })).filter((e) => /is available/.test(e.message)).length, 1);

  // A restarted control plane (a new controller) adopts the running engine.
  ctl = controller({ installed: true });
  await ctl.reconcile();
  assert.equal((await cacheDoc('orders')).proxyPid, pid);
  assert.equal(ctl.engine('orders').pid(), pid);

  // A change the endpoint must follow: a new generation, echoed by the engine.
  const v = (await getServerlessCache(t.store, 'orders'))!;
  await t.store.commit(serverlessSpecWrite(v, { ...v.spec, generation: 2, cacheUsageLimits: { ecpuPerSecond: { maximum: 5000 } } }));
  assert.equal((await cacheDoc('orders')).status, 'modifying');
  await waitFor(async () => { await ctl.reconcile(); return (await cacheDoc('orders')).status === 'available'; }, { timeoutMs: 5000, what: 'modified' });
  const changed = JSON.parse(readFileSync(join(dirOf('orders'), 'proxy.json'), 'utf8')) as ServerlessProxyConfig;
  assert.equal(changed.limits.ecpuPerSecondMax, 5000);
  assert.notEqual(changed.generation, config.generation);

  // Usage: the worker's counters once (not again on every pass), GB-hours from the samples.
  const usage = (await t.store.get('serverlessUsage', 'orders'))!.doc;
  assert.equal(usage.ecpu - (usage.computeEcpu ?? 0), 5, 'by size: the worker\'s counters');
  assert.equal(usage.commands, 4);
  assert.equal(usage.bytesOut, 200);
  assert.equal(usage.lastBytes, 1073741824);
  const stored = published.filter((d) => d.metric.metricName === 'BytesUsedForCache');
  assert.ok(stored.length > 0, 'metrics published once a sample period');
  assert.deepEqual(stored[0]!.metric.dimensions, [{ name: 'clusterId', value: 'orders' }]);
  // The CPU part of the last sample, for the endpoint's throttling buckets.
  assert.ok((usage.computeEcpu ?? 0) > 0);
  const charge = JSON.parse(readFileSync(join(dirOf('orders'), 'compute.json'), 'utf8')) as ServerlessComputeCharge;
  assert.equal(charge.ecpuPerSecond, usage.computeRate!.ecpuPerSecond);
  assert.equal(charge.at, usage.computeRate!.at);

  // Deletion: the engine exits once proxy.json is gone; the records go once the backing group has.
  const d = (await getServerlessCache(t.store, 'orders'))!;
  await t.store.commit(serverlessSpecWrite(d, { ...d.spec, deleteRequested: true }));
  await ctl.reconcile();
  assert.equal((await cacheDoc('orders')).status, 'deleting');
  for (const kind of ['replicationGroup', 'cacheCluster'] as const) {
    for (const r of await t.store.list(kind)) await t.store.commit([{ op: 'delete', kind, id: r.id }]);
  }
  await waitFor(async () => { await ctl.reconcile(); return !(await getServerlessCache(t.store, 'orders')); }, { timeoutMs: 5000, what: 'deleted' });
  assert.equal(await t.store.get('serverlessUsage', 'orders'), undefined);
  assert.equal(await t.store.get('address', '127.77.9.9'), undefined);
  assert.equal(existsSync(dirOf('orders')), false);
  assert.throws(() => process.kill(pid, 0), 'the engine has exited');
});

test('security groups become the endpoint\'s allow list (their ingress rules for the endpoint\'s port, and the management address)', async () => {
  await seedCache('orders');
  const sg = {
    groupId: 'sg-00000000000000001', groupName: 'app', description: '', vpcId: 'vpc-1', ownerId: '1', egress: [], tags: [], createdAt: '',
    ingress: [
      { ipProtocol: 'tcp', fromPort: 6379, toPort: 6380, ipRanges: [{ cidrIp: '127.10.0.0/16', ruleId: 'r1' }], groupPairs: [] },
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '127.99.0.0/16', ruleId: 'r2' }], groupPairs: [] },
    ],
  };
  await t.store.commit([{ op: 'create', kind: 'securityGroup', id: sg.groupId, doc: sg }]);
  const v = (await getServerlessCache(t.store, 'orders'))!;
  await t.store.commit(serverlessSpecWrite(v, { ...v.spec, securityGroupIds: [sg.groupId] }));
  await setGroupStatus(t.store, backingGroupId('orders'), (g) => { g.status = 'available'; });
  const mainScript = join(engineDir, 'main.js');
  writeFileSync(mainScript, STANDIN_ENGINE_SOURCE);
  const ctl = new ServerlessController({ store: t.store, events: t.svc.events, logger: silentLogger, now: t.svc.now,
    admin: { client: () => ({ info: async () => 'used_memory:1\r\n' }) } } as unknown as ReconcilerDeps,
  new MergedViews(new CachedReads(t.store)), { dataDir: t.svc.config.dataDir, mainScript, managementAddress: '127.77.0.1', usageSampleMs: 0 });
  await waitFor(async () => { await ctl.reconcile(); return (await cacheDoc('orders')).status === 'available'; }, { timeoutMs: 5000, what: 'available' });
  pids.push((await cacheDoc('orders')).proxyPid!);
  const config = JSON.parse(readFileSync(join(dirOf('orders'), 'proxy.json'), 'utf8')) as ServerlessProxyConfig;
  assert.deepEqual(config.allow, ['127.10.0.0/16', '127.77.0.1']);
  // Stop the stand-in: its proxy.json goes with the data directory.
  const d = (await getServerlessCache(t.store, 'orders'))!;
  await t.store.commit(serverlessSpecWrite(d, { ...d.spec, deleteRequested: true }));
  await waitFor(async () => { await ctl.reconcile(); return ctl.engine('orders').pid() === undefined; }, { timeoutMs: 5000, what: 'the engine to stop' });
});

test('a final snapshot that failed calls the deletion off: the cache serves again, with an event, instead of staying deleting', async () => {
  await seedCache('orders');
  await setGroupStatus(t.store, backingGroupId('orders'), (g) => { g.status = 'available'; });
  const ctl = controller({ installed: true });
  await waitFor(async () => { await ctl.reconcile(); return (await cacheDoc('orders')).status === 'available'; }, { timeoutMs: 5000, what: 'available' });
  pids.push((await cacheDoc('orders')).proxyPid!);
  // As DeleteServerlessCache with FinalSnapshotName records it, after group-delete.ts found the
  // snapshot failed (here: gone) and gave the backing group back (its deleteRequested cleared).
  const d = (await getServerlessCache(t.store, 'orders'))!;
  await t.store.commit(serverlessSpecWrite(d, { ...d.spec, deleteRequested: true, finalSnapshotName: 'serverless--final-1' }));
  await waitFor(async () => { await ctl.reconcile(); return (await cacheDoc('orders')).status === 'available'; }, { timeoutMs: 5000, what: 'available again' });
  const v = (await getServerlessCache(t.store, 'orders'))!;
  assert.equal(v.spec.deleteRequested, undefined);
  assert.equal(v.spec.finalSnapshotName, undefined);
  pids.push(v.doc.proxyPid!);
  const events = await t.store.queryEvents({ sourceType: 'serverless-cache' });
  assert.ok(events.some((e) => /Final snapshot of serverless cache orders failed; the serverless cache was not deleted/.test(e.message)), events.map((e) => e.message).join('\n'));
  // Stop the stand-in.
  await t.store.commit(serverlessSpecWrite(v, { ...v.spec, deleteRequested: true }));
  await waitFor(async () => { await ctl.reconcile(); return ctl.engine('orders').pid() === undefined; }, { timeoutMs: 5000, what: 'the engine to stop' });
});
