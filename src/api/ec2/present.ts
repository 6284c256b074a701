// Records as the EC2 API shows them.
import type { InstallationRecord, IpPermissionRecord, NetworkInterfaceRecord, SecurityGroupRecord } from '../../store/index.js';
import type {
  IpPermission, NetworkInterface, RevokedSecurityGroupRule, SecurityGroup, SecurityGroupRule, Tag,
} from './model/shapes.js';
import { defaultVpcId, securityGroupArn, securityGroupRuleArn } from './ids.js';
import type { StoredRule } from './permissions.js';

export function presentTags(tags: { Key: string; Value?: string }[]): Tag[] {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

export function presentPermissions(perms: IpPermissionRecord[], ownerId: string): IpPermission[] {
  return perms.map((p) => ({
    IpProtocol: p.ipProtocol,
    ...(p.fromPort !== undefined ? { FromPort: p.fromPort, ToPort: p.toPort } : {}),
    UserIdGroupPairs: p.groupPairs.map((g) => ({ Description: g.description, UserId: ownerId, GroupId: g.groupId })),
    IpRanges: p.ipRanges.map((r) => ({ Description: r.description, CidrIp: r.cidrIp })),
    Ipv6Ranges: [],
    PrefixListIds: [],
  }));
}

export function presentSecurityGroup(g: SecurityGroupRecord, installation: InstallationRecord): SecurityGroup {
  return {
    GroupId: g.groupId,
    GroupName: g.groupName,
    Description: g.description,
    VpcId: g.vpcId,
    OwnerId: g.ownerId,
    SecurityGroupArn: securityGroupArn(installation, g.groupId),
    IpPermissions: presentPermissions(g.ingress, g.ownerId),
    IpPermissionsEgress: presentPermissions(g.egress, g.ownerId),
    Tags: presentTags(g.tags),
  };
}

/** One rule as DescribeSecurityGroupRules and Authorize* show it (ports -1/-1 when the rule has none). */
export function presentRule(g: SecurityGroupRecord, r: StoredRule, isEgress: boolean, installation: InstallationRecord): SecurityGroupRule {
  const { ReferencedGroupId: _referenced, ...rule } = presentRevokedRule(g, r, isEgress);
  return {
    ...rule,
    GroupOwnerId: g.ownerId,
    ...(r.cidrIp !== undefined ? {} : { ReferencedGroupInfo: { GroupId: r.groupId, UserId: g.ownerId } }),
    Tags: [],
    SecurityGroupRuleArn: securityGroupRuleArn(installation, r.ruleId),
  };
}

/** One rule as Revoke* shows it: as presentRule, but a referenced group by id only, and no owner, tags or ARN. */
export function presentRevokedRule(g: SecurityGroupRecord, r: StoredRule, isEgress: boolean): RevokedSecurityGroupRule {
  return {
    SecurityGroupRuleId: r.ruleId,
    GroupId: g.groupId,
    IsEgress: isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort ?? -1,
    ToPort: r.toPort ?? -1,
    ...(r.cidrIp !== undefined ? { CidrIpv4: r.cidrIp } : { ReferencedGroupId: r.groupId }),
    Description: r.description,
  };
}

/** The VPC of an interface: that of its first group (they all share one), else the installation's. */
export function interfaceVpcId(ni: NetworkInterfaceRecord, groups: ReadonlyMap<string, SecurityGroupRecord>, installation: InstallationRecord): string {
  for (const id of ni.groupIds) {
    const g = groups.get(id);
    if (g) return g.vpcId;
  }
  return defaultVpcId(installation);
}

export function presentNetworkInterface(ni: NetworkInterfaceRecord, groups: ReadonlyMap<string, SecurityGroupRecord>,
  installation: InstallationRecord): NetworkInterface {
  return {
    AvailabilityZone: `${installation.region}a`,
    Description: ni.description,
    Groups: ni.groupIds.map((id) => ({ GroupId: id, GroupName: groups.get(id)?.groupName })),
    InterfaceType: 'interface',
    Ipv6Addresses: [],
    MacAddress: macAddress(ni.networkInterfaceId),
    NetworkInterfaceId: ni.networkInterfaceId,
    OwnerId: installation.accountId,
    PrivateIpAddress: ni.privateIpAddress,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ni.privateIpAddress }],
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: 'available',
    SubnetId: ni.subnetId,
    TagSet: presentTags(ni.tags),
    VpcId: interfaceVpcId(ni, groups, installation),
  };
}

/** A stable, locally administered MAC address made from the interface id. */
function macAddress(id: string): string {
  const hex = (id.replace(/^eni-/, '') + '0000000000').slice(0, 10);
  return ['02', ...hex.match(/../g)!].join(':');
}
