/**
 * LocalProcessProvider on real redis-server processes: start, idempotence, adoption by a new
 * provider instance, config errors, port conflicts, stop/remove/restart.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AdminPool, configGet, whenReady } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { pidIsNode } from '../../src/engine/proc.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { useCleanup, pidGone } from '../helpers/cleanup.js';
import { isFree } from '../helpers/net.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
let nodesDir: string;
let provider: LocalProcessProvider;
const pool = new AdminPool();

before(async () => {
  nodesDir = await cleanup.tmpDir('cachefleet-engine-');
  provider = new LocalProcessProvider({ nodesDir });
  cleanup.defer(() => pool.closeAll());
});

/** Starts a node and registers its pid for the after() cleanup, whatever the test does next. */
async function start(spec: NodeSpec, p = provider) {
  const st = await p.ensureRunning(spec);
  cleanup.trackPid(st.pid, p.paths(spec.key).conf);
  return st;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('LocalProcessProvider', () => {
  it('starts a node that answers PING; ensureRunning again keeps the same process', async () => {
    const spec = await testNodeSpec();
    const st = await start(spec);
    assert.equal(st.running, true);
    assert.ok(st.pid);
    const client = pool.client(spec.address, spec.port);
    await whenReady(client);
    assert.equal(await client.ping(), 'PONG');

    assert.deepEqual(await provider.ensureRunning(spec), { running: true, pid: st.pid });
    // A changed config is written to redis.conf but does not restart the node.
    const changed = { ...spec, config: { maxmemory: '32mb' } };
    assert.deepEqual(await provider.ensureRunning(changed), { running: true, pid: st.pid });
    assert.match(readFileSync(provider.paths(spec.key).conf, 'utf8'), /^maxmemory 32mb$/m);
    assert.equal(await configGet(client, 'maxmemory'), '0');
    assert.ok((await provider.list()).includes(spec.key));
  });

  it('starts the node with the rendered config (quoting survives redis.conf parsing)', async () => {
    const spec = await testNodeSpec({
      config: {
        'notify-keyspace-events': '',
        save: '900 1',
        'client-output-buffer-limit': ['replica 256mb 64mb 60', 'pubsub 32mb 8mb 60'],
        maxmemory: '64mb',
        'maxmemory-policy': 'allkeys-lru',
        'rename-command': 'FLUSHALL ""',
      },
    });
    await start(spec);
    const c = pool.client(spec.address, spec.port);
    await whenReady(c);
    await assert.rejects(c.flushall(), /unknown command/i);
    assert.equal(await configGet(c, 'notify-keyspace-events'), '');
    assert.equal(await configGet(c, 'save'), '900 1');
    assert.match((await configGet(c, 'client-output-buffer-limit'))!, /slave 268435456 67108864 60 pubsub 33554432 8388608 60/);
    assert.equal(await configGet(c, 'maxmemory'), String(64 * 1024 * 1024));
    assert.equal(await configGet(c, 'maxmemory-policy'), 'allkeys-lru');
    assert.equal(await configGet(c, 'repl-diskless-sync-delay'), '0');
    assert.equal(await configGet(c, 'appendonly'), 'no');
  });

  it('a new provider instance adopts the running node (control-plane restart)', async () => {
    const spec = await testNodeSpec();
    const st = await start(spec);
    const reborn = new LocalProcessProvider({ nodesDir });
    assert.deepEqual(await reborn.status(spec.key), { running: true, pid: st.pid });
    assert.deepEqual(await reborn.ensureRunning(spec), { running: true, pid: st.pid });
    assert.ok((await reborn.list()).includes(spec.key));
    await reborn.stop(spec.key);
    await waitGone(st.pid!);
    // The provider that spawned it learns of the end from the child's exit event, which comes once
    // this process has reaped it: a moment after the pid became a zombie (which waitGone counts as gone).
    const { waitFor } = await import('../../src/util/wait.js');
    await waitFor(async () => !(await provider.status(spec.key)).running, { timeoutMs: 5000, what: 'the spawning provider to see the node ended' });
  });

  it('reports why a node with an invalid config cannot start', async () => {
    const spec = await testNodeSpec({ config: { 'maxmemory-policy': 'bogus' } });
    await assert.rejects(provider.ensureRunning(spec), /exited during startup \(code 1[\s\S]*maxmemory-policy/);
    const st = await provider.status(spec.key);
    assert.equal(st.running, false);
    assert.equal(st.lastExit?.code, 1);
    assert.match(st.lastExit!.logTail, /FATAL CONFIG FILE ERROR[\s\S]*bogus/);
    // Still known after a control-plane restart (persisted exit record + log tail).
    const later = await new LocalProcessProvider({ nodesDir }).status(spec.key);
    assert.equal(later.lastExit?.code, 1);
    assert.match(later.lastExit!.logTail, /maxmemory-policy/);
  });

  it('refuses a taken endpoint and names who holds it', async () => {
    const a = await testNodeSpec();
    const st = await start(a);
    const b = await testNodeSpec({ address: a.address, port: a.port });
    await assert.rejects(provider.ensureRunning(b), new RegExp(`in use by node ${a.key} \\(pid ${st.pid}\\)`));

    const other = await testNodeSpec();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen({ host: other.address, port: other.port }, r));
    try {
      await assert.rejects(provider.ensureRunning(other), new RegExp(`in use by pid ${process.pid}\\b`));
    } finally {
      srv.close();
    }
  });

  it('stop leaves no process and frees the port; remove deletes the node', async () => {
    const spec = await testNodeSpec();
    const { pid } = await start(spec);
    await provider.stop(spec.key);
    assert.equal(pidExists(pid!), false, 'our own child is reaped by the time stop() resolves');
    assert.equal(await isFree(spec.address, spec.port), true);
    assert.equal((await provider.status(spec.key)).running, false);
    await provider.stop(spec.key); // idempotent

    const again = await start(spec);
    assert.notEqual(again.pid, pid);
    await provider.remove(spec.key);
    assert.equal(pidExists(again.pid!), false);
    assert.equal(await isFree(spec.address, spec.port), true);
    assert.equal(existsSync(join(nodesDir, spec.key)), false);
    assert.ok(!(await provider.list()).includes(spec.key));
  });

  it('stop escalates to SIGKILL when the process does not exit on SIGTERM', async () => {
    const spec = await testNodeSpec();
    const { pid } = await start(spec);
    process.kill(pid!, 'SIGSTOP'); // a stopped process cannot act on SIGTERM
    const t0 = Date.now();
    await provider.stop(spec.key, { timeoutMs: 300 });
    assert.ok(Date.now() - t0 >= 300);
    assert.equal(pidExists(pid!), false);
    assert.equal((await provider.status(spec.key)).lastExit?.signal, 'SIGKILL');
  });

  it('a node killed while status() checks its pid is reported gone, not alive', async () => {
    // status() re-verifies a pid every pidReverifyMs (0 here: every call). The kill is made to land
    // between the look at /proc (the process is there) and the cache's update: the exit event
    // comes first, and the stale answer must not bring the node back to life.
    let killBeforeAnswer = false;
    let exited: () => void = () => undefined;
    const p = new LocalProcessProvider({
      nodesDir, pidReverifyMs: 0,
      verifyPid: async (pid, conf) => {
        const answer = await pidIsNode(pid, conf);
        if (killBeforeAnswer && answer) {
          killBeforeAnswer = false;
          const reported = new Promise<void>((r) => { exited = r; });
          process.kill(pid, 'SIGKILL');
          await reported;
        }
        return answer;
      },
    });
    p.onExit(() => exited());
    const spec = await testNodeSpec();
    const { pid } = await start(spec, p);
    assert.equal((await p.status(spec.key)).running, true);
    killBeforeAnswer = true;
    const st = await p.status(spec.key);
    assert.equal(pidExists(pid!), false);
    assert.equal(st.running, false, 'the node is not running');
    assert.equal(p.isAlive(spec.key), false, 'the health monitor hears it is gone');
    assert.equal((await p.status(spec.key)).lastExit?.signal, 'SIGKILL');
  });

  it('restart replaces the process and applies the new config', async () => {
    const spec = await testNodeSpec();
    const { pid } = await start(spec);
    const st = await provider.restart({ ...spec, config: { maxmemory: '16mb' } });
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    assert.notEqual(st.pid, pid);
    assert.equal(pidExists(pid!), false);
    pool.release(spec.address, spec.port);
    assert.equal(await configGet(pool.client(spec.address, spec.port), 'maxmemory'), String(16 * 1024 * 1024));
  });

  it('refuses specs that would move managed directives or escape nodesDir', async () => {
    const spec = await testNodeSpec();
    await assert.rejects(provider.ensureRunning({ ...spec, config: { dir: '/' } }), /managed/);
    await assert.rejects(provider.ensureRunning({ ...spec, key: '../evil' }), /invalid node key/);
    await assert.rejects(provider.ensureRunning({ ...spec, binary: 'no-such-redis-server-binary' }), /cannot start/);
  });
});

async function waitGone(pid: number) {
  const { waitFor } = await import('../../src/util/wait.js');
  await waitFor(() => pidGone(pid), { timeoutMs: 5000, what: `pid ${pid} to exit` });
}
