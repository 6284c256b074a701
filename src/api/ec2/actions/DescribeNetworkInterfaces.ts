import type { NetworkInterfaceRecord, SecurityGroupRecord } from '../../../store/index.js';
import { defineAction } from '../../actions/define.js';
import type { DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult } from '../model/shapes.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters, type FilterFields } from '../filters.js';
import { checkInterfaceId } from '../ids.js';
import { interfaceVpcId, presentNetworkInterface } from '../present.js';
import { checkDryRun } from '../store.js';

/** Network interfaces by id and by filters, oldest first, in one page (no NextToken). */
export default defineAction<DescribeNetworkInterfacesRequest, DescribeNetworkInterfacesResult>('DescribeNetworkInterfaces', async (input, svc) => {
  const groups = new Map((await svc.store.list('securityGroup')).map((g) => [g.id, g.doc] as const));
  let interfaces = (await svc.store.list('networkInterface')).map((n) => n.doc).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (input.NetworkInterfaceIds?.length) {
    const ids = input.NetworkInterfaceIds.map(checkInterfaceId);
    for (const id of ids) if (!interfaces.some((n) => n.networkInterfaceId === id)) throw Ec2Errors.interfaceNotFound(id);
    interfaces = interfaces.filter((n) => ids.includes(n.networkInterfaceId));
  }
  interfaces = applyFilters(interfaces, input.Filters, fields(groups, svc.installation), (n) => n.tags);
  checkDryRun(input);
  return { NetworkInterfaces: interfaces.map((n) => presentNetworkInterface(n, groups, svc.installation)) };
});

function fields(groups: ReadonlyMap<string, SecurityGroupRecord>, installation: Parameters<typeof interfaceVpcId>[2]): FilterFields<NetworkInterfaceRecord> {
  return {
    'network-interface-id': (n) => [n.networkInterfaceId],
    'group-id': (n) => n.groupIds,
    'group-name': (n) => n.groupIds.map((id) => groups.get(id)?.groupName),
    'addresses.private-ip-address': (n) => [n.privateIpAddress],
    'private-ip-address': (n) => [n.privateIpAddress],
    'subnet-id': (n) => [n.subnetId],
    description: (n) => [n.description],
    'vpc-id': (n) => [interfaceVpcId(n, groups, installation)],
    'owner-id': () => [installation.accountId],
    status: () => ['available'],
  };
}
