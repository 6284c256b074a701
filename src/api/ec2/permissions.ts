// Security group rules: the IpPermissions of Authorize/Revoke requests (or their legacy top-level
// form, which the aws CLI's --protocol/--port/--cidr/--source-group also produce) read into one
// rule per source, and rules added to or removed from a group's IpPermissionRecords.
import type { InstallationRecord, IpPermissionRecord, SecurityGroupRecord } from '../../store/index.js';
import type { IpPermission, UserIdGroupPair } from './model/shapes.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';
import { checkGroupId } from './ids.js';
import { normalizeCidr } from '../../util/ipv4.js';
import { checkRuleDescription } from './validate.js';

/** One rule: a protocol and port range, and one source (an address block or a group's members). */
export interface Rule {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIp?: string;
  groupId?: string;
  description?: string;
}

export interface StoredRule extends Rule {
  ruleId: string;
}

/** The members Authorize/Revoke SecurityGroupIngress/Egress requests share. */
export interface PermissionsInput {
  IpPermissions?: IpPermission[];
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIp?: string;
  SourceSecurityGroupName?: string;
  SourceSecurityGroupOwnerId?: string;
}

/** EC2's default quota: 60 inbound and 60 outbound rules per group. */
export const MAX_RULES_PER_DIRECTION = 60;

const PROTOCOL_NUMBERS: Record<string, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', '-1': '-1' };

/** "tcp", "udp", "icmp", "-1" (all) or another protocol number, as EC2 reports it. */
export function normalizeProtocol(value: string | undefined): string {
  if (value === undefined || value === '') throw Ec2Errors.missingParameter('ipProtocol');
  const v = value.toLowerCase();
  if (v === 'tcp' || v === 'udp' || v === 'icmp' || v === '-1') return v;
  if (v === 'all') return '-1';
  if (/^-?\d{1,3}$/.test(v) && Number(v) >= -1 && Number(v) <= 255) return PROTOCOL_NUMBERS[String(Number(v))] ?? String(Number(v));
  throw Ec2Errors.invalidValue(`Invalid value '${clip(value)}' for IP protocol. Unknown protocol (use tcp, udp, icmp, -1 for all, or a protocol number 0-255).`);
}

/** The port range a rule keeps: tcp/udp need both ends (-1/-1 is every port), icmp is type/code, others none. */
export function normalizePorts(protocol: string, from: number | undefined, to: number | undefined): { fromPort?: number; toPort?: number } {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) {
      throw Ec2Errors.invalidValue(`Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange`);
    }
    if (from === -1 && to === -1) return { fromPort: 0, toPort: 65535 };
    for (const [name, p] of [['fromPort', from], ['toPort', to]] as const) {
      if (p < 0 || p > 65535) throw Ec2Errors.invalidValue(`Invalid value '${p}' for ${name}. Ports must be between 0 and 65535.`);
    }
    if (from > to) throw Ec2Errors.invalidValue(`Invalid value '${from}-${to}' for portRange: the from port must not be greater than the to port.`);
    return { fromPort: from, toPort: to };
  }
  if (protocol === 'icmp') {
    const type = from ?? -1;
    const code = to ?? -1;
    if (type < -1 || type > 255) throw Ec2Errors.invalidValue(`Invalid value '${type}' for ICMP type. It must be between -1 (all) and 255.`);
    if (code < -1 || code > 255) throw Ec2Errors.invalidValue(`Invalid value '${code}' for ICMP code. It must be between -1 (all) and 255.`);
    if (type === -1 && code !== -1) throw Ec2Errors.invalidValue(`Invalid value '${code}' for ICMP code: with ICMP type -1 (all) the code must be -1.`);
    return { fromPort: type, toPort: code };
  }
  return {};
}

/**
 * The rules a request names, each checked: protocol, ports, CIDR blocks, source groups (by id,
 * or by name in the target group's VPC). `groups` is every security group.
 */
export function requestedRules(input: PermissionsInput, target: SecurityGroupRecord, groups: SecurityGroupRecord[],
  installation: InstallationRecord): Rule[] {
  const legacy = input.IpProtocol !== undefined || input.FromPort !== undefined || input.ToPort !== undefined ||
    input.CidrIp !== undefined || input.SourceSecurityGroupName !== undefined || input.SourceSecurityGroupOwnerId !== undefined;
  let permissions = input.IpPermissions ?? [];
  if (legacy && permissions.length > 0) {
    throw ec2Error('InvalidParameterCombination',
      'The parameter IpPermissions cannot be used with IpProtocol, FromPort, ToPort, CidrIp or SourceSecurityGroupName.');
  }
  if (legacy) {
    const bySourceGroup = input.SourceSecurityGroupName !== undefined;
    permissions = [{
      IpProtocol: input.IpProtocol ?? (bySourceGroup ? '-1' : undefined), FromPort: input.FromPort, ToPort: input.ToPort,
      IpRanges: input.CidrIp !== undefined ? [{ CidrIp: input.CidrIp }] : [],
      UserIdGroupPairs: bySourceGroup ? [{ GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId }] : [],
    }];
  }
  if (permissions.length === 0) throw Ec2Errors.missingParameter('IpPermissions');
  const rules: Rule[] = [];
  for (const p of permissions) {
    if (p.Ipv6Ranges?.length) throw Ec2Errors.unsupported('IPv6 address ranges (Ipv6Ranges)');
    if (p.PrefixListIds?.length) throw Ec2Errors.unsupported('Prefix lists (PrefixListIds)');
    const ipProtocol = normalizeProtocol(p.IpProtocol);
    const ports = normalizePorts(ipProtocol, p.FromPort, p.ToPort);
    const ranges = p.IpRanges ?? [];
    const pairs = p.UserIdGroupPairs ?? [];
    if (ranges.length === 0 && pairs.length === 0) {
      throw Ec2Errors.missingParameter('IpRanges or UserIdGroupPairs (a CIDR block or a source security group for each permission)');
    }
    for (const r of ranges) {
      if (r.CidrIp === undefined || r.CidrIp === '') throw Ec2Errors.missingParameter('cidrIp');
      const cidrIp = normalizeCidr(r.CidrIp);
      if (!cidrIp) throw Ec2Errors.invalidValue(`Value (${clip(r.CidrIp)}) for parameter cidrIp is invalid. This is not a valid CIDR block.`);
      rules.push({ ipProtocol, ...ports, cidrIp, ...optionalDescription(r.Description) });
    }
    for (const pair of pairs) {
      const groupId = resolveSourceGroup(pair, target, groups, installation);
      rules.push({ ipProtocol, ...ports, groupId, ...optionalDescription(pair.Description) });
    }
  }
  return rules;
}

function optionalDescription(d: string | undefined): { description?: string } {
  const description = checkRuleDescription(d);
  return description === undefined ? {} : { description };
}

function resolveSourceGroup(pair: UserIdGroupPair, target: SecurityGroupRecord, groups: SecurityGroupRecord[],
  installation: InstallationRecord): string {
  if (pair.VpcPeeringConnectionId) throw Ec2Errors.unsupported('VPC peering (VpcPeeringConnectionId)');
  if (pair.UserId !== undefined && pair.UserId !== '' && pair.UserId !== installation.accountId) {
    throw Ec2Errors.invalidValue(`UserId ${clip(pair.UserId)} is not this account (${installation.accountId}); groups of other accounts cannot be referenced.`);
  }
  if (pair.GroupId !== undefined && pair.GroupId !== '') {
    const id = checkGroupId(pair.GroupId);
    if (!groups.some((g) => g.groupId === id)) throw Ec2Errors.groupNotFound(id);
    return id;
  }
  if (pair.GroupName !== undefined && pair.GroupName !== '') {
    const name = pair.GroupName.toLowerCase();
    const found = groups.find((g) => g.vpcId === target.vpcId && g.groupName.toLowerCase() === name);
    if (!found) throw Ec2Errors.groupNameNotFound(pair.GroupName, target.vpcId);
    return found.groupId;
  }
  throw Ec2Errors.missingParameter('groupId or groupName (of each UserIdGroupPair)');
}

/** What makes two rules the same rule (the description does not). */
export function ruleKey(r: Rule): string {
  return `${r.ipProtocol}|${r.fromPort ?? ''}|${r.toPort ?? ''}|${r.cidrIp !== undefined ? `cidr:${r.cidrIp}` : `group:${r.groupId}`}`;
}

/** EC2's wording of a rule in InvalidPermission messages. */
export function describeRule(r: Rule): string {
  const proto = r.ipProtocol === '-1' ? 'ALL' : r.ipProtocol.toUpperCase();
  const ports = r.fromPort !== undefined ? `, from port: ${r.fromPort}, to port: ${r.toPort}` : '';
  return `peer: ${r.cidrIp ?? r.groupId}, ${proto}${ports}, ALLOW`;
}

/** Every rule of a direction, one per source, in order. */
export function flattenRules(perms: IpPermissionRecord[]): StoredRule[] {
  const out: StoredRule[] = [];
  for (const p of perms) {
    const base = { ipProtocol: p.ipProtocol, ...(p.fromPort !== undefined ? { fromPort: p.fromPort, toPort: p.toPort } : {}) };
    for (const r of p.ipRanges) out.push({ ...base, cidrIp: r.cidrIp, ruleId: r.ruleId, ...(r.description !== undefined ? { description: r.description } : {}) });
    for (const g of p.groupPairs) out.push({ ...base, groupId: g.groupId, ruleId: g.ruleId, ...(g.description !== undefined ? { description: g.description } : {}) });
  }
  return out;
}

/** The permissions with `rules` added (each joins the permission of its protocol and ports). */
export function withRules(perms: IpPermissionRecord[], rules: StoredRule[]): IpPermissionRecord[] {
  const out = perms.map((p) => ({ ...p, ipRanges: [...p.ipRanges], groupPairs: [...p.groupPairs] }));
  for (const r of rules) {
    let p = out.find((x) => x.ipProtocol === r.ipProtocol && x.fromPort === r.fromPort && x.toPort === r.toPort);
    if (!p) {
      p = { ipProtocol: r.ipProtocol, ...(r.fromPort !== undefined ? { fromPort: r.fromPort, toPort: r.toPort } : {}), ipRanges: [], groupPairs: [] };
      out.push(p);
    }
    const d = r.description !== undefined ? { description: r.description } : {};
    if (r.cidrIp !== undefined) p.ipRanges.push({ cidrIp: r.cidrIp, ...d, ruleId: r.ruleId });
    else p.groupPairs.push({ groupId: r.groupId!, ...d, ruleId: r.ruleId });
  }
  return out;
}

/** The permissions without the rules of these ids (a permission left without sources goes). */
export function withoutRules(perms: IpPermissionRecord[], ruleIds: ReadonlySet<string>): IpPermissionRecord[] {
  return perms
    .map((p) => ({ ...p, ipRanges: p.ipRanges.filter((r) => !ruleIds.has(r.ruleId)), groupPairs: p.groupPairs.filter((g) => !ruleIds.has(g.ruleId)) }))
    .filter((p) => p.ipRanges.length + p.groupPairs.length > 0);
}
