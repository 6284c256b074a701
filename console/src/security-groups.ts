// What the Security groups page sends to the service's EC2 API (pure: tested against its decoder).
import type { Params } from './metric-queries.js';
import type { IpPermission } from './types.js';

export function createSecurityGroupParams(name: string, description: string): Params {
  return { GroupName: name.trim(), GroupDescription: description.trim() || name.trim() };
}

export interface IngressValues {
  /** tcp, udp, icmp or -1 (all). */
  protocol: string;
  /** `6379` or a range `6379-6380`; ignored for all traffic. */
  ports: string;
  /** A CIDR (`10.0.0.0/16`) or a security group id (`sg-…`) as the source. */
  source: string;
}

export const EMPTY_INGRESS: IngressValues = { protocol: 'tcp', ports: '6379', source: '' };

/** The one IpPermission of an ingress rule as EC2's Query protocol names it (IpPermissions.1.…). */
export function ingressParams(groupId: string, v: IngressValues): Params {
  const p: Params = { GroupId: groupId, 'IpPermissions.1.IpProtocol': v.protocol };
  if (v.protocol !== '-1') {
    const [from, to = from] = v.ports.split('-').map((x) => x.trim());
    p['IpPermissions.1.FromPort'] = from ?? '';
    p['IpPermissions.1.ToPort'] = to ?? '';
  }
  const source = v.source.trim();
  if (/^sg-/.test(source)) p['IpPermissions.1.Groups.1.GroupId'] = source;
  else p['IpPermissions.1.IpRanges.1.CidrIp'] = source;
  return p;
}

/** One rule as shown and revoked: a permission split by its sources (a CIDR or a group each). */
export interface IngressRule { key: string; protocol: string; ports: string; source: string }

export function rulesOf(perms: readonly IpPermission[] | undefined): IngressRule[] {
  return (perms ?? []).flatMap((p) => {
    const protocol = p.IpProtocol ?? '-1';
    const ports = protocol === '-1' ? '' : p.FromPort === p.ToPort ? String(p.FromPort ?? '') : `${p.FromPort}-${p.ToPort}`;
    const sources = [...(p.IpRanges ?? []).map((r) => r.CidrIp ?? ''), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? ''),
      ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '')].filter(Boolean);
    return sources.map((source) => ({ key: `${protocol} ${ports} ${source}`, protocol, ports, source }));
  });
}

/** What a rule's protocol reads as. */
export function protocolLabel(protocol: string): string {
  return protocol === '-1' ? 'All traffic' : protocol.toUpperCase();
}

export const SECURITY_GROUP_FIELDS = {
  name: ['GroupName', 'InvalidGroup.Duplicate', 'InvalidGroup.Reserved'],
  description: ['GroupDescription', 'Description'],
};
export const INGRESS_FIELDS = {
  protocol: ['IpProtocol', 'InvalidProtocol'],
  ports: ['FromPort', 'ToPort', 'port', 'ports'],
  source: ['CidrIp', 'GroupId', 'InvalidPermission.Duplicate', 'CIDR', 'InvalidGroup.NotFound'],
};
