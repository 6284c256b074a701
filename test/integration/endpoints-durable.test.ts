/**
 * Durable endpoint routes (cachefleet-durable-writes) through the real proxy process, against a
 * real primary and replica: a write is acknowledged only once the replica has it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { ProxyRouter } from '../../src/endpoints/proxy-router.js';
import type { EndpointRoute, Target } from '../../src/endpoints/types.js';
import { waitFor } from '../../src/util/wait.js';
import { killVerified, useCleanup } from '../helpers/cleanup.js';
import { TestFleet, randomLoopbackPrefix } from '../helpers/endpoints-redis.js';

const cleanup = useCleanup();
const fleet = new TestFleet();
const prefix = randomLoopbackPrefix();
const primary: Target = { address: `${prefix}.2`, port: 6379 };
const replica: Target = { address: `${prefix}.3`, port: 6379 };
const TIMEOUT_MS = 400;
const route: EndpointRoute = { id: 'dur/primary', address: `${prefix}.10`, port: 6379, targets: [primary], durable: { timeoutMs: TIMEOUT_MS } };
let router: ProxyRouter;
let replicaPid: number | undefined;

/** A redis-server we can kill ourselves (the replica); tracked for cleanup by pid and bind address. */
async function startReplica(): Promise<void> {
  const proc = spawn('redis-server', ['--bind', replica.address, '--port', String(replica.port), '--save', '', '--appendonly', 'no',
    '--dir', tmpdir(), '--replicaof', primary.address, String(primary.port)], { stdio: 'ignore' });
  replicaPid = proc.pid;
  cleanup.trackPid(proc.pid, `${replica.address}:${replica.port}`);
  await waitFor(async () => {
    const c = await fleet.connect(replica.address);
    try {
      return /master_link_status:up/.test(await c.info('replication'));
    } finally {
      fleet.close(c);
    }
  }, { timeoutMs: 10_000, what: 'the replica to be in sync' });
}

async function stopReplica(): Promise<void> {
  if (replicaPid !== undefined) await killVerified(replicaPid, `${replica.address}:${replica.port}`);
  replicaPid = undefined;
}

describe('durable endpoint route (proxy process)', { skip: process.platform !== 'linux', timeout: 120_000 }, () => {
  before(async () => {
    await fleet.startRedis(primary.address);
    await startReplica();
    router = new ProxyRouter({ stateDir: await cleanup.tmpDir('cachefleet-endpoints-durable-') });
    cleanup.defer(() => router.teardown());
    await router.sync([route]);
  });
  after(async () => {
    await stopReplica();
    await fleet.stopAll();
  });

  it('every acknowledged write is on the replica the moment the client gets OK (500 writes)', async () => {
    const c = await fleet.connect(route.address);
    const r = await fleet.connect(replica.address);
    for (let i = 0; i < 500; i++) {
      assert.equal(await c.set(`k${i}`, `v${i}`), 'OK');
      assert.equal(await r.get(`k${i}`), `v${i}`, `write ${i} acknowledged before the replica had it`);
    }
  });

  it('pipelines, transactions and binary values: all on the replica once acknowledged', async () => {
    const c = await fleet.connect(route.address);
    const r = await fleet.connect(replica.address);
    const p = c.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`p${i}`, String(i));
    p.get('p1999');
    const res = await p.exec();
    assert.ok(res!.every(([err]) => err === null));
    assert.equal(res!.at(-1)![1], '1999');
    assert.equal(await r.get('p1999'), '1999');
    assert.equal(await r.get('p0'), '0');
    const tx = await c.multi().incr('counter').incr('counter').exec();
    assert.deepEqual(tx!.map(([, v]) => v), [1, 2]);
    assert.equal(await r.get('counter'), '2');
    const value = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256));
    assert.equal(await c.set(Buffer.from([0, 13, 10, 255]), value), 'OK');
    assert.ok((await r.getBuffer(Buffer.from([0, 13, 10, 255])))!.equals(value));
    assert.ok((await c.getBuffer(Buffer.from([0, 13, 10, 255])))!.equals(value));
  });

  it('pub/sub and blocking commands keep working; HELLO 3 is refused with NOPROTO', async () => {
    const sub = await fleet.connect(route.address);
    const pub = await fleet.connect(route.address);
    const got: string[] = [];
    sub.on('message', (_ch: string, m: string) => got.push(m));
    await sub.subscribe('news');
    await pub.publish('news', 'hello');
    await waitFor(() => got.includes('hello'), { timeoutMs: 3000, what: 'the message' });
    await sub.unsubscribe('news');
    assert.equal(await sub.set('after-pubsub', '1'), 'OK', 'the connection writes again after leaving pub/sub');
    const blocked = pub.blpop('queue', 5);
    const other = await fleet.connect(route.address);
    await other.rpush('queue', 'item');
    assert.deepEqual(await blocked, ['queue', 'item']);
    await assert.rejects(pub.call('HELLO', '3'), /NOPROTO/);
    assert.equal(await pub.ping(), 'PONG', 'the connection is still usable');
  });

  it('with the replica gone, a write gets NOREPLICAS after the timeout; it recovers with the replica', async () => {
    const c = await fleet.connect(route.address);
    assert.equal(await c.set('before', '1'), 'OK');
    await stopReplica();
    const start = Date.now();
    await assert.rejects(c.set('during', '1'), /^ReplyError: NOREPLICAS Not enough good replicas to write\./);
    const took = Date.now() - start;
    assert.ok(took >= TIMEOUT_MS - 50 && took < TIMEOUT_MS + 1500, `NOREPLICAS after ${took} ms (timeout ${TIMEOUT_MS} ms)`);
    assert.equal(await c.get('during'), '1', 'the write exists on the primary: its outcome was unknown, not failed');
    assert.equal(await c.get('before'), '1', 'reads are not delayed');
    await startReplica();
    assert.equal(await c.set('after', '1'), 'OK');
  });

  it('a failover drop closes durable connections to the old target', async () => {
    const c: Redis = await fleet.connect(route.address);
    let closed = false;
    c.on('close', () => (closed = true));
    assert.equal(await c.ping(), 'PONG');
    await router.dropConnections(route.id, primary);
    await waitFor(() => closed, { timeoutMs: 3000, what: 'the durable connection to close' });
  });
});
