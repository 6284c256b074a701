import type { NetworkInterfaceRecord } from '../../../store/index.js';
import { defineAction } from '../../actions/define.js';
import type { CreateNetworkInterfaceRequest, CreateNetworkInterfaceResult } from '../model/shapes.js';
import { ec2Error, Ec2Errors } from '../errors.js';
import { newId } from '../ids.js';
import { allocateAddress, checkInterfaceGroups, checkPrivateAddress } from '../interfaces.js';
import { presentNetworkInterface } from '../present.js';
import { interfaceAddressClaim, isClaimed, takeClaim } from '../claims.js';
import { unchanged } from '../../../resources/commit.js';
import { checkDryRun, ec2Write, logChange } from '../store.js';
import { tagsOnCreate } from '../tags.js';
import { checkInterfaceDescription, refuseUnsupported } from '../validate.js';

/**
 * A network interface: an IPv4 address (unique among interfaces; allocated from 127.100.0.0/16
 * when not given) that is a member of its security groups, so rules naming those groups as
 * their source admit it. The subnet id is free-form (kept and shown, not checked).
 * ClientToken is accepted (the SDKs always send one) but not remembered.
 */
export default defineAction<CreateNetworkInterfaceRequest, CreateNetworkInterfaceResult>('CreateNetworkInterface', async (input, svc) => {
  if (!input.SubnetId) throw Ec2Errors.missingParameter('subnetId');
  refuseUnsupported(input, {
    Ipv4Prefixes: 'IPv4 prefixes', Ipv4PrefixCount: 'IPv4 prefixes', Ipv6Prefixes: 'IPv6 prefixes', Ipv6PrefixCount: 'IPv6 prefixes',
    Ipv6Addresses: 'IPv6 addresses', Ipv6AddressCount: 'IPv6 addresses', EnablePrimaryIpv6: 'IPv6 addresses',
    SecondaryPrivateIpAddressCount: 'Secondary private addresses', InterfaceType: 'Interface types other than the default',
    ConnectionTrackingSpecification: 'Connection tracking settings', Operator: 'Managed interfaces',
  });
  let requested = input.PrivateIpAddress;
  if (input.PrivateIpAddresses?.length) {
    const [only, ...more] = input.PrivateIpAddresses;
    if (more.length > 0 || only!.Primary === false) throw Ec2Errors.unsupported('Secondary private addresses (PrivateIpAddresses)');
    if (requested !== undefined && only!.PrivateIpAddress !== undefined && only!.PrivateIpAddress !== requested) {
      throw ec2Error('InvalidParameterCombination', 'PrivateIpAddress and the primary address of PrivateIpAddresses differ.');
    }
    requested ??= only!.PrivateIpAddress;
  }
  const address = requested !== undefined ? checkPrivateAddress(requested) : undefined;
  const description = checkInterfaceDescription(input.Description);
  const tags = tagsOnCreate(input.TagSpecifications, 'network-interface');
  return ec2Write(async () => {
    const stored = await svc.store.list('securityGroup');
    const groups = new Map(stored.map((g) => [g.id, g.doc] as const));
    const groupIds = checkInterfaceGroups(input.Groups ?? [], groups);
    const used = new Set((await svc.store.list('networkInterface')).map((ni) => ni.doc.privateIpAddress));
    if (address !== undefined && (used.has(address) || await isClaimed(svc, interfaceAddressClaim(address)))) {
      throw ec2Error('InvalidIPAddress.InUse', `The specified address ${address} is already in use by another network interface.`);
    }
    checkDryRun(input);
    const ni: NetworkInterfaceRecord = {
      networkInterfaceId: newId('eni'), subnetId: input.SubnetId, description,
      privateIpAddress: address ?? allocateAddress(used, svc.config.endpointCidr),
      groupIds, tags, createdAt: svc.now().toISOString(),
    };
    // The address claim keeps two concurrent creates off one address; the groups, unchanged at
    // the version read, keep a DeleteSecurityGroup from missing this new member (see DeleteSecurityGroup).
    await svc.store.commit([{ op: 'create', kind: 'networkInterface', id: ni.networkInterfaceId, doc: ni },
      takeClaim(interfaceAddressClaim(ni.privateIpAddress), `networkInterface:${ni.networkInterfaceId}`),
      ...stored.filter((g) => groupIds.includes(g.id)).map(unchanged)]);
    logChange(svc, { networkInterfaceId: ni.networkInterfaceId, address: ni.privateIpAddress, groupIds },
      `Network interface ${ni.networkInterfaceId} (${ni.privateIpAddress}) created in ${groupIds.join(', ') || 'no security group'}`);
    svc.kick();
    return { NetworkInterface: presentNetworkInterface(ni, groups, svc.installation), ClientToken: input.ClientToken };
  });
});
