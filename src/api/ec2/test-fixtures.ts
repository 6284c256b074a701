// Sample EC2 outputs shared by the codec tests (not used at run time), made by the presenters
// from records so they have exactly the shape the actions answer with.
import type { InstallationRecord, NetworkInterfaceRecord, SecurityGroupRecord } from '../../store/index.js';
import type { NetworkInterface, SecurityGroup } from './model/shapes.js';
import { presentNetworkInterface, presentSecurityGroup } from './present.js';

const installation: InstallationRecord = { id: 'installation', accountId: '123456789012', region: 'us-east-1', createdAt: '2024-01-01T00:00:00.000Z' };

export function sampleGroupRecords(): SecurityGroupRecord[] {
  const base = { vpcId: 'vpc-0abc', ownerId: installation.accountId, createdAt: '2024-01-01T00:00:00.000Z' };
  return [
    {
      ...base, groupId: 'sg-0aaaaaaaaaaaaaaa1', groupName: 'app', description: 'application hosts', ingress: [], tags: [],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0', ruleId: 'sgr-0aaaaaaaaaaaaaaa1' }], groupPairs: [] }],
    },
    {
      ...base, groupId: 'sg-0123456789abcdef0', groupName: 'redis-sg', description: 'Redis & <friends>',
      ingress: [
        { ipProtocol: 'tcp', fromPort: 6379, toPort: 6379,
          ipRanges: [{ cidrIp: '127.0.0.0/24', description: 'loopback', ruleId: 'sgr-0bbbbbbbbbbbbbbb1' }],
          groupPairs: [{ groupId: 'sg-0aaaaaaaaaaaaaaa1', ruleId: 'sgr-0bbbbbbbbbbbbbbb2' }] },
        { ipProtocol: 'icmp', fromPort: -1, toPort: -1, ipRanges: [{ cidrIp: '10.0.0.0/8', ruleId: 'sgr-0bbbbbbbbbbbbbbb3' }], groupPairs: [] },
      ],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0', ruleId: 'sgr-0bbbbbbbbbbbbbbb4' }], groupPairs: [] }],
      tags: [{ Key: 'env', Value: 'prod' }, { Key: 'empty', Value: '' }],
    },
  ];
}

export function sampleGroups(): SecurityGroup[] {
  return sampleGroupRecords().map((g) => presentSecurityGroup(g, installation));
}

export function sampleInterfaces(): NetworkInterface[] {
  const groups = new Map(sampleGroupRecords().map((g) => [g.groupId, g] as const));
  const ni: NetworkInterfaceRecord = {
    networkInterfaceId: 'eni-0123456789abcdef0', subnetId: 'subnet-1', description: 'app host', privateIpAddress: '127.0.0.50',
    groupIds: ['sg-0aaaaaaaaaaaaaaa1', 'sg-0123456789abcdef0'], tags: [{ Key: 'role', Value: 'app' }], createdAt: '2024-01-01T00:00:00.000Z',
  };
  return [presentNetworkInterface(ni, groups, installation), presentNetworkInterface({ ...ni, networkInterfaceId: 'eni-0123456789abcdef1',
    privateIpAddress: '127.100.0.1', groupIds: [], tags: [], description: '' }, groups, installation)];
}
