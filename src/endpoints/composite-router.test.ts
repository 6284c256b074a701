import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompositeRouter } from './composite-router.js';
import type { EndpointRoute, EndpointRouter, Target } from './types.js';

/** Records what it is asked, in one shared log. */
class FakeRouter implements EndpointRouter {
  routes: EndpointRoute[] = [];
  fail: Error | undefined;
  get filtersEnforced(): boolean { return this.kind === 'nftables'; }
  constructor(readonly kind: 'nftables' | 'proxy', private readonly log: string[]) {}
  async sync(routes: EndpointRoute[]): Promise<void> {
    this.log.push(`${this.kind}.sync ${routes.map((r) => r.id).join(',') || '-'}`);
    if (this.fail) throw this.fail;
    this.routes = routes;
  }
  async dropConnections(routeId: string, t: Target): Promise<void> {
    this.log.push(`${this.kind}.drop ${routeId} ${t.address}`);
  }
  async teardown(): Promise<void> {
    this.log.push(`${this.kind}.teardown`);
  }
}

const T1 = { address: '127.77.0.2', port: 6379 };
const route = (id: string, n: number, durable = false): EndpointRoute => ({
  id, address: `127.77.0.${10 + n}`, port: 6379, targets: [T1], ...(durable ? { durable: { timeoutMs: 500 } } : {}),
});

function setup() {
  const log: string[] = [];
  const nat = new FakeRouter('nftables', log);
  const proxy = new FakeRouter('proxy', log);
  const dropped: string[] = [];
  const router = new CompositeRouter({
    nat, proxy, dropNat: async (e, t) => { dropped.push(`${e.address}->${t.address}`); log.push(`conntrack ${e.address}`); },
  });
  return { log, nat, proxy, dropped, router };
}

describe('CompositeRouter', () => {
  it('splits the routes: durable ones to the proxy, the rest to kernel NAT; kind is NAT\'s', async () => {
    const { router, nat, proxy } = setup();
    assert.equal(router.kind, 'nftables');
    await router.sync([route('a/primary', 1, true), route('a/reader', 2), route('b/primary', 3)]);
    assert.deepEqual(nat.routes.map((r) => r.id), ['a/reader', 'b/primary']);
    assert.deepEqual(proxy.routes.map((r) => r.id), ['a/primary']);
    assert.deepEqual(proxy.routes[0]!.durable, { timeoutMs: 500 });
  });

  it('no durable route: the proxy is only told the empty list', async () => {
    const { router, proxy } = setup();
    await router.sync([route('a/primary', 1)]);
    assert.deepEqual(proxy.routes, []);
  });

  it('dropConnections goes to the side serving the route', async () => {
    const { router, log } = setup();
    await router.sync([route('a/primary', 1, true), route('b/primary', 2)]);
    log.length = 0;
    await router.dropConnections('a/primary', T1);
    await router.dropConnections('b/primary', T1);
    await router.dropConnections('unknown', T1);
    assert.deepEqual(log, ['proxy.drop a/primary 127.77.0.2', 'nftables.drop b/primary 127.77.0.2', 'nftables.drop unknown 127.77.0.2']);
  });

  it('a route becoming durable: the proxy takes it before NAT lets go, then NATed connections are closed', async () => {
    const { router, log, dropped } = setup();
    await router.sync([route('a/primary', 1)]);
    log.length = 0;
    await router.sync([route('a/primary', 1, true)]);
    assert.deepEqual(log, ['proxy.sync a/primary', 'nftables.sync -', 'conntrack 127.77.0.11']);
    assert.deepEqual(dropped, ['127.77.0.11->127.77.0.2']);
  });

  it('a route becoming plain: NAT takes it (its rule wins) before the proxy lets go', async () => {
    const { router, log, dropped } = setup();
    await router.sync([route('a/primary', 1, true)]);
    log.length = 0;
    dropped.length = 0;
    await router.sync([route('a/primary', 1)]);
    assert.deepEqual(log, ['proxy.sync a/primary', 'nftables.sync a/primary', 'proxy.sync -']);
    assert.deepEqual(dropped, []);
  });

  it('one side failing does not stop the other; the error is reported', async () => {
    const { router, nat, proxy } = setup();
    proxy.fail = new Error('EADDRINUSE');
    await assert.rejects(router.sync([route('a/primary', 1, true), route('b/primary', 2)]), /EADDRINUSE/);
    assert.deepEqual(nat.routes.map((r) => r.id), ['b/primary']);
  });

  it('rejects a route set with two routes on one address, whichever sides they go to', async () => {
    const { router } = setup();
    await assert.rejects(router.sync([route('a/primary', 1, true), { ...route('b/primary', 1) }]), /both use/);
  });

  it('sniffing routes (tlsTargets) go to the proxy, routes with source exemptions to NAT', async () => {
    const { router, nat, proxy, log } = setup();
    const node = { address: '127.77.0.2', port: 16379 };
    const sniff: EndpointRoute = { id: 'n/sniff', address: '127.77.0.2', port: 16380, targets: [T1], tlsTargets: [node], sourceAddress: '127.77.255.254' };
    const exempt: EndpointRoute = { id: 'n/node', address: '127.77.0.2', port: 6379, targets: [{ address: '127.77.0.2', port: 16380 }], exceptSources: ['127.77.255.254'] };
    await router.sync([sniff, exempt, route('a/primary', 1)]);
    assert.deepEqual(proxy.routes.map((r) => r.id), ['n/sniff']);
    assert.deepEqual(proxy.routes[0]!.tlsTargets, [node]);
    assert.deepEqual(nat.routes.map((r) => r.id), ['a/primary', 'n/node']);
    assert.deepEqual(nat.routes[1]!.exceptSources, ['127.77.255.254']);
    log.length = 0;
    await router.dropConnections('n/sniff', node);
    await router.dropConnections('n/node', T1);
    assert.deepEqual(log, ['proxy.drop n/sniff 127.77.0.2', 'nftables.drop n/node 127.77.0.2']);
  });

  it('rejects source exemptions on a route the proxy would have to serve', async () => {
    const { router, log } = setup();
    await assert.rejects(router.sync([{ ...route('a/primary', 1, true), exceptSources: ['127.0.0.1'] }]), /durable writes and source exemptions/);
    await assert.rejects(router.sync([{ ...route('a/primary', 1), tlsTargets: [T1], exceptSources: ['127.0.0.1'] }]), /TLS sniffing/);
    assert.deepEqual(log, [], 'nothing programmed');
  });

  it('a NAT route becoming a sniffing one is handed over like one becoming durable', async () => {
    const { router, log, dropped } = setup();
    await router.sync([route('a/primary', 1)]);
    log.length = 0;
    await router.sync([{ ...route('a/primary', 1), tlsTargets: [T1] }]);
    assert.deepEqual(log, ['proxy.sync a/primary', 'nftables.sync -', 'conntrack 127.77.0.11']);
    assert.deepEqual(dropped, ['127.77.0.11->127.77.0.2']);
    log.length = 0;
    await router.sync([{ ...route('a/primary', 1), tlsTargets: [T1] }]);
    assert.deepEqual(log, ['proxy.sync a/primary', 'nftables.sync -'], 'a steady sniffing route drops nothing');
  });

  it('a route leaving the proxy with source exemptions is not kept on the proxy (its address is the node\'s)', async () => {
    const { router, log } = setup();
    await router.sync([route('a/primary', 1, true)]);
    log.length = 0;
    await router.sync([{ ...route('a/primary', 1), exceptSources: ['127.0.0.1'] }]);
    assert.deepEqual(log, ['proxy.sync -', 'nftables.sync a/primary']);
  });

  it('teardown tears down both', async () => {
    const { router, log } = setup();
    await router.teardown();
    assert.deepEqual(log, ['nftables.teardown', 'proxy.teardown']);
  });
});
