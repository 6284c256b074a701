/** ProxyRouter (detached userspace proxy process) against real redis-server processes. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProxyRouter } from '../../src/endpoints/proxy-router.js';
import { createEndpointRouter } from '../../src/endpoints/index.js';
import { waitFor } from '../../src/util/wait.js';
import { runRouterSuite } from '../helpers/endpoints-suite.js';
import { TestFleet, randomLoopbackPrefix, tryConnect } from '../helpers/endpoints-redis.js';

const dirs: string[] = [];
const newStateDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cachefleet-endpoints-proxy-'));
  dirs.push(d);
  return d;
};

/** Every live process whose command line names this state dir's routes.json (zombies have none). */
function proxyPids(stateDir: string): number[] {
  const routes = join(stateDir, 'routes.json');
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(routes) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

/** Kills only proxies we started (found by their routes.json path) and removes the state dirs. */
after(async () => {
  for (const d of dirs) {
    for (const pid of proxyPids(d)) process.kill(pid, 'SIGKILL');
    rmSync(d, { recursive: true, force: true });
  }
});

const fingerprint = async (stateDir: string): Promise<string> => {
  const routes = join(stateDir, 'routes.json');
  return JSON.stringify([proxyPids(stateDir), statSync(routes).mtimeMs, readFileSync(join(stateDir, 'proxy-status.json'), 'utf8')]);
};

const suiteDir = newStateDir();
runRouterSuite('ProxyRouter', {
  mode: 'proxy',
  table: 'unused_by_proxy',
  stateDir: suiteDir,
  skip: process.platform === 'linux' ? undefined : 'the test inspects /proc',
  newRouter: () => new ProxyRouter({ stateDir: suiteDir }),
  fingerprint: () => fingerprint(suiteDir),
  assertTornDown: async () => {
    assert.deepEqual(proxyPids(suiteDir), [], 'proxy process exited');
    assert.equal(existsSync(join(suiteDir, 'routes.json')), false);
  },
  cleanup: async () => {},
});

describe('ProxyRouter process lifecycle', { skip: process.platform !== 'linux', timeout: 60_000 }, () => {
  const fleet = new TestFleet();
  const prefix = randomLoopbackPrefix();
  const node = { address: `${prefix}.2`, port: 6379 };
  const route = { id: 'life/primary', address: `${prefix}.10`, port: 6379, targets: [node] };

  before(() => fleet.startRedis(node.address));
  after(() => fleet.stopAll());

  it('runs detached, in its own session, and exits by itself when routes.json disappears', async () => {
    const dir = newStateDir();
    const router = new ProxyRouter({ stateDir: dir });
    await router.sync([route]);
    const pid = router.proxyPid()!;
    assert.deepEqual(proxyPids(dir), [pid]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    assert.notEqual(Number(stat[3]), process.pid, 'not in our session'); // field 6: session id
    assert.equal(await fleet.landsOn(route.address), node.address);
    unlinkSync(join(dir, 'routes.json')); // what teardown does, minus the waiting
    await waitFor(() => proxyPids(dir).length === 0, { timeoutMs: 5000, what: 'proxy to exit' });
    assert.equal((await tryConnect(route.address, 6379)).result, 'ECONNREFUSED');
  });

  it('reports a route it cannot listen on, and serves it once the address is free', async () => {
    const dir = newStateDir();
    const router = new ProxyRouter({ stateDir: dir, timeoutMs: 5000 });
    const taken = { ...route, id: 'life/taken', address: `${prefix}.11` };
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(6379, taken.address, r));
    try {
      await assert.rejects(router.sync([route, taken]), /cannot serve.*life\/taken.*EADDRINUSE/);
      assert.equal(await fleet.landsOn(route.address), node.address, 'the other route is served');
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // The proxy retries on its periodic re-scan; the next sync then succeeds.
    await waitFor(() => router.sync([route, taken]).then(() => true), { timeoutMs: 5000, what: 'proxy to take over the address' });
    assert.equal(await fleet.landsOn(taken.address), node.address);
    await router.teardown();
    assert.deepEqual(proxyPids(dir), []);
  });

  it("admits only a route's allowed sources, and connects upstream from its source address", async () => {
    const dir = newStateDir();
    const router = new ProxyRouter({ stateDir: dir });
    const guarded = { ...route, id: 'life/guarded', address: `${prefix}.12`, allow: [`${prefix}.50`], sourceAddress: `${prefix}.60` };
    await router.sync([guarded]);
    /** PING from `from`: the reply, or how the connection ended. */
    const ping = (from: string): Promise<string> => new Promise((resolve) => {
      const s = net.connect({ host: guarded.address, port: 6379, localAddress: from });
      s.setTimeout(3000, () => { s.destroy(); resolve('timeout'); });
      s.once('connect', () => s.write('CLIENT INFO\r\n'));
      s.once('data', (d) => { s.destroy(); resolve(d.toString()); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.once('close', () => resolve('closed'));
    });
    const admitted = await ping(`${prefix}.50`);
    assert.match(admitted, new RegExp(`addr=${prefix.replace(/\./g, '\\.')}\\.60:`), 'the node sees the proxy\'s source address');
    assert.match(await ping(`${prefix}.51`), /^(ECONNRESET|closed)$/);
    await router.teardown();
  });

  it('mode "proxy" builds a ProxyRouter', async () => {
    const router = await createEndpointRouter({ mode: 'proxy', table: 'x', stateDir: newStateDir() });
    assert.equal(router.kind, 'proxy');
  });
});
