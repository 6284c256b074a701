/**
 * The network owner on a fake router and records held in memory: every program carries routes
 * and filters together, a failover's switch points the primary endpoint at the new primary
 * before the old primary's connections are dropped, and a router that cannot filter is reported once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointRoute, EndpointRouter, SourceFilter, Target } from '../endpoints/types.js';
import type { CacheClusterRecord, Kind, ReplicationGroupRecord, SecurityGroupRecord, StateStore, Stored } from '../store/index.js';
import type { Logger } from '../util/logger.js';
import { EndpointNetwork } from './network.js';

type Call = { op: 'sync'; routes: EndpointRoute[]; filters: SourceFilter[] } | { op: 'drop'; routeId: string; target: Target };

/** Records every call, in order; `filtersEnforced` as the kernel (nftables) or the proxy alone. */
function fakeRouter(filtersEnforced = true): EndpointRouter & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    kind: filtersEnforced ? 'nftables' : 'proxy', filtersEnforced, calls,
    sync: async (routes, filters = []) => { calls.push({ op: 'sync', routes, filters }); },
    dropConnections: async (routeId, target) => { calls.push({ op: 'drop', routeId, target }); },
    teardown: async () => undefined,
  };
}

const node = (address: string, role: 'primary' | 'replica') =>
  ({ id: '0001', address, port: 6379, status: 'available', observed: { role, linkUp: true } });
const cluster = (id: string, address: string, role: 'primary' | 'replica', rg = 'g'): CacheClusterRecord =>
  ({ id, replicationGroupId: rg, securityGroupIds: [], status: 'available', nodes: [node(address, role)] } as unknown as CacheClusterRecord);
const group = (extra: Partial<ReplicationGroupRecord> = {}): ReplicationGroupRecord => ({
  id: 'g', status: 'available', primaryClusterId: 'g-001', memberClusters: ['g-001', 'g-002'], securityGroupIds: ['sg-app'],
  cacheParameterGroupName: 'default.redis7',
  primaryEndpoint: { address: '127.66.0.100', port: 6379 }, readerEndpoint: { address: '127.66.0.101', port: 6379 }, ...extra,
} as unknown as ReplicationGroupRecord);
const sgApp = {
  groupId: 'sg-app', groupName: 'app', description: '', vpcId: 'vpc-1', ownerId: '1', egress: [], tags: [], createdAt: '',
  ingress: [{ ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, ipRanges: [{ cidrIp: '127.0.9.0/24', ruleId: 'r' }], groupPairs: [] }],
} as SecurityGroupRecord;

/** Records as the store lists them; only `list` is used. */
class Records {
  readonly docs = new Map<Kind, unknown[]>();
  constructor(groups: ReplicationGroupRecord[], clusters: CacheClusterRecord[], securityGroups: SecurityGroupRecord[] = [sgApp]) {
    this.docs.set('replicationGroup', groups);
    this.docs.set('cacheCluster', clusters);
    this.docs.set('securityGroup', securityGroups);
  }
  clusterMap(): Map<string, CacheClusterRecord> {
    return new Map((this.docs.get('cacheCluster') as CacheClusterRecord[]).map((c) => [c.id, c]));
  }
  store(): Pick<StateStore, 'list' | 'get'> {
    const list = async (kind: Kind) => (this.docs.get(kind) ?? []).map((doc) => ({
      kind, version: 1, doc, id: (doc as { id?: string; groupId?: string }).id ?? (doc as { groupId: string }).groupId,
    }));
    const get = async (kind: Kind, id: string) => (await list(kind)).find((r) => r.id === id);
    return { list, get } as Pick<StateStore, 'list' | 'get'>;
  }
}

function warnings(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const self = {
    lines, debug: () => undefined, info: () => undefined, error: () => undefined,
    warn: (_o: object | string, msg?: string) => { lines.push(msg ?? ''); }, child: () => self,
  };
  return self;
}

const syncs = (calls: Call[]) => calls.filter((c): c is Extract<Call, { op: 'sync' }> => c.op === 'sync');
const route = (c: Extract<Call, { op: 'sync' }>, id: string) => c.routes.find((r) => r.id === id);

describe('endpoint network', () => {
  it('programs routes with their filters in one router sync, the same sets for the same records', async () => {
    const router = fakeRouter();
    const recs = new Records([group()], [cluster('g-001', '127.66.0.1', 'primary'), cluster('g-002', '127.66.0.2', 'replica')]);
    const net = new EndpointNetwork({ store: recs.store(), router, logger: warnings(), managementAddress: '127.66.0.250' });
    await net.sync(recs.clusterMap());
    await net.sync(recs.clusterMap());
    const [first, second] = syncs(router.calls);
    assert.equal(router.calls.length, 2);
    assert.deepEqual(route(first!, 'g/primary')!.targets, [{ address: '127.66.0.1', port: 6379 }]);
    assert.deepEqual(route(first!, 'g/reader')!.targets, [{ address: '127.66.0.2', port: 6379 }]);
    // Every route to a guarded address comes with that address's filter, in the same call.
    const filtered = new Set(first!.filters.map((f) => `${f.address}:${f.port}`));
    for (const r of first!.routes) assert.ok(filtered.has(`${r.address}:${r.port}`), `${r.id} has its filter`);
    assert.deepEqual(first!.filters.map((f) => f.id).sort(), ['g-001/0001', 'g-002/0001', 'g/primary', 'g/reader']);
    assert.deepEqual(route(first!, 'g/primary')!.allow, ['127.0.9.0/24', '127.66.0.1', '127.66.0.2', '127.66.0.250']);
    assert.equal(route(first!, 'g/primary')!.sourceAddress, '127.66.0.250');
    // Unchanged records give identical sets, which the router recognises and skips.
    assert.deepEqual(second, first);
  });

  it('a switch points the primary endpoint at the new primary, then drops connections to the old one', async () => {
    const router = fakeRouter();
    const oldPrimary = cluster('g-001', '127.66.0.1', 'primary');
    const recs = new Records([group()], [oldPrimary, cluster('g-002', '127.66.0.2', 'primary')]);
    const net = new EndpointNetwork({ store: recs.store(), router, logger: warnings() });
    // The group as the failover holds it: new primary chosen, not yet persisted.
    await net.switchEndpoint(group({ primaryClusterId: 'g-002' }), oldPrimary);
    assert.deepEqual(router.calls.map((c) => c.op), ['sync', 'drop']);
    const [program] = syncs(router.calls);
    assert.deepEqual(route(program!, 'g/primary')!.targets, [{ address: '127.66.0.2', port: 6379 }]);
    assert.ok(program!.filters.some((f) => f.id === 'g/primary'), 'the switch programs filters with the routes');
    assert.deepEqual(router.calls[1], { op: 'drop', routeId: 'g/primary', target: { address: '127.66.0.1', port: 6379 } });
  });

  it('drops nothing when the old primary is unknown, or in cluster mode (no primary endpoint)', async () => {
    const router = fakeRouter();
    const old = cluster('c-0001-001', '127.66.0.11', 'primary', 'c');
    const cm = group({ id: 'c', clusterEnabled: true, primaryClusterId: 'c-0001-002', memberClusters: ['c-0001-001', 'c-0001-002'],
      configurationEndpoint: { address: '127.66.0.110', port: 6379 },
      nodeGroups: [{ id: '0001', slots: '0-16383', primaryClusterId: 'c-0001-002', memberClusters: ['c-0001-001', 'c-0001-002'] }] });
    const recs = new Records([cm, group()], [old, cluster('c-0001-002', '127.66.0.12', 'primary', 'c'), cluster('g-001', '127.66.0.1', 'primary')]);
    const net = new EndpointNetwork({ store: recs.store(), router, logger: warnings() });
    await net.switchEndpoint(cm, old);
    await net.switchEndpoint(group(), undefined);
    assert.deepEqual(router.calls.map((c) => c.op), ['sync', 'sync']);
    assert.deepEqual(route(syncs(router.calls)[0]!, 'c/configuration')!.targets, [{ address: '127.66.0.12', port: 6379 }]);
  });

  it('warns once when the router cannot enforce the filters, and not when there are none', async () => {
    const clusters = [cluster('g-001', '127.66.0.1', 'primary'), cluster('g-002', '127.66.0.2', 'replica')];
    const open = new Records([group({ securityGroupIds: [] })], clusters);
    const quiet = warnings();
    await new EndpointNetwork({ store: open.store(), router: fakeRouter(false), logger: quiet }).sync(open.clusterMap());
    assert.deepEqual(quiet.lines, []);

    const guarded = new Records([group()], clusters);
    const log = warnings();
    const net = new EndpointNetwork({ store: guarded.store(), router: fakeRouter(false), logger: log });
    await net.sync(guarded.clusterMap());
    await net.switchEndpoint(group(), undefined);
    await net.sync(guarded.clusterMap());
    assert.equal(log.lines.length, 1);
    assert.match(log.lines[0]!, /security groups are enforced only at group endpoints/);

    const enforced = warnings();
    await new EndpointNetwork({ store: guarded.store(), router: fakeRouter(true), logger: enforced }).sync(guarded.clusterMap());
    assert.deepEqual(enforced.lines, []);
  });
});
