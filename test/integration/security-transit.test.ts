/**
 * TLS in transit modes changed live on real processes (reconciler/transit.ts): a primary and its
 * replica go none → preferred → required → preferred → none with CONFIG SET only — same pids,
 * data kept, replication following each step (plaintext in preferred, TLS in required) — and
 * clients see what each mode promises: TLS clients keep their connections through every step,
 * plaintext ones are disconnected when TLS becomes required.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { AdminPool, configGet, observeNode, replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { internalTlsPort, type TransitMode } from '../../src/engine/transit.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { moveTransit, nextTransitStep, readLiveTransit } from '../../src/reconciler/transit.js';
import { NodeSecurity } from '../../src/security/node-security.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
let security: NodeSecurity;
let provider: LocalProcessProvider;
let pool: AdminPool;
let primary: NodeSpec;
let replica: NodeSpec;
const clients: Redis[] = [];

async function node(): Promise<NodeSpec> {
  const base = await testNodeSpec();
  const files = await security.certs.ensure(base.key, [base.address]);
  const spec: NodeSpec = {
    ...base,
    config: {
      user: [`${security.adminUser} on #${security.adminPasswordHash} ~* &* +@all`, 'default on nopass ~* &* +@all'],
      masteruser: security.adminUser, masterauth: security.adminPassword,
    },
  };
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return { ...spec, tls: { ...files, mode: 'preferred' } };
}

function client(spec: NodeSpec, port: number, tls: boolean, extra: RedisOptions = {}): Redis {
  const c = new Redis({
    host: spec.address, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000,
    ...(tls ? { tls: { ca: security.ca.certPem } } : {}), ...extra,
  });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

/** Can a new client of this kind connect and PING on `port`? */
async function reachable(spec: NodeSpec, port: number, tls: boolean): Promise<boolean> {
  const c = client(spec, port, tls);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

/** Moves both nodes, replica first, asserting each is in `want` afterwards. */
async function moveBoth(want: TransitMode): Promise<void> {
  for (const spec of [replica, primary]) {
    // The admin connection made before the step carries every step (it outlives its listener).
    await moveTransit(pool.client(spec.address, spec.port), spec, want);
    security.setNodeTls(spec.address, spec.port, want === 'required');
    assert.equal(await readLiveTransit(pool.client(spec.address, spec.port)), want);
  }
  await waitFor(async () => (await observeNode(pool.client(replica.address, replica.port))).linkUp === true,
    { timeoutMs: 8000, what: `replication link up in mode ${want}` });
}

before(async () => {
  const dir = await cleanup.tmpDir('cachefleet-transit-');
  security = await NodeSecurity.load(dir);
  provider = new LocalProcessProvider({ nodesDir: `${dir}/nodes` });
  pool = new AdminPool({ connection: (a, p) => security.connection(a, p), commandTimeoutMs: 3000 });
  cleanup.defer(() => pool.closeAll());
  [primary, replica] = await Promise.all([node(), node()]);
  await replicaOf(pool.client(replica.address, replica.port), primary);
});

after(() => { for (const c of clients) c.disconnect(); });

describe('transit steps', () => {
  it('go one mode at a time', () => {
    assert.equal(nextTransitStep('none', 'required'), 'preferred');
    assert.equal(nextTransitStep('required', 'none'), 'preferred');
    assert.equal(nextTransitStep('preferred', 'none'), 'none');
    assert.equal(nextTransitStep('preferred', 'required'), 'required');
  });
});

describe('TLS mode changed live on a primary and its replica', () => {
  it('none → preferred → required → preferred → none: same processes, data and replication kept', async () => {
    const pids = await Promise.all([primary, replica].map(async (s) => (await provider.status(s.key)).pid));
    const writer = client(primary, primary.port, false);
    await writer.connect();
    await writer.set('k', 'v0');

    await moveBoth('preferred');
    assert.ok(await reachable(primary, primary.port, false), 'plaintext on the node port');
    assert.ok(await reachable(primary, internalTlsPort(primary.port), true), 'TLS on the internal port');
    assert.equal(await configGet(pool.client(primary.address, primary.port), 'tls-replication'), 'no');
    assert.equal(await writer.set('k', 'v1'), 'OK', 'the plaintext client kept its connection');
    // A TLS client on the internal port: it must survive every step from here on.
    const tlsClient = client(primary, internalTlsPort(primary.port), true);
    await tlsClient.connect();
    await tlsClient.set('t', '1');

    await moveBoth('required');
    await waitFor(() => writer.status === 'end', { timeoutMs: 3000, what: 'the plaintext connection closed when TLS became required' });
    await assert.rejects(writer.ping());
    assert.equal(await reachable(primary, primary.port, false), false, 'plaintext refused');
    assert.ok(await reachable(primary, primary.port, true), 'TLS on the node port');
    assert.equal(await reachable(primary, internalTlsPort(primary.port), true), false, 'internal port closed');
    assert.equal(await tlsClient.incr('t'), 2, 'the TLS client kept its connection');
    assert.equal(await configGet(pool.client(replica.address, replica.port), 'tls-replication'), 'yes');
    const tlsReader = client(replica, replica.port, true);
    await tlsReader.connect();
    await tlsClient.set('k', 'v2');
    await waitFor(async () => (await tlsReader.get('k')) === 'v2', { what: 'a write replicated over TLS' });

    await moveBoth('preferred');
    assert.ok(await reachable(primary, primary.port, false), 'plaintext back on the node port');
    assert.ok(await reachable(primary, internalTlsPort(primary.port), true));
    assert.equal(await tlsClient.incr('t'), 3);

    await moveBoth('none');
    assert.equal(await reachable(primary, internalTlsPort(primary.port), true), false, 'no TLS listener');
    const plain = client(replica, replica.port, false);
    await plain.connect();
    await tlsClient.set('k', 'v3');
    await waitFor(async () => (await plain.get('k')) === 'v3', { what: 'replication after TLS is off' });
    assert.deepEqual(await Promise.all([primary, replica].map(async (s) => (await provider.status(s.key)).pid)), pids, 'no restart');
  });
});
