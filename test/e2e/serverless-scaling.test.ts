/**
 * A serverless cache scales by itself, end to end: the running service (its shards made small with
 * --serverless-shard-memory-mb, evaluated often) creates a cache of one shard; writes through its
 * endpoint (ioredis Cluster over TLS; the service's own admin connection only watches the backing
 * primary's memory) fill it until the memory crosses the scale-out threshold; the autoscaler
 * reshards the hidden group to 2 shards online, with an event saying why; every key written is
 * still there with its value, and `cachefleet usage` shows 2 shards and the decision. A kill -9 of
 * a backing shard's primary fails over; filled again, the cache grows to 3 shards. Most keys
 * deleted, the cache scales back in to 1 shard once low for the cool-down, keeping the rest. A
 * reader/writer loop on its own connection runs through every scaling and the kill: no error,
 * every key its last value. A Functions library loaded through the endpoint at 1 shard answers
 * FCALL on keys of every shard at 2 and 3 (the new shards got it before their first slot). The
 * backing nodes' maxmemory is the shard's capacity, with no reserved memory on top.
 * Needs the endpoint engine built (`npm run build`).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateServerlessCacheCommand, DescribeEventsCommand, DescribeServerlessCachesCommand } from '@aws-sdk/client-elasticache';
import { Cluster } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';
import { runOk } from '../helpers/e2e-exec.js';
import { ADMIN_USER, adminSecret } from '../helpers/node-admin.js';
import { nodeDirs } from '../helpers/e2e-nodes.js';
import { backingDiagnostics, backingNode, callFrom, managementAddress } from '../helpers/backing.js';
import { waitFor } from '../../src/util/wait.js';
import { usageReport, type UsageReport } from '../../src/cli/usage-report.js';

const ENGINE = join(CLI, '..', '..', 'dist', 'src', 'serverless', 'proxy', 'main.js');
// Shards of 16 MB: a node's own overhead (replication backlog, allocator) stays well under the scale-in threshold.
const SHARD_MB = 16;

describe('serverless autoscaling', { timeout: 330_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;

  before(async () => {
    const args = ['--serverless-shard-memory-mb', String(SHARD_MB), '--serverless-scaling-interval-ms', '250', '--serverless-scale-out-cooldown-ms', '0',
      '--serverless-scale-in-cooldown-ms', '1000'];
    svc = await startService(cleanup, { args });
  });

  test('filled past the memory threshold, a cache scales from 1 shard to 2 and 3 online with every key kept, through a shard primary\'s kill -9; emptied, back to 1', {
    skip: existsSync(ENGINE) ? false : `the serverless endpoint engine is not built (${ENGINE} is missing)`,
  }, async () => {
    try {
      await scaleThroughEverything();
    } catch (e) {
      // What stands behind the endpoint, so that a failure explains itself.
      const login = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
      console.log(await backingDiagnostics(svc.dataDir, 'grow', svc.logs, login).catch((x: Error) => `no diagnostics: ${x.message}`));
      throw e;
    }
  });

  async function scaleThroughEverything(): Promise<void> {
    await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'grow', Engine: 'redis' }));
    await waitFor(async () => (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: 'grow' }))).ServerlessCaches![0]!.Status === 'available',
      { timeoutMs: 45_000, intervalMs: 250, what: 'the cache to be available' });
    // What `cachefleet usage` and the service's last warnings say, when a scaling does not come.
    const whyNot = (u: unknown) => `usage ${JSON.stringify(u)}\n${svc.logs.filter((l) => /"level":(40|50|60)/.test(l)).slice(-20).join('\n')}`;
    // `cachefleet usage` itself at the start and the end; polled in between by the function it prints
    // (a node process started every half second would take a core from the scaling it waits for).
    const usageCli = async () => JSON.parse((await runOk(process.execPath, [CLI, 'usage', 'grow', '--data-dir', svc.dataDir, '--json'])).stdout) as UsageReport;
    const usage = () => usageReport(svc.dataDir, 'grow');
    assert.equal((await usageCli()).Shards, 1);

    // The service's side: shard 0001's primary, asked from the management address as the service asks it.
    const primary = await backingNode(svc.dataDir, 'grow', '0001-001');
    const from = await managementAddress(svc.dataDir, 'grow');
    const admin = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
    const onPrimary = (...args: string[]) => callFrom(from, primary, args, admin);
    // The customer's side: the endpoint.
    const endpoint = (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: 'grow' }))).ServerlessCaches![0]!.Endpoint!;
    const open = async () => {
      const { ca } = await writeClientCa(svc);
      const c = new Cluster([{ host: endpoint.Address!, port: endpoint.Port! }], {
        redisOptions: { tls: { ca } }, dnsLookup: (a, cb) => cb(null, a), enableOfflineQueue: false,
      });
      c.on('error', () => undefined);
      cleanup.defer(() => c.disconnect());
      await waitFor(async () => c.status === 'ready', { timeoutMs: 10_000, what: 'a cluster client of the endpoint' });
      return c;
    };
    const client = await open();
    // A library loaded through the endpoint reaches the one shard there is; shards added later get it from cluster formation.
    assert.equal(await client.call('FUNCTION', 'LOAD', "#!lua name=kv\nredis.register_function('kv_get', function(keys) return redis.call('GET', keys[1]) end)"), 'kv');
    const fcallEach = async (label: string) => {
      const sample = Array.from({ length: 200 }, (_, k) => Math.floor((k * written) / 200));
      const got = await Promise.all(sample.map((i) => client.call('FCALL', 'kv_get', '1', `key:${i}`)));
      got.forEach((v, j) => assert.equal(v, value(sample[j]!), `FCALL kv_get key:${sample[j]} at ${label}`));
    };
    // A reader/writer of its own through both scalings: every reply checked, errors counted.
    const loop = await open();
    const last = new Map<string, string>();
    const loopErrors: string[] = [];
    let loopOps = 0;
    let looping = true;
    const loopDone = (async () => {
      for (let n = 0; looping && n < 1_000_000; n++) {
        const key = `loop:{${n % 64}}`;
        try {
          if (n % 2 === 0) {
            await loop.set(key, String(n));
            last.set(key, String(n));
          } else if (await loop.get(key) !== (last.get(key) ?? null)) loopErrors.push(`${key}: a stale read`);
          loopOps++;
        } catch (e) {
          loopErrors.push(String(e));
        }
      }
    })();
    assert.equal((await onPrimary('CONFIG', 'GET', 'maxmemory') as string[])[1], String(SHARD_MB * 1024 * 1024), "the shard's capacity, nothing reserved");

    // Fill the one shard to 80% of its maxmemory (the threshold is 75%).
    const value = (i: number) => `v${i}:`.padEnd(1000, String(i % 10));
    let written = 0;
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(String(await onPrimary('INFO', 'memory')))![1]);
    while (await usedMemory() < 0.8 * SHARD_MB * 1024 * 1024) {
      const batch = Array.from({ length: 250 }, (_, k) => written + k);
      assert.ok((await Promise.all(batch.map((i) => client.set(`key:${i}`, value(i))))).every((r) => r === 'OK'));
      written += batch.length;
    }
    const firstFill = written;

    await waitFor(async () => { const u = await usage(); return u.Shards === 2 && u.Scaling === undefined && /1 → 2 shards/.test(u.LastScaling ?? ''); },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the cache to scale out to 2 shards' }).catch(async (e) => { throw new Error(`${(e as Error).message}: ${whyNot(await usage())}`); });
    const events = (await svc.client.send(new DescribeEventsCommand({ SourceType: 'serverless-cache', SourceIdentifier: 'grow', Duration: 60 }))).Events!;
    assert.ok(events.some((e) => /scaling out from 1 to 2 shards: memory use \d+% of a shard's maxmemory/.test(e.Message ?? '')), events.map((e) => e.Message).join('\n'));

    // Both shards own slots, and every key is there with its value.
    const shards = await onPrimary('CLUSTER', 'SHARDS') as unknown[];
    assert.equal(shards.length, 2);
    for (let start = 0; start < written; start += 500) {
      const batch = Array.from({ length: Math.min(written, start + 500) - start }, (_, k) => start + k);
      const replies = await Promise.all(batch.map((i) => client.get(`key:${i}`)));
      replies.forEach((v, j) => assert.equal(v, value(start + j), `key:${start + j}`));
    }

    await fcallEach('2 shards');

    // kill -9 of a backing shard's primary under the reader/writer: the shard fails over, the loop only pauses.
    const victim = (await nodeDirs(svc.dataDir)).find((k) => k.startsWith('serverless--grow-0002-001'))!;
    const pid = Number((await readFile(join(svc.dataDir, 'nodes', victim, 'redis.pid'), 'utf8')).trim());
    const opsAtKill = loopOps;
    const logsAtKill = svc.logs.length;
    process.kill(pid, 'SIGKILL');
    // The backing group's events stay in the service's log (DescribeEvents shows the customer's resources only).
    await waitFor(() => svc.logs.slice(logsAtKill).some((l) => /Failover to replica node .* completed for node group 0002/.test(l)),
      { timeoutMs: 20_000, intervalMs: 100, what: 'the failover of node group 0002' });
    await waitFor(() => loopOps > opsAtKill + 200, { timeoutMs: 20_000, what: 'the reader/writer to go on after the failover' });
    assert.deepEqual(loopErrors, [], 'the reader/writer saw no error through the kill');

    // Filled again to the same 80 %, now of both shards (the slots split in halves, so twice the keys
    // of the first fill), and no further: a third shard. Writing on while the autoscaler decides
    // would fill the shards to their maxmemory faster than any shard can be added (OOM).
    while (written < 2 * firstFill) {
      const batch = Array.from({ length: Math.min(1000, 2 * firstFill - written) }, (_, k) => written + k);
      assert.ok((await Promise.all(batch.map((i) => client.set(`key:${i}`, value(i))))).every((r) => r === 'OK'));
      written += batch.length;
    }
    const whyNot3 = async (e: unknown) => { throw new Error(`${(e as Error).message}: ${whyNot(await usage())}`); };
    await waitFor(async () => { const u = await usage(); return u.Shards === 3 && u.Scaling === undefined && /2 → 3 shards/.test(u.LastScaling ?? ''); },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the cache to scale out to 3 shards' }).catch(whyNot3);
    for (let start = 0; start < written; start += 1000) {
      const batch = Array.from({ length: Math.min(written, start + 1000) - start }, (_, k) => start + k);
      const replies = await Promise.all(batch.map((i) => client.get(`key:${i}`)));
      replies.forEach((v, j) => assert.equal(v, value(start + j), `key:${start + j} at 3 shards`));
    }
    await fcallEach('3 shards');

    // Nine keys in ten deleted: both measures low, the cache scales back in to one shard with the rest.
    const deleted = Array.from({ length: written }, (_, i) => i).filter((i) => i % 10 !== 0);
    for (let k = 0; k < deleted.length; k += 500) await Promise.all(deleted.slice(k, k + 500).map((i) => client.del(`key:${i}`)));
    await waitFor(async () => { const u = await usage(); return u.Shards === 1 && u.Scaling === undefined && /→ 1 shards/.test(u.LastScaling ?? ''); },
      { timeoutMs: 120_000, intervalMs: 500, what: 'the cache to scale back in to 1 shard' });
    const atEnd = await usageCli();
    assert.equal(atEnd.Shards, 1);
    assert.match(atEnd.LastScaling ?? '', /→ 1 shards/);
    const kept = Array.from({ length: written }, (_, i) => i).filter((i) => i % 10 === 0);
    assert.deepEqual(await Promise.all(kept.map((i) => client.get(`key:${i}`))), kept.map(value));
    assert.equal(await client.get('key:1'), null);

    looping = false;
    await loopDone;
    assert.deepEqual(loopErrors, [], 'the reader/writer saw no error through both scalings');
    assert.ok(loopOps > 100, `the reader/writer ran (${loopOps} operations)`);
    for (const [key, v] of last) assert.equal(await loop.get(key), v, key);
  }
});
