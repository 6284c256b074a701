import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheClusterRecord, ReplicationGroupRecord, SecurityGroupRecord } from '../store/index.js';
import { NetworkPolicy } from './network-policy.js';
import { desiredRoutes } from './routes.js';
import { clientTarget, sniffing, transitRoutes } from './transit-routes.js';

type Mode = 'none' | 'preferred' | 'required';
const cluster = (id: string, address: string, want: Mode, live: Mode | undefined, role: 'primary' | 'replica'): CacheClusterRecord => ({
  id, replicationGroupId: 'g', securityGroupIds: ['sg-1'], transitEncryptionEnabled: want !== 'none',
  ...(want !== 'none' ? { transitEncryptionMode: want } : {}),
  nodes: [{ id: '0001', address, port: 6379, ...(live ? { transit: live } : {}), observed: { role, linkUp: true } }],
} as unknown as CacheClusterRecord);
const group = (want: Mode): ReplicationGroupRecord => ({
  id: 'g', memberClusters: ['g-001', 'g-002'], primaryClusterId: 'g-001', securityGroupIds: ['sg-1'],
  transitEncryptionEnabled: want !== 'none', ...(want !== 'none' ? { transitEncryptionMode: want } : {}),
  primaryEndpoint: { address: '127.77.0.10', port: 6379 }, readerEndpoint: { address: '127.77.0.11', port: 6379 },
} as unknown as ReplicationGroupRecord);
const sg: SecurityGroupRecord = {
  groupId: 'sg-1', groupName: 'app', description: '', vpcId: 'v', ownerId: '1', egress: [], tags: [], createdAt: '',
  ingress: [{ ipProtocol: 'tcp', fromPort: 6379, toPort: 6379, ipRanges: [{ cidrIp: '127.0.0.50/32', ruleId: 'r' }], groupPairs: [] }],
};
const MGMT = '127.77.255.254';

function setup(want: Mode, live: Mode | undefined) {
  const clusters = new Map([
    ['g-001', cluster('g-001', '127.77.0.1', want, live, 'primary')],
    ['g-002', cluster('g-002', '127.77.0.2', want, live, 'replica')],
  ]);
  return { clusters, groups: [group(want)] };
}

describe('TransitEncryptionMode preferred endpoints', () => {
  it('a node is fronted while its cluster asks for preferred or it still serves preferred', () => {
    const c = (want: Mode, live?: Mode) => setup(want, live).clusters.get('g-001')!;
    assert.equal(sniffing(c('preferred', 'none'), c('preferred', 'none').nodes[0]!), true);
    assert.equal(sniffing(c('required', 'preferred'), c('required', 'preferred').nodes[0]!), true);
    assert.equal(sniffing(c('none', 'preferred'), c('none', 'preferred').nodes[0]!), true);
    assert.equal(sniffing(c('required', 'required'), c('required', 'required').nodes[0]!), false);
    assert.equal(sniffing(c('required'), c('required').nodes[0]!), false);
    assert.equal(sniffing(c('none'), c('none').nodes[0]!), false);
  });

  it('per node: a NAT rule to the sniffing listener (the service and the nodes exempt) and the listener itself', () => {
    const { clusters, groups } = setup('preferred', 'preferred');
    const routes = transitRoutes(groups, clusters, MGMT);
    const nat = routes.find((r) => r.id === 'g-001/0001')!;
    assert.deepEqual(nat, {
      id: 'g-001/0001', address: '127.77.0.1', port: 6379, targets: [{ address: '127.77.0.1', port: 36379 }],
      exceptSources: ['127.77.0.1', '127.77.0.2', MGMT],
    });
    const listener = routes.find((r) => r.id === 'g-001/0001/tls-sniff')!;
    assert.deepEqual(listener.targets, [{ address: '127.77.0.1', port: 6379 }]);
    assert.deepEqual(listener.tlsTargets, [{ address: '127.77.0.1', port: 26379 }, { address: '127.77.0.1', port: 6379 }]);
    assert.equal(listener.sourceAddress, MGMT);
    assert.equal(listener.port, 36379);
    assert.equal(routes.length, 4);
    // Without a management address the proxy's upstream comes from the node itself (exempt too).
    assert.equal(transitRoutes(groups, clusters, undefined).find((r) => r.id === 'g-002/0001/tls-sniff')!.sourceAddress, '127.77.0.2');
    assert.deepEqual(transitRoutes(setup('required', 'required').groups, setup('required', 'required').clusters, MGMT), []);
  });

  it('group endpoints target the sniffing listeners; plain and required groups the nodes', () => {
    const { clusters, groups } = setup('preferred', 'none');
    const routes = desiredRoutes(groups, clusters);
    assert.deepEqual(routes.find((r) => r.id === 'g/primary')!.targets, [{ address: '127.77.0.1', port: 36379 }]);
    assert.deepEqual(routes.find((r) => r.id === 'g/reader')!.targets, [{ address: '127.77.0.2', port: 36379 }]);
    const req = setup('required', 'required');
    assert.deepEqual(desiredRoutes(req.groups, req.clusters).find((r) => r.id === 'g/primary')!.targets, [{ address: '127.77.0.1', port: 6379 }]);
    assert.deepEqual(clientTarget(req.clusters.get('g-001')!, req.clusters.get('g-001')!.nodes[0]!), { address: '127.77.0.1', port: 6379 });
  });

  it('security groups guard the sniffing listener and the internal TLS port as the node port', () => {
    const { clusters, groups } = setup('preferred', 'preferred');
    const policy = new NetworkPolicy({ groups, clusters, securityGroups: [sg], interfaces: [], managementAddress: MGMT });
    const filters = policy.filters();
    const node = filters.find((f) => f.id === 'g-001/0001')!;
    assert.ok(node.allow.includes('127.0.0.50/32'));
    for (const [id, port] of [['g-001/0001/tls-sniff', 36379], ['g-001/0001/tls', 26379]] as const) {
      const f = filters.find((x) => x.id === id)!;
      assert.equal(f.port, port);
      assert.deepEqual(f.allow, node.allow);
    }
    const routes = policy.applyToRoutes(transitRoutes(groups, clusters, MGMT), filters);
    assert.deepEqual(routes.find((r) => r.id === 'g-001/0001/tls-sniff')!.allow, node.allow, 'the proxy checks its clients too');
  });
});
