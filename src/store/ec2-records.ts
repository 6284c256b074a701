import type { Tag } from './cache-records.js';

/** The EC2 subset: security groups, network interfaces, and the claims keeping their names and addresses unique. */

/**
 * One ingress or egress permission of a security group (EC2's IpPermission): a protocol and port
 * range, and the sources it admits — address blocks and/or other security groups' members.
 */
export interface IpPermissionRecord {
  /** "tcp", "udp", "icmp" or "-1" (all), lowercase as EC2 reports it. */
  ipProtocol: string;
  /** Inclusive port range; both undefined for "-1" (all traffic). */
  fromPort?: number;
  toPort?: number;
  /** IPv4 CIDRs, e.g. "127.0.0.0/8", each with its rule id. */
  ipRanges: { cidrIp: string; description?: string; ruleId: string }[];
  /** Other security groups: every address that is a member of one is admitted. */
  groupPairs: { groupId: string; description?: string; ruleId: string }[];
}

/**
 * A security group as the EC2 API subset on the service's endpoint keeps it
 * (CreateSecurityGroup / AuthorizeSecurityGroupIngress / …). Cache clusters name them in
 * SecurityGroupIds; the endpoint router admits only the sources their ingress rules allow.
 * Members of a group (sources for rules that name it) are the addresses of the network
 * interfaces and cache nodes that carry it.
 */
export interface SecurityGroupRecord {
  /** "sg-" + 17 hex digits. */
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ownerId: string;
  ingress: IpPermissionRecord[];
  egress: IpPermissionRecord[];
  tags: Tag[];
  createdAt: string;
}

/**
 * A network interface (EC2 CreateNetworkInterface): an address a client connects from and the
 * security groups it is a member of, so a cache's rule "from sg-app" admits that address.
 */
export interface NetworkInterfaceRecord {
  /** "eni-" + 17 hex digits. */
  networkInterfaceId: string;
  subnetId: string;
  description: string;
  /** The IPv4 address (loopback 127.0.0.0/8 on a single host) clients bind as their source. */
  privateIpAddress: string;
  groupIds: string[];
  tags: Tag[];
  createdAt: string;
}

/**
 * A value only one record may hold at a time, beyond its own id: a security group's name in its
 * VPC, a network interface's address. Keyed `<what>:<value>` (see the writers' helpers), it is
 * created in the same commit as its holder, so of two concurrent creates one fails with a
 * ConflictError (reason `exists`) instead of both taking the value, and deleted with the holder.
 */
export interface ClaimRecord {
  /** The record holding it: `<kind>:<id>`, e.g. "securityGroup:sg-0123…". */
  holder: string;
}
