/**
 * LocalProcessProvider.restartOnData on real redis-server processes: a node restarted on an RDB
 * stream (its RDB file a FIFO while it starts) serves that data, keeps its cluster identity, and
 * leaves no FIFO and no RDB file behind; a stream cut short never leaves it serving part of the
 * data (it is started again, empty); a FIFO a killed service left is removed at the next start.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { AdminPool, whenReady } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
let provider: LocalProcessProvider;
const pool = new AdminPool({ commandTimeoutMs: 10_000 });
/** An RDB of 20,000 keys (k0…), with a hash and a key with a TTL. */
let rdb: string;

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-fed-') });
  cleanup.defer(() => pool.closeAll());
  const spec = await testNodeSpec();
  const source = await start(spec);
  const c = pool.client(spec.address, spec.port);
  await whenReady(c);
  for (let i = 0; i < 20_000; i += 1000) {
    await c.mset(...Array.from({ length: 1000 }, (_, k) => [`k${i + k}`, `value-${i + k}`]).flat());
  }
  await c.hset('h', 'f', 'v');
  await c.set('ttl', 'x', 'EX', 3600);
  await c.call('SAVE');
  await provider.stop(spec.key);
  rdb = join(provider.paths(spec.key).dir, 'dump.rdb');
  assert.ok(source.pid);
});

async function start(spec: NodeSpec, fed?: Readable) {
  const st = fed ? await provider.restartOnData(spec, fed) : await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return st;
}

const loaded = async (spec: NodeSpec, keys: number) => {
  const c = pool.client(spec.address, spec.port);
  await waitFor(async () => (await c.dbsize().catch(() => -1)) === keys, { timeoutMs: 20_000, intervalMs: 20, what: `${keys} keys in ${spec.key}` });
  return c;
};

describe('LocalProcessProvider.restartOnData', () => {
  it('restarts a standalone node on the stream: it serves the data, and no FIFO or RDB file is left', async () => {
    const spec = await testNodeSpec();
    const first = await start(spec);
    const c = pool.client(spec.address, spec.port);
    await whenReady(c);
    await c.set('before', '1');
    const st = await start(spec, createReadStream(rdb));
    assert.notEqual(st.pid, first.pid);
    await loaded(spec, 20_002);
    assert.equal(await c.get('k19999'), 'value-19999');
    assert.deepEqual(await c.hgetall('h'), { f: 'v' });
    assert.ok((await c.ttl('ttl')) > 3500);
    assert.equal(await c.get('before'), null, 'the fed data replaced the node\'s data set');
    assert.equal(existsSync(join(provider.paths(spec.key).dir, 'dump.rdb')), false);
  });

  it('keeps a cluster-mode node\'s identity and slots', async () => {
    const spec = await testNodeSpec({ config: { 'cluster-enabled': 'yes', 'cluster-config-file': 'nodes.conf' } });
    await start(spec);
    const c = pool.client(spec.address, spec.port);
    await whenReady(c);
    const id = String(await c.call('CLUSTER', 'MYID'));
    await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await waitFor(async () => String(await c.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), { timeoutMs: 10_000, intervalMs: 20, what: 'cluster ok' });
    await start(spec, createReadStream(rdb));
    await loaded(spec, 20_002);
    assert.equal(String(await c.call('CLUSTER', 'MYID')), id);
    assert.match(String(await c.call('CLUSTER', 'INFO')), /cluster_slots_assigned:16384/);
    // A restarted primary serves once Redis's writable delay (2 s) has passed.
    await waitFor(async () => String(await c.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), { timeoutMs: 10_000, intervalMs: 20, what: 'cluster ok again' });
    assert.equal(await c.get('k7'), 'value-7');
  });

  it('a stream cut short: rejects, and the node runs again on its spec alone, empty', async () => {
    const spec = await testNodeSpec();
    await start(spec);
    const whole = readFileSync(rdb);
    const cut = Readable.from((async function* () {
      yield whole.subarray(0, whole.length >> 1);
      throw new Error('the source failed half-way');
    })());
    await assert.rejects(start(spec, cut), /the source failed half-way/);
    const st = await provider.status(spec.key);
    assert.equal(st.running, true);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    const c = await loaded(spec, 0);
    assert.equal(await c.ping(), 'PONG');
    assert.equal(existsSync(join(provider.paths(spec.key).dir, 'dump.rdb')), false);
  });

  it('a FIFO left in place of the RDB file (a service killed mid-feed) is removed before the node starts', async () => {
    const spec = await testNodeSpec();
    await start(spec);
    await provider.stop(spec.key);
    const fifo = join(provider.paths(spec.key).dir, 'dump.rdb');
    execFileSync('mkfifo', [fifo]);
    assert.ok(lstatSync(fifo).isFIFO());
    await start(spec);
    await loaded(spec, 0);
    assert.equal(existsSync(fifo), false);
  });

  it('refuses a node that loads an append-only file at start, and leaves it as it was', async () => {
    const spec = await testNodeSpec({ config: { appendonly: 'yes' } });
    const st = await start(spec);
    await assert.rejects(provider.restartOnData(spec, createReadStream(rdb)), /append-only file/);
    assert.deepEqual(await provider.status(spec.key), { running: true, pid: st.pid });
  });
});
