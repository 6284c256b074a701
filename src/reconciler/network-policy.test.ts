import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetworkPolicy } from './network-policy.js';
import type { CacheClusterRecord, NetworkInterfaceRecord, ReplicationGroupRecord, SecurityGroupRecord } from '../store/index.js';

const sg = (groupId: string, ingress: SecurityGroupRecord['ingress']): SecurityGroupRecord => ({
  groupId, groupName: groupId, description: '', vpcId: 'vpc-1', ownerId: '1', ingress, egress: [], tags: [], createdAt: '',
});
const tcp = (from: number, to: number, cidrs: string[], groups: string[] = []): SecurityGroupRecord['ingress'][number] => ({
  ipProtocol: 'tcp', fromPort: from, toPort: to,
  ipRanges: cidrs.map((cidrIp, i) => ({ cidrIp, ruleId: `sgr-c${i}` })),
  groupPairs: groups.map((groupId, i) => ({ groupId, ruleId: `sgr-g${i}` })),
});
const cluster = (id: string, address: string, rg?: string, sgs: string[] = []): CacheClusterRecord => ({
  id, replicationGroupId: rg, securityGroupIds: sgs, nodes: [{ id: '0001', address, port: 6379 }],
} as unknown as CacheClusterRecord);
const group = (id: string, members: string[], sgs: string[], extra: Partial<ReplicationGroupRecord> = {}): ReplicationGroupRecord => ({
  id, memberClusters: members, securityGroupIds: sgs,
  primaryEndpoint: { address: '127.77.0.100', port: 6379 }, readerEndpoint: { address: '127.77.0.101', port: 6379 }, ...extra,
} as unknown as ReplicationGroupRecord);
const eni = (address: string, groupIds: string[]): NetworkInterfaceRecord => ({
  networkInterfaceId: `eni-${address}`, subnetId: 's', description: '', privateIpAddress: address, groupIds, tags: [], createdAt: '',
});

describe('network policy from security groups', () => {
  const clusters = new Map([
    ['rg-001', cluster('rg-001', '127.77.0.1', 'rg')],
    ['rg-002', cluster('rg-002', '127.77.0.2', 'rg')],
    ['open-001', cluster('open-001', '127.77.0.3', 'open')],
  ]);
  const groups = [group('rg', ['rg-001', 'rg-002'], ['sg-redis']), group('open', ['open-001'], [])];
  const securityGroups = [
    sg('sg-redis', [tcp(6379, 6379, ['127.0.5.0/24'], ['sg-app']), tcp(7000, 7100, ['127.9.9.9/32'])]),
    sg('sg-app', []),
  ];
  const interfaces = [eni('127.0.0.50', ['sg-app']), eni('127.0.0.60', ['sg-other'])];
  const policy = new NetworkPolicy({ groups, clusters, securityGroups, interfaces, managementAddress: '127.77.0.250' });

  it('guards every endpoint and node of a cache with security groups, and nothing of an open cache', () => {
    const filters = policy.filters();
    assert.deepEqual(filters.map((f) => f.id).sort(), ['rg-001/0001', 'rg-002/0001', 'rg/primary', 'rg/reader']);
    const expected = ['127.0.0.50', '127.0.5.0/24', '127.77.0.1', '127.77.0.2', '127.77.0.250'];
    for (const f of filters) assert.deepEqual(f.allow, expected, f.id);
  });

  it('admits a rule only for the ports it covers, and a source group only through its members', () => {
    assert.deepEqual(policy.allowed(['sg-redis'], 7050, []), ['127.9.9.9/32']);
    assert.deepEqual(policy.allowed(['sg-redis'], 6380, []), []);
    assert.deepEqual(policy.allowed(['sg-missing'], 6379, ['127.1.1.1']), ['127.1.1.1'], 'a missing group admits nobody');
    const all = new NetworkPolicy({ groups, clusters, interfaces,
      securityGroups: [sg('sg-all', [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0', ruleId: 'r' }], groupPairs: [] }])] });
    assert.deepEqual(all.allowed(['sg-all'], 1234, []), ['0.0.0.0/0']);
  });

  it('counts cache nodes carrying a group as its members', () => {
    const p = new NetworkPolicy({ groups, clusters, interfaces, securityGroups: [sg('sg-x', [tcp(6379, 6379, [], ['sg-redis'])])] });
    assert.deepEqual(p.allowed(['sg-x'], 6379, []), ['127.77.0.1', '127.77.0.2']);
  });

  it('guards the cluster bus of a cluster-mode cache to its own nodes, and its configuration endpoint', () => {
    const cm = group('cm', ['cm-0001-001'], ['sg-redis'], { clusterEnabled: true, configurationEndpoint: { address: '127.77.0.110', port: 6379 } });
    const p = new NetworkPolicy({ groups: [cm], clusters: new Map([['cm-0001-001', cluster('cm-0001-001', '127.77.0.9', 'cm')]]), securityGroups, interfaces });
    const byId = new Map(p.filters().map((f) => [f.id, f]));
    assert.deepEqual([...byId.keys()].sort(), ['cm-0001-001/0001', 'cm-0001-001/0001/bus', 'cm/configuration']);
    assert.equal(byId.get('cm-0001-001/0001/bus')!.port, 16379);
    assert.deepEqual(byId.get('cm-0001-001/0001/bus')!.allow, ['127.77.0.9']);
  });

  it("guards a serverless cache's backing group to the service alone (management address, its own nodes), with no security group", () => {
    const cm = group('serverless--orders', ['serverless--orders-0001-001'], [], { clusterEnabled: true, configurationEndpoint: { address: '127.77.0.120', port: 6379 } });
    const p = new NetworkPolicy({ groups: [cm], clusters: new Map([['serverless--orders-0001-001', cluster('serverless--orders-0001-001', '127.77.0.12', 'serverless--orders')]]),
      securityGroups, interfaces, managementAddress: '127.77.0.250' });
    const filters = p.filters();
    assert.deepEqual(filters.map((f) => f.id).sort(), ['serverless--orders-0001-001/0001', 'serverless--orders-0001-001/0001/bus', 'serverless--orders/configuration']);
    for (const f of filters) assert.deepEqual([...f.allow].sort(), ['127.77.0.12', '127.77.0.250'], f.id);
  });

  it('gives proxy-served routes their allow list and the management source address', () => {
    const routes = policy.applyToRoutes([{ id: 'rg/primary', address: '127.77.0.100', port: 6379, targets: [] },
      { id: 'open/primary', address: '127.77.0.120', port: 6379, targets: [] }], policy.filters());
    assert.equal(routes[0]!.allow?.length, 5);
    assert.equal(routes[1]!.allow, undefined);
    assert.equal(routes[1]!.sourceAddress, '127.77.0.250');
  });
});
