// Network interfaces: their addresses and their groups.
import type { SecurityGroupRecord } from '../../store/index.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';
import { checkGroupId } from './ids.js';
import { cidrContains, formatIpv4, parseIpv4 } from '../../util/ipv4.js';

/**
 * Where an interface created without --private-ip-address gets its address: the lowest free one
 * of 127.100.0.1 – 127.100.255.254 (x.y.z.0 and x.y.z.255 skipped), outside the endpoint range.
 * On one host every 127/8 address is loopback, so a client can bind it as its source.
 */
export const AUTO_ADDRESS_BASE = '127.100.0.0';
const AUTO_ADDRESS_COUNT = 65536;

/** EC2's default quota of security groups per network interface. */
export const MAX_GROUPS_PER_INTERFACE = 5;

export function checkPrivateAddress(text: string): string {
  const n = parseIpv4(text);
  if (n === undefined || n === 0 || n === 0xffffffff) {
    throw Ec2Errors.invalidValue(`Value (${clip(text)}) for parameter privateIpAddress is invalid. It must be an IPv4 address such as 127.0.0.50.`);
  }
  return formatIpv4(n);
}

export function allocateAddress(used: ReadonlySet<string>, endpointCidr: string): string {
  const base = parseIpv4(AUTO_ADDRESS_BASE)!;
  for (let i = 1; i < AUTO_ADDRESS_COUNT - 1; i++) {
    if ((i & 255) === 0 || (i & 255) === 255) continue;
    const address = formatIpv4(base + i);
    if (!used.has(address) && !cidrContains(endpointCidr, address)) return address;
  }
  throw ec2Error('InvalidParameterValue', `Every address of ${AUTO_ADDRESS_BASE}/16 is taken by a network interface; give --private-ip-address.`);
}

/**
 * The groups an interface is to carry: well-formed, existing, each once, all of one VPC, at most
 * {@link MAX_GROUPS_PER_INTERFACE}.
 */
export function checkInterfaceGroups(ids: string[], groups: ReadonlyMap<string, SecurityGroupRecord>): string[] {
  const out = [...new Set(ids.map(checkGroupId))];
  for (const id of out) if (!groups.has(id)) throw Ec2Errors.groupNotFound(id);
  if (out.length > MAX_GROUPS_PER_INTERFACE) {
    throw ec2Error('SecurityGroupsPerInterfaceLimitExceeded',
      `You have exceeded the maximum number of security groups allowed per network interface (${MAX_GROUPS_PER_INTERFACE}).`);
  }
  const vpcs = new Set(out.map((id) => groups.get(id)!.vpcId));
  if (vpcs.size > 1) {
    throw Ec2Errors.invalidValue(`The security groups ${out.join(', ')} belong to different VPCs (${[...vpcs].join(', ')}); an interface's groups must share one.`);
  }
  return out;
}
