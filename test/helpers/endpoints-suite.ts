/**
 * The behaviour every EndpointRouter must have, run against real redis-server processes.
 * Tests within the suite run in order and share one router (each sync replaces all routes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { EndpointRoute, EndpointRouter, Target } from '../../src/endpoints/types.js';
import { waitFor } from '../../src/util/wait.js';
import { killControlPlane, startControlPlane } from './endpoints-control-plane.js';
import { TestFleet, bindOf, randomLoopbackPrefix, tryConnect } from './endpoints-redis.js';
import { requireOrSkip } from './prerequisites.js';

export interface RouterSuiteOptions {
  mode: 'nftables' | 'proxy';
  table: string;
  stateDir: string;
  /** What this machine lacks for the suite (e.g. nftables), if anything: it skips, or fails under CI. */
  skip?: string | false;
  /** A fresh router over the same table / state directory: what a restarted control plane builds. */
  newRouter(): EndpointRouter;
  /** Identity of what is programmed; unchanged means a sync did nothing. */
  fingerprint(): Promise<string>;
  /** Checks after teardown that nothing is left (table gone, process gone). */
  assertTornDown(): Promise<void>;
  /** Last-resort cleanup of whatever the router created, even if the tests failed. */
  cleanup(): Promise<void>;
}

export function runRouterSuite(name: string, o: RouterSuiteOptions): void {
  describe(name, { skip: requireOrSkip(o.skip), timeout: 120_000 }, () => {
    const fleet = new TestFleet();
    const prefix = randomLoopbackPrefix();
    const A: Target = { address: `${prefix}.2`, port: 6379 };
    const B: Target = { address: `${prefix}.3`, port: 6379 };
    const endpoint = (n: number): string => `${prefix}.${10 + n}`;
    const route = (n: number, targets: Target[]): EndpointRoute => ({ id: `rg${n}/primary`, address: endpoint(n), port: 6379, targets });
    let router: EndpointRouter;

    before(async () => {
      router = o.newRouter();
      await Promise.all([fleet.startRedis(A.address), fleet.startRedis(B.address)]);
    });

    after(async () => {
      await router?.teardown().catch(() => {});
      await o.cleanup().catch(() => {});
      await fleet.stopAll();
    });

    it('a route to one node answers PING through the endpoint address', async () => {
      await router.sync([route(1, [A])]);
      const c = await fleet.connect(endpoint(1));
      assert.equal(await c.ping(), 'PONG');
      assert.equal(await bindOf(c), A.address);
    });

    it('round robin over two nodes alternates', async () => {
      await router.sync([route(2, [A, B])]);
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) seen.push(await fleet.landsOn(endpoint(2)));
      for (let i = 1; i < seen.length; i++) assert.notEqual(seen[i], seen[i - 1], `alternates: ${seen.join(' ')}`);
      assert.deepEqual(new Set(seen), new Set([A.address, B.address]));
    });

    it('retargeting sends new connections to the new target; an existing one keeps working', async () => {
      await router.sync([route(3, [A])]);
      const existing = await fleet.connect(endpoint(3));
      assert.equal(await bindOf(existing), A.address);
      await router.sync([route(3, [B])]);
      assert.equal(await fleet.landsOn(endpoint(3)), B.address);
      assert.equal(await bindOf(existing), A.address);
      assert.equal(await existing.set('k', 'v'), 'OK');
    });

    it('a new router instance adopts what is programmed (no-op sync, connections survive)', async () => {
      const routes = [route(4, [A])];
      await router.sync(routes);
      const existing = await fleet.connect(endpoint(4));
      const before = await o.fingerprint();
      router = o.newRouter();
      await router.sync(routes);
      assert.equal(await o.fingerprint(), before, 'the sync changed nothing');
      assert.equal(await existing.ping(), 'PONG');
      assert.equal(await fleet.landsOn(endpoint(4)), A.address);
    });

    it('zero targets refuses connections fast', async () => {
      await router.sync([route(5, [A])]);
      assert.equal(await fleet.landsOn(endpoint(5)), A.address);
      await router.sync([route(5, [])]);
      const r = await tryConnect(endpoint(5), 6379);
      assert.equal(r.result, 'ECONNREFUSED');
      assert.ok(r.ms < 1000, `refused in ${r.ms} ms`);
    });

    it('dropConnections closes connections to the old target only', async () => {
      await router.sync([route(6, [A])]);
      const old = await fleet.connect(endpoint(6));
      await old.client('SETNAME', 'probe-old');
      let oldClosed = false;
      old.on('close', () => (oldClosed = true));
      await router.sync([route(6, [B])]);
      const fresh = await fleet.connect(endpoint(6));
      assert.equal(await bindOf(fresh), B.address);
      await router.dropConnections(route(6, []).id, A);
      // Closed without the client having to send anything (an idle subscriber must notice too).
      await waitFor(() => oldClosed, { timeoutMs: 3000, what: 'the old connection to close' });
      assert.equal(await fresh.ping(), 'PONG');
      // The old server is not left holding a half-open client.
      const direct = await fleet.connect(A.address);
      await waitFor(async () => !String(await direct.client('LIST')).includes('name=probe-old'), { timeoutMs: 3000, what: 'old server to lose the client' });
      await assert.rejects(router.dropConnections('no-such-route', A), /unknown endpoint route/);
    });

    it('keeps serving after the control plane is killed (-9); a restarted one adopts', async () => {
      const routes = [route(7, [A])];
      const cp = await startControlPlane({ mode: o.mode, table: o.table, stateDir: o.stateDir, routes });
      let existing: Redis;
      try {
        existing = await fleet.connect(endpoint(7));
        assert.equal(await existing.ping(), 'PONG');
      } finally {
        await killControlPlane(cp);
      }
      assert.equal(await existing.ping(), 'PONG');
      assert.equal(await fleet.landsOn(endpoint(7)), A.address);
      const before = await o.fingerprint();
      router = o.newRouter();
      await router.sync(routes);
      assert.equal(await o.fingerprint(), before, 'the restarted control plane changed nothing');
      assert.equal(await existing.ping(), 'PONG');
    });

    it('teardown removes every route and whatever the router runs', async () => {
      await router.sync([route(8, [A]), route(9, [A, B])]);
      assert.equal(await fleet.landsOn(endpoint(8)), A.address);
      await router.teardown();
      assert.equal((await tryConnect(endpoint(8), 6379)).result, 'ECONNREFUSED');
      assert.equal((await tryConnect(endpoint(9), 6379)).result, 'ECONNREFUSED');
      await o.assertTornDown();
      await router.teardown(); // idempotent
    });
  });
}
