import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sourceAllowed } from '../endpoints/addresses.js';
import { normalizeRoutes } from '../endpoints/routes.js';
import type { EndpointRoute, SourceFilter } from '../endpoints/types.js';
import type { CacheClusterRecord, ReplicationGroupRecord, UserGroupSpec, UserSpec } from '../store/index.js';
import { planGateway, planVerifierGroups, type GatewayPlan, type GatewayPlanInput } from './plan.js';

const MGMT = '127.77.255.254';
const group = (id: string, over: Partial<ReplicationGroupRecord> = {}): ReplicationGroupRecord => ({
  id, arn: `arn:rg:${id}`, transitEncryptionEnabled: true, userGroupIds: ['ug'], memberClusters: [`${id}-001`, `${id}-002`],
  primaryEndpoint: { address: '127.77.0.10', port: 6379 }, readerEndpoint: { address: '127.77.0.11', port: 6379 }, ...over,
} as unknown as ReplicationGroupRecord);
const cluster = (id: string, address: string, over: Partial<CacheClusterRecord> = {}): CacheClusterRecord =>
  ({ id, nodes: [{ id: '0001', address, port: 6379 }], ...over } as unknown as CacheClusterRecord);
const clusters = new Map([['g-001', cluster('g-001', '127.77.0.1')], ['g-002', cluster('g-002', '127.77.0.2')]]);

const user = (id: string, type: 'iam' | 'password', over: Partial<UserSpec> = {}): UserSpec => ({
  userId: id, userName: id, arn: `arn:user:${id}`,
  authentication: type === 'iam' ? { type, passwordHashes: ['h'], nodeSecret: `secret-${id}` } : { type, passwordHashes: ['h'] }, ...over,
} as unknown as UserSpec);
const users = new Map([['iam-app', user('iam-app', 'iam')], ['pw', user('pw', 'password')], ['gone', user('gone', 'iam', { deleteRequested: true })]]);
const userGroups = new Map([['ug', { userIds: ['iam-app', 'pw', 'gone'] } as unknown as UserGroupSpec]]);
const iamUsers = { 'iam-app': { arn: 'arn:user:iam-app', nodeSecret: 'secret-iam-app' } };

const routes = (id: string, sourceAddress = MGMT): EndpointRoute[] => [
  { id: `${id}/primary`, address: '127.77.0.10', port: 6379, targets: [{ address: '127.77.0.1', port: 6379 }], allow: ['127.0.0.0/8'], ...(sourceAddress ? { sourceAddress } : {}) },
  { id: `${id}/reader`, address: '127.77.0.11', port: 6379, targets: [] },
];
/** Security groups: each node admits its own group's nodes, the management address and one client range. */
const filters: SourceFilter[] = ['127.77.0.1', '127.77.0.2'].map((a, i) => ({
  id: `g-00${i + 1}/0001`, address: a, port: 6379, allow: ['127.0.9.0/24', '127.77.0.1', '127.77.0.2', MGMT],
}));

const input = (over: Partial<GatewayPlanInput> = {}): GatewayPlanInput => ({
  routes: routes('g'), groups: [group('g')], clusters, filters, managementAddress: MGMT, nodeEndpoints: true, userGroups, users, ...over,
});

/** No upstream connection of the gateway can be translated back to it: its source is exempt from the route it targets. */
function assertNoLoop(plan: GatewayPlan): void {
  const natAt = new Map(plan.routes.map((r) => [`${r.address}:${r.port}`, r]));
  for (const l of plan.listeners) {
    for (const t of l.targets) {
      const r = natAt.get(`${t.address}:${t.port}`);
      if (!r) continue;
      const from = l.sourceAddress ?? t.address; // the gateway's rule (GatewayListener.sourceAddress)
      assert.ok(r.exceptSources && sourceAllowed(from, r.exceptSources),
        `${l.id} connects to ${t.address}:${t.port} from ${from}, which ${r.id} would send back to the gateway`);
    }
  }
}

describe('planGateway', () => {
  it('sends the group endpoints of a group with IAM users through the gateway, with their targets and security groups', () => {
    const plan = planGateway(input());
    assert.deepEqual(plan.routes[0]!.targets, [{ address: '127.77.0.10', port: 46379 }]);
    assert.deepEqual(plan.routes[1]!.targets, [], 'a route with no target stays refused');
    const primary = plan.listeners.find((l) => l.id === 'g/primary');
    assert.deepEqual(primary, {
      id: 'g/primary', address: '127.77.0.10', port: 46379, targets: [{ address: '127.77.0.1', port: 6379 }], groupId: 'g', groupArn: 'arn:rg:g',
      users: iamUsers, certIps: ['127.77.0.1', '127.77.0.10', '127.77.0.11', '127.77.0.2'], mode: 'required',
      allow: ['127.0.0.0/8'], sourceAddress: MGMT,
    });
  });

  it('sends each node endpoint through a listener of its own, by a NAT route that lets the service and the nodes through', () => {
    const plan = planGateway(input());
    const node1 = plan.routes.find((r) => r.id === 'g-001/0001');
    assert.deepEqual(node1, {
      id: 'g-001/0001', address: '127.77.0.1', port: 6379, targets: [{ address: '127.77.0.1', port: 46379 }],
      exceptSources: ['127.77.0.1', '127.77.0.2', MGMT],
    });
    const listener = plan.listeners.find((l) => l.id === 'g-001/0001');
    assert.deepEqual(listener && { targets: listener.targets, at: `${listener.address}:${listener.port}`, allow: listener.allow, from: listener.sourceAddress },
      { targets: [{ address: '127.77.0.1', port: 6379 }], at: '127.77.0.1:46379', allow: filters[0]!.allow, from: MGMT },
      'one target, the node; what the node admits; upstream from the management address');
    assert.equal(plan.listeners.length, 4);
    assertNoLoop(plan);
    assert.doesNotThrow(() => normalizeRoutes(plan.routes), 'one route per address:port, valid for the routers');
  });

  it('without a management address, upstream connections come from the target\'s own address (exempt too)', () => {
    const plan = planGateway(input({ managementAddress: undefined, routes: routes('g', '') }));
    assert.equal(plan.listeners.find((l) => l.id === 'g-002/0001')!.sourceAddress, undefined);
    assert.deepEqual(plan.routes.find((r) => r.id === 'g-002/0001')!.exceptSources, ['127.77.0.1', '127.77.0.2']);
    assertNoLoop(plan);
  });

  it('in cluster mode: the configuration endpoint and every node, no primary or reader endpoint', () => {
    const g = group('g', { clusterEnabled: true, configurationEndpoint: { address: '127.77.0.12', port: 6379 } });
    const config: EndpointRoute = { id: 'g/configuration', address: '127.77.0.12', port: 6379, targets: [{ address: '127.77.0.1', port: 6379 }] };
    const plan = planGateway(input({ groups: [g], routes: [config] }));
    assert.deepEqual(plan.listeners.map((l) => l.id).sort(), ['g-001/0001', 'g-002/0001', 'g/configuration']);
    assert.deepEqual(plan.routes.map((r) => `${r.id} → ${r.targets.map((t) => `${t.address}:${t.port}`).join(',')}`).sort(),
      ['g-001/0001 → 127.77.0.1:46379', 'g-002/0001 → 127.77.0.2:46379', 'g/configuration → 127.77.0.12:46379']);
    assert.deepEqual(plan.listeners[0]!.certIps, ['127.77.0.1', '127.77.0.12', '127.77.0.2']);
    assertNoLoop(plan);
  });

  it('a node fronted for TLS "preferred" keeps its route\'s exemptions; its listener goes on to the sniffing listener', () => {
    const fronted: EndpointRoute = {
      id: 'g-001/0001', address: '127.77.0.1', port: 6379, targets: [{ address: '127.77.0.1', port: 36379 }], exceptSources: ['127.77.0.1', '127.77.0.2', MGMT],
    };
    const plan = planGateway(input({ routes: [...routes('g'), fronted], groups: [group('g', { transitEncryptionMode: 'preferred' })] }));
    assert.deepEqual(plan.routes.find((r) => r.id === 'g-001/0001'), { ...fronted, targets: [{ address: '127.77.0.1', port: 46379 }] });
    const l = plan.listeners.find((x) => x.id === 'g-001/0001')!;
    assert.deepEqual([l.targets, l.mode], [[{ address: '127.77.0.1', port: 36379 }], 'preferred']);
    assert.equal(plan.routes.filter((r) => r.address === '127.77.0.1' && r.port === 6379).length, 1);
  });

  it('without kernel NAT the node endpoints stay redis-server itself, and the plan says which groups lose IAM logins there', () => {
    const plan = planGateway(input({ nodeEndpoints: false }));
    assert.deepEqual(plan.listeners.map((l) => l.id), ['g/primary', 'g/reader']);
    assert.equal(plan.routes.length, 2);
    assert.deepEqual(plan.nodesNotServed, ['g']);
    assert.deepEqual(plan.listeners[0]!.certIps, ['127.77.0.10', '127.77.0.11']);
  });

  it('leaves alone groups without IAM users, without TLS, or being deleted, and nodes being deleted', () => {
    const noIam = new Map([['ug', { userIds: ['pw'] } as unknown as UserGroupSpec]]);
    assert.deepEqual(planGateway(input({ userGroups: noIam })), { routes: routes('g'), listeners: [], nodesNotServed: [] });
    for (const over of [{ transitEncryptionEnabled: false }, { deleteRequested: true }, { userGroupIds: [] }]) {
      assert.deepEqual(planGateway(input({ groups: [group('g', over)] })).listeners, [], JSON.stringify(over));
    }
    const leaving = new Map([...clusters, ['g-002', cluster('g-002', '127.77.0.2', { deleteRequested: true })]]);
    assert.equal(planGateway(input({ clusters: leaving })).routes.some((r) => r.id === 'g-002/0001'), false);
  });
});

describe('planVerifierGroups', () => {
  it('names each group with IAM users (any transit mode), with its live IAM users only', () => {
    const plain = group('p', { transitEncryptionEnabled: false });
    const none = group('n', { userGroupIds: [] });
    const gone = group('d', { deleteRequested: true } as Partial<ReplicationGroupRecord>);
    assert.deepEqual(planVerifierGroups({ groups: [group('g'), plain, none, gone], userGroups, users }), {
      g: { groupId: 'g', groupArn: 'arn:rg:g', users: iamUsers },
      p: { groupId: 'p', groupArn: 'arn:rg:p', users: iamUsers },
    });
  });
});
