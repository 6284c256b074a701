/**
 * The serverless endpoint engine (src/serverless/proxy) in front of a real 3-shard Redis Cluster
 * with replicas, driven by the cluster clients ElastiCache Serverless users run: ioredis Cluster
 * and redis-py RedisCluster over TLS, and redis-cli -c --tls. They see one node owning every slot.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import tls from 'node:tls';
import { before, describe, it } from 'node:test';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { readJson } from '../../src/endpoints/proxy-files.js';
import { writeFileAtomic } from '../../src/endpoints/proxy-files.js';
import type { ServerlessProxyConfig, ServerlessUsage } from '../../src/serverless/proxy/config.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { endpointCluster, serverlessFixture, startEngine, status, waitStatus, type ServerlessFixture } from '../helpers/serverless-proxy.js';

const cleanup = useCleanup();
let f: ServerlessFixture;
let cc: Cluster;

function run(cmd: string, args: string[], input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
    if (input !== undefined) p.stdin!.end(input);
  });
}

/** A plain (non-cluster) TLS connection to the endpoint's `port`. */
function direct(port = f.port, opts: RedisOptions = {}): Redis {
  const r = new Redis({ host: f.host, port, tls: { ca: f.caPem }, maxRetriesPerRequest: 0, ...opts });
  cleanup.defer(() => r.disconnect());
  return r;
}

before(async () => {
  f = await serverlessFixture(cleanup, { shards: 3, replicas: 1, workers: 2 });
  await startEngine(cleanup, f);
  cc = endpointCluster(cleanup, f);
});

describe('serverless endpoint engine: what clients see', { timeout: 120_000 }, () => {
  it('presents one virtual node owning 0-16383, with the reader port as its replica', async () => {
    const r = direct();
    const slots = (await r.call('CLUSTER', 'SLOTS')) as unknown[][];
    assert.equal(slots.length, 1);
    assert.deepEqual(slots[0]!.slice(0, 2), [0, 16383]);
    assert.deepEqual((slots[0]![2] as unknown[]).slice(0, 2), [f.host, f.port]);
    assert.deepEqual((slots[0]![3] as unknown[]).slice(0, 2), [f.host, f.readerPort]);
    assert.match(String(await r.call('CLUSTER', 'INFO')), /cluster_state:ok/);
    const nodes = String(await r.call('CLUSTER', 'NODES'));
    assert.match(nodes, new RegExp(`${f.host}:6379@16379 myself,master - .* 0-16383`));
    assert.match(String(await r.info('cluster')), /cluster_enabled:1/);
    assert.equal(await r.call('CLUSTER', 'KEYSLOT', 'foo'), 12182);
    await assert.rejects(r.call('CONFIG', 'GET', 'maxmemory'), /unknown command/);
    await assert.rejects(r.call('CLUSTER', 'SETSLOT', '1', 'STABLE'), /unknown command/);
    await assert.rejects(r.call('SELECT', '1'), /SELECT is not allowed/);
    await assert.rejects(r.call('PSUBSCRIBE', 'x*'), /unknown command/);
    await assert.rejects(r.call('MSET', ...Array.from({ length: 4000 }, (_, i) => `{t}${i}`)), /too many arguments/);
    // Malformed input ends that client's connection, not its worker.
    const workers = status(f)!.workers;
    const bad = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: f.host, port: f.port, ca: f.caPem }, () => s.write('*2\r\n:1\r\n*0\r\n'));
      let out = '';
      s.on('data', (d) => { out += d; });
      s.on('error', () => {});
      s.on('close', () => resolve(out));
    });
    assert.match(bad, /Protocol error/);
    assert.equal(await r.ping(), 'PONG');
    assert.deepEqual(status(f)!.workers, workers);
  });

  it('stores and reads 10,000 keys with hash tags through ioredis Cluster (TLS), and refuses CROSSSLOT', async () => {
    const N = 10_000;
    const keys = Array.from({ length: N }, (_, i) => `{user${i % 500}}:k${i}`);
    for (let i = 0; i < N; i += 1000) await Promise.all(keys.slice(i, i + 1000).map((k, j) => cc.set(k, `v${i + j}`)));
    const got = await Promise.all(keys.map((k) => cc.get(k)));
    assert.equal(got.filter((v, i) => v === `v${i}`).length, N);
    // The nodes really hold them spread across the 3 shards.
    const sizes = await Promise.all(f.shards.map(([p]) => p!.client.dbsize()));
    assert.ok(sizes.every((n) => n > 1000), `spread: ${sizes}`);
    assert.equal(await cc.dbsize(), N);
    // SCAN and KEYS cover every shard (the cursor carries the shard it is in).
    const r = direct();
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, page] = await r.scan(cursor, 'MATCH', '{user*', 'COUNT', 1000);
      cursor = next;
      for (const k of page) seen.add(k);
    } while (cursor !== '0');
    assert.equal(seen.size, N);
    assert.equal((await r.keys('{user1}:*')).length, 20);
    // Same slot: allowed; different slots: CROSSSLOT from the endpoint (ioredis sees one node).
    assert.deepEqual(await cc.mget('{user1}:k1', '{user1}:k501'), ['v1', 'v501']);
    await assert.rejects(direct().mget('a', 'b'), /CROSSSLOT Keys in request don't hash to the same slot/);
  });

  it('runs MULTI/EXEC on one slot, refuses a cross-slot transaction, and runs Lua with keys', async () => {
    const r = direct();
    const res = await r.multi().set('{tx}a', '1').incr('{tx}a').get('{tx}a').exec();
    assert.deepEqual(res, [[null, 'OK'], [null, 2], [null, '2']]);
    await assert.rejects(r.multi().set('{tx}a', '1').set('{other}b', '2').exec(), /EXECABORT/);
    const w = direct();
    await w.watch('{tx}a');
    await r.set('{tx}a', 'changed');
    assert.equal(await w.multi().set('{tx}a', 'mine').exec(), null, 'a watched key changed: the transaction is aborted');
    assert.equal(await r.get('{tx}a'), 'changed');
    assert.equal(await cc.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[2])", 2, '{lua}x', '{lua}y', 'hello'), null);
    assert.equal(await cc.eval("return redis.call('get', KEYS[1])", 1, '{lua}x'), 'hello');
    await assert.rejects(direct().eval('return 1', 2, 'a', 'b'), /CROSSSLOT/);
  });

  it('wakes a BLPOP with a push from another client, while the blocked client\'s pool stays usable', async () => {
    const blocked = direct();
    const pop = blocked.blpop('{q}list', 5);
    const other = direct();
    // Others keep being served while BLPOP waits on its own backend connection.
    assert.equal(await other.ping(), 'PONG');
    await waitFor(async () => (await Promise.all(f.shards.map(([p]) => p!.client.info('clients')))).some((i) => /blocked_clients:1/.test(i)), { timeoutMs: 5000, what: 'BLPOP to block' });
    await other.rpush('{q}list', 'woken');
    assert.deepEqual(await pop, ['{q}list', 'woken']);
  });

  it('delivers pub/sub: classic SUBSCRIBE as sharded, and SSUBSCRIBE', async () => {
    const sub = direct();
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`${ch}:${m}`));
    sub.on('smessage', (ch: string, m: string) => got.push(`s ${ch}:${m}`));
    await sub.subscribe('news', 'sports');
    await sub.ssubscribe('{s}chan');
    const pub = direct();
    await waitFor(async () => (await pub.publish('news', 'hi')) === 1, { timeoutMs: 5000, what: 'the subscription to be in place' });
    await pub.publish('sports', 'goal');
    await pub.call('SPUBLISH', '{s}chan', 'sharded');
    await waitFor(() => got.length >= 3, { timeoutMs: 5000, what: 'messages' });
    assert.deepEqual(got.sort(), ['news:hi', 's {s}chan:sharded', 'sports:goal']);
  });

  it('speaks RESP3 after HELLO 3 and reads from replicas on the reader port', async () => {
    const hello = await run('redis-cli', ['--tls', '--cacert', f.caFile, '-h', f.host, '-p', String(f.port), '-3', 'HELLO', '3']);
    assert.match(hello.out, /mode[\s\S]*cluster/);
    await cc.hset('{h}hash', 'a', '1');
    const r3 = await run('redis-cli', ['--tls', '--cacert', f.caFile, '-h', f.host, '-p', String(f.port), '-3', '--no-raw', 'HGETALL', '{h}hash']);
    assert.match(r3.out, /1# "a" => "1"/, r3.out);
    const reader = direct(f.readerPort);
    // Redis lists a replica in CLUSTER SLOTS only once it has replicated something, and the
    // engine's next periodic refresh (1 s here) then sends reads from the reader port there.
    const replicaReads = await waitFor(async () => {
      assert.equal(await reader.get('{user1}:k1'), 'v1');
      const stats = await Promise.all(f.shards.map(([, rep]) => rep!.client.info('commandstats')));
      return stats.some((s) => /cmdstat_get:calls=[1-9]/.test(s)) ? stats : undefined;
    }, { timeoutMs: 5000, what: 'a replica to serve a read' });
    assert.ok(replicaReads.some((s) => /cmdstat_get:calls=[1-9]/.test(s)), 'a replica served the GET');
  });

  it('serves redis-cli -c --tls and redis-py RedisCluster(ssl=True)', async () => {
    const ca = f.caFile;
    const cli = await run('redis-cli', ['-c', '--tls', '--cacert', ca, '-h', f.host, '-p', String(f.port)], 'SET clikey 42\nGET clikey\nGET {user7}:k7\n');
    assert.match(cli.out, /OK\s+42\s+v7/, cli.out);
    const py = [
      'import sys, redis',
      'from redis.cluster import RedisCluster',
      `rc = RedisCluster(host='${f.host}', port=${f.port}, ssl=True, ssl_ca_certs='${ca}')`,
      'for i in range(200): rc.set(f"{{py}}:k{i}", i)',
      'assert all(rc.get(f"{{py}}:k{i}") == str(i).encode() for i in range(200))',
      'assert rc.mget(["{py}:k1", "{py}:k2"]) == [b"1", b"2"]',
      'print("primaries", len(rc.get_primaries()), "nodes", len(rc.get_nodes()), "ok")',
    ].join('\n');
    const res = await run('/usr/bin/python3', ['-c', py]);
    assert.match(res.out, /primaries 1 nodes 2 ok/, res.out); // the endpoint and the reader endpoint
  });

  it('meters ECPUs into usage-<n>.json: 1 per KB in and out, at least 1', async () => {
    const r = direct();
    // Ready first: ioredis's ready check (an INFO of about 5 ECPUs) is not part of what is measured.
    await r.ping();
    const before = await freshUsage();
    await r.set('{m}big', 'x'.repeat(3000));
    for (let i = 0; i < 10; i++) await r.get('{m}big');
    const after = await freshUsage();
    // SET ~3 KB in (2.96 ECPU) and 10 GETs of ~3 KB out (2.96 each): about 32.6 ECPUs, plus 1 or so for
    // each background command of the suite's Cluster client meanwhile (its CLUSTER SLOTS refresh;
    // an INFO, about 5, if it reconnected).
    const ecpu = after.ecpu - before.ecpu;
    const others = after.commands - before.commands - 11;
    assert.ok(others >= 0, `${after.commands - before.commands} commands counted`);
    assert.ok(ecpu > 32.5 && ecpu < 32.7 + others * 5.5, `ecpu delta ${ecpu} with ${others} other commands`);
    assert.ok(after.currConnections >= 1);
  });

  it("'user-group' auth (a new generation of proxy.json): NOAUTH, then each user's traffic runs as that user on the nodes", async () => {
    const nodes = f.shards.flat();
    await Promise.all(nodes.map((n) => n.client.call('ACL', 'SETUSER', 'alice', 'on', '>alice-pw', '~*', '&*', '+@all')));
    await Promise.all(nodes.map((n) => n.client.call('ACL', 'SETUSER', 'bob', 'on', '>bob-pw', '~{bob}*', '+get', '+set', '+ping')));
    await reconfigure({ auth: { mode: 'user-group' } }, 'g-users');
    // RESP2: ioredis sends no HELLO 3 on connect, nor INFO (its ready check), which a client not logged in cannot run (NOAUTH, as from Redis).
    const anon = direct(f.port, { protocol: 2, enableReadyCheck: false });
    await assert.rejects(anon.get('k'), /NOAUTH/);
    await assert.rejects(anon.call('AUTH', 'alice', 'wrong'), /WRONGPASS/);
    assert.equal(await anon.call('AUTH', 'alice', 'alice-pw'), 'OK');
    assert.equal(await anon.get('{user1}:k1'), 'v1');
    const bob = direct(f.port, { username: 'bob', password: 'bob-pw' });
    assert.equal(await bob.set('{bob}x', '1'), 'OK');
    await assert.rejects(bob.set('{alice}x', '1'), /NOPERM/);
    const users = endpointCluster(cleanup, f, { redisOptions: { tls: { ca: f.caPem }, username: 'alice', password: 'alice-pw' } });
    assert.equal(await users.get('{bob}x'), '1');
  });

  it('throttles at the ECPUPerSecond maximum: delays, then refuses and counts ThrottledCmds', async () => {
    await reconfigure({ auth: { mode: 'default', defaultLogin: { user: 'default', passwordFile: join(f.dir, 'admin.pw') } }, limits: { maxArguments: 3999, ecpuPerSecondMax: 200 } }, 'g-throttle');
    const r = direct();
    const before = await freshUsage();
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 400 }, () => r.get('{user1}:k1')));
    const ms = performance.now() - t0;
    const ok = results.filter((x) => x.status === 'fulfilled').length;
    const refused = results.filter((x) => x.status === 'rejected' && /Throttled/.test(String(x.reason))).length;
    assert.equal(ok + refused, 400);
    // One worker's share is 100 ECPU/s: a full bucket (100), then the refill while commands wait (500 ms).
    assert.ok(ok >= 100 && ok < 250, `served ${ok}, refused ${refused} in ${ms.toFixed(0)} ms`);
    const after = await freshUsage();
    assert.equal(after.throttledCommands - before.throttledCommands, refused);
  });

  it('charges the CPU part of ECPUs (compute.json, from the control plane) to the buckets: small commands refused at the maximum', async () => {
    await reconfigure({ auth: { mode: 'default', defaultLogin: { user: 'default', passwordFile: join(f.dir, 'admin.pw') } }, limits: { maxArguments: 3999, ecpuPerSecondMax: 20_000 } }, 'g-compute');
    const r = direct();
    // By their size alone, 200 GETs are far under 10,000 ECPU/s a worker: all served.
    const sized = await Promise.allSettled(Array.from({ length: 200 }, () => r.get('{user1}:k1')));
    assert.equal(sized.filter((x) => x.status === 'fulfilled').length, 200);
    const before = await freshUsage();
    // The last period's heavy commands (EVAL loops, SORTs…) cost 30,000 ECPU/s of CPU: over the maximum.
    writeFileAtomic(join(f.dir, 'compute.json'), JSON.stringify({ at: new Date().toISOString(), ecpuPerSecond: 30_000, forMs: 60_000 }));
    let refusal = '';
    await waitFor(async () => {
      refusal = await r.get('{user1}:k1').then(() => '', (e: Error) => e.message);
      return refusal !== '';
    }, { timeoutMs: 10_000, what: 'a GET refused while the CPU part drains the bucket' });
    assert.match(refusal, /Throttled/);
    const after = await freshUsage();
    assert.ok(after.throttledCommands > before.throttledCommands, 'counted as ThrottledCmds');
    // The next sample finds the heavy commands gone: served again within a second.
    writeFileAtomic(join(f.dir, 'compute.json'), JSON.stringify({ at: new Date().toISOString(), ecpuPerSecond: 0, forMs: 60_000 }));
    await waitFor(async () => (await r.get('{user1}:k1').then(() => true, () => false)), { timeoutMs: 5_000, what: 'a GET served again' });
  });
});

/** The workers' usage, as written after now. */
async function freshUsage(): Promise<ServerlessUsage> {
  const t = Date.now();
  await waitFor(() => [0, 1].every((i) => Date.parse(readJson<ServerlessUsage>(join(f.dir, `usage-${i}.json`))?.writtenAt ?? '') > t), { timeoutMs: 5000, what: 'usage files' });
  return sumUsage();
}

/** Writes proxy.json anew (as the control plane does) and waits until every worker applied it. */
async function reconfigure(change: Partial<ServerlessProxyConfig>, generation: string): Promise<void> {
  f.config = { ...f.config, ...change, generation };
  writeFileAtomic(f.configPath, JSON.stringify(f.config));
  await waitStatus(f, (s) => s.generation === generation);
}

function sumUsage(): ServerlessUsage {
  const all = [0, 1].map((i) => readJson<ServerlessUsage>(join(f.dir, `usage-${i}.json`))).filter((u): u is ServerlessUsage => !!u);
  return all.reduce((a, u) => ({
    ...a, ecpu: a.ecpu + u.ecpu, commands: a.commands + u.commands, currConnections: a.currConnections + u.currConnections,
    throttledCommands: a.throttledCommands + u.throttledCommands,
  }));
}
