import type { NetworkInterfaceRecord } from '../../../store/index.js';
import { defineAction } from '../../actions/define.js';
import type { ModifyNetworkInterfaceAttributeRequest } from '../model/shapes.js';
import { Ec2Errors } from '../errors.js';
import { checkInterfaceGroups } from '../interfaces.js';
import type { WriteOp } from '../../../store/index.js';
import { unchanged } from '../../../resources/commit.js';
import { checkDryRun, ec2Write, logChange, requireInterface } from '../store.js';
import { checkInterfaceDescription, refuseUnsupported } from '../validate.js';

/** Replaces an interface's security groups (--groups, at least one) and/or its description. */
export default defineAction<ModifyNetworkInterfaceAttributeRequest, void>('ModifyNetworkInterfaceAttribute', async (input, svc) => {
  refuseUnsupported(input, {
    SourceDestCheck: 'Source/destination checking', Attachment: 'Attachments', EnaSrdSpecification: 'ENA Express',
    EnablePrimaryIpv6: 'IPv6 addresses', ConnectionTrackingSpecification: 'Connection tracking settings',
    AssociatePublicIpAddress: 'Public addresses', AssociatedSubnetIds: 'Associated subnets',
  });
  if (input.Groups === undefined && input.Description === undefined) {
    throw Ec2Errors.missingParameter('SecurityGroupId or Description (the attribute to modify)');
  }
  if (input.Groups !== undefined && input.Groups.length === 0) throw Ec2Errors.missingParameter('SecurityGroupId');
  const description = input.Description !== undefined ? checkInterfaceDescription(input.Description.Value) : undefined;
  return ec2Write(async () => {
    const ni = await requireInterface(svc, input.NetworkInterfaceId);
    const doc: NetworkInterfaceRecord = { ...ni.doc };
    const guards: WriteOp[] = [];
    if (input.Groups !== undefined) {
      const stored = await svc.store.list('securityGroup');
      doc.groupIds = checkInterfaceGroups(input.Groups, new Map(stored.map((g) => [g.id, g.doc] as const)));
      // A group the interface joins must stay (see DeleteSecurityGroup): unchanged at the version read.
      guards.push(...stored.filter((g) => doc.groupIds.includes(g.id) && !ni.doc.groupIds.includes(g.id)).map(unchanged));
    }
    if (description !== undefined) doc.description = description;
    checkDryRun(input);
    await svc.store.commit([{ op: 'update', kind: 'networkInterface', id: ni.id, doc, expectVersion: ni.version }, ...guards]);
    logChange(svc, { networkInterfaceId: ni.id, groupIds: doc.groupIds },
      `Network interface ${ni.id} (${doc.privateIpAddress}) is now in ${doc.groupIds.join(', ')}`);
    svc.kick();
  });
});
