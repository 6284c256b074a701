/**
 * Durable endpoint routes (cachefleet-durable-writes) through the real proxy process, against a
 * real primary and replica: a write is acknowledged only once the replica has it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createEndpointRouter } from '../../src/endpoints/index.js';
import { execTool } from '../../src/endpoints/exec.js';
import { NftablesRouter } from '../../src/endpoints/nftables-router.js';
import { ProxyRouter } from '../../src/endpoints/proxy-router.js';
import type { ProxyStatus } from '../../src/endpoints/proxy-files.js';
import type { EndpointRoute, Target } from '../../src/endpoints/types.js';
import { waitFor } from '../../src/util/wait.js';
import { killVerified, useCleanup } from '../helpers/cleanup.js';
import { TestFleet, randomLoopbackPrefix, tryConnect } from '../helpers/endpoints-redis.js';
import { requireOrSkip } from '../helpers/prerequisites.js';

const cleanup = useCleanup();
const fleet = new TestFleet();
const prefix = randomLoopbackPrefix();
const primary: Target = { address: `${prefix}.2`, port: 6379 };
const replica: Target = { address: `${prefix}.3`, port: 6379 };
// Long enough that a busy host (the whole suite on 2 cores) does not hold a replica's ACK past it.
const TIMEOUT_MS = 1000;
const route: EndpointRoute = { id: 'dur/primary', address: `${prefix}.10`, port: 6379, targets: [primary], durable: { timeoutMs: TIMEOUT_MS } };
let router: ProxyRouter;
let replicaPid: number | undefined;

/** A redis-server we can kill ourselves (the replica); tracked for cleanup by pid and bind address. */
async function startReplica(): Promise<void> {
  const proc = spawn('redis-server', ['--bind', replica.address, '--port', String(replica.port), '--save', '', '--appendonly', 'no',
    // A directory of its own: its full sync goes through a dump.rdb there (repl-diskless-load disabled).
    '--dir', await cleanup.tmpDir('cachefleet-durable-replica-'), '--replicaof', primary.address, String(primary.port)], { stdio: 'ignore' });
  replicaPid = proc.pid;
  cleanup.trackPid(proc.pid, `${replica.address}:${replica.port}`);
  // In sync as both ends see it: the replica's link is up, and the primary has its ACK of
  // everything (WAIT 1). After a diskless sync Redis 7.0 streams commands to the replica, GETACK
  // included, only from the ACK the replica sends once it has loaded: until that ACK arrives, WAIT
  // counts no replica and a durable write is rightly refused NOREPLICAS.
  const ask = async <T>(at: string, fn: (c: Redis) => Promise<T>): Promise<T> => {
    const c = await fleet.connect(at);
    try {
      return await fn(c);
    } finally {
      fleet.close(c);
    }
  };
  await waitFor(async () => /master_link_status:up/.test(await ask(replica.address, (c) => c.info('replication'))) &&
    Number(await ask(primary.address, (c) => c.call('WAIT', 1, 100))) === 1, { timeoutMs: 10_000, what: 'the replica to be in sync' });
}

async function stopReplica(): Promise<void> {
  if (replicaPid !== undefined) await killVerified(replicaPid, `${replica.address}:${replica.port}`);
  replicaPid = undefined;
}

// One primary and its replica for the whole file.
before(async () => {
  await fleet.startRedis(primary.address);
  await startReplica();
});
after(async () => {
  await stopReplica();
  await fleet.stopAll();
});

describe('durable endpoint route (proxy process)', { skip: process.platform !== 'linux', timeout: 120_000 }, () => {
  before(async () => {
    router = new ProxyRouter({ stateDir: await cleanup.tmpDir('cachefleet-endpoints-durable-') });
    cleanup.defer(() => router.teardown());
    await router.sync([route]);
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

describe('no durable route, no proxy process', { timeout: 30_000 }, () => {
  it('a ProxyRouter asked to serve no route starts nothing', async () => {
    const dir = await cleanup.tmpDir('cachefleet-endpoints-empty-');
    const empty = new ProxyRouter({ stateDir: dir });
    await empty.sync([]);
    await empty.sync([]);
    assert.equal(empty.proxyPid(), undefined);
    assert.equal(existsSync(join(dir, 'routes.json')), false);
    await empty.teardown();
  });
});

const nft = await NftablesRouter.available();
describe('CompositeRouter: kernel NAT for plain routes, the proxy for durable ones', {
  skip: requireOrSkip(!nft && 'nftables not usable here (needs nft and root)'), timeout: 120_000,
}, () => {
  const table = `cftest_${process.pid}_${randomBytes(4).toString('hex')}`;
  const D: EndpointRoute = { id: 'c/durable', address: `${prefix}.20`, port: 6379, targets: [primary], durable: { timeoutMs: 500 } };
  const P: EndpointRoute = { id: 'c/plain', address: `${prefix}.21`, port: 6379, targets: [primary] };
  let stateDir: string;
  const listening = (): string[] => {
    try {
      return (JSON.parse(readFileSync(join(stateDir, 'proxy-status.json'), 'utf8')) as ProxyStatus).listening;
    } catch {
      return [];
    }
  };

  before(async () => {
    stateDir = await cleanup.tmpDir('cachefleet-endpoints-composite-');
    cleanup.defer(() => execTool('nft', ['delete', 'table', 'ip', table]).catch(() => {}));
  });

  it('splits the routes, hands a route over both ways, and tears both sides down', async () => {
    const router = await createEndpointRouter({ mode: 'auto', table, stateDir });
    cleanup.defer(() => router.teardown());
    assert.equal(router.kind, 'nftables');
    await router.sync([P]);
    assert.equal(existsSync(join(stateDir, 'proxy.pid')), false, 'no proxy process while no route is durable');
    await router.sync([D, P]);
    assert.deepEqual(listening(), [`${D.address}:6379`], 'only the durable route is on the proxy');
    const r = await fleet.connect(replica.address);
    const d = await fleet.connect(D.address);
    for (let i = 0; i < 50; i++) {
      assert.equal(await d.set(`c${i}`, 'x'), 'OK');
      assert.equal(await r.get(`c${i}`), 'x');
    }
    const natClient = await fleet.connect(P.address);
    assert.equal(await natClient.ping(), 'PONG');
    let natClosed = false;
    natClient.on('close', () => (natClosed = true));
    // The plain route becomes durable: NAT connections on it are closed, clients come back durable.
    await router.sync([D, { ...P, durable: { timeoutMs: 500 } }]);
    await waitFor(() => natClosed, { timeoutMs: 3000, what: 'the NAT connection to close' });
    assert.deepEqual(listening().sort(), [`${D.address}:6379`, `${P.address}:6379`].sort());
    const again = await fleet.connect(P.address);
    assert.equal(await again.set('p', '1'), 'OK');
    assert.equal(await r.get('p'), '1');
    // And back: kernel NAT takes it. The connection made meanwhile may be closed by the handover
    // (its client reconnects); a new connection goes through NAT to the primary and writes.
    await router.sync([D, P]);
    assert.deepEqual(listening(), [`${D.address}:6379`]);
    const afterHandback = await fleet.connect(P.address);
    assert.equal(await afterHandback.set('q', '1'), 'OK');
    await waitFor(async () => (await r.get('q')) === '1', { timeoutMs: 3000, what: 'q to reach the replica' });
    assert.equal(await fleet.landsOn(P.address), primary.address);
    await router.dropConnections(D.id, primary); // goes to the proxy, which knows the route
    await router.teardown();
    assert.equal((await tryConnect(D.address, 6379)).result, 'ECONNREFUSED');
    assert.equal((await tryConnect(P.address, 6379)).result, 'ECONNREFUSED');
    assert.notEqual((await execTool('nft', ['list', 'table', 'ip', table])).code, 0, 'table is gone');
    await waitFor(() => !existsSync(join(stateDir, 'proxy.pid')), { timeoutMs: 5000, what: 'the proxy to exit' });
  });
});
