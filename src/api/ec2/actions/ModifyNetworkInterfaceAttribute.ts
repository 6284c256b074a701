import type { NetworkInterfaceRecord } from '../../../store/index.js';
import { defineAction } from '../../actions/define.js';
import type { ModifyNetworkInterfaceAttributeRequest } from '../model/shapes.js';
import { Ec2Errors } from '../errors.js';
import { checkInterfaceGroups } from '../interfaces.js';
import { checkDryRun, logChange, requireInterface, serialized } from '../store.js';
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
  return serialized(svc, async () => {
    const ni = await requireInterface(svc, input.NetworkInterfaceId);
    const doc: NetworkInterfaceRecord = { ...ni.doc };
    if (input.Groups !== undefined) {
      const groups = new Map((await svc.store.list('securityGroup')).map((g) => [g.id, g.doc] as const));
      doc.groupIds = checkInterfaceGroups(input.Groups, groups);
    }
    if (description !== undefined) doc.description = description;
    checkDryRun(input);
    await svc.store.commit([{ op: 'update', kind: 'networkInterface', id: ni.id, doc, expectVersion: ni.version }]);
    logChange(svc, { networkInterfaceId: ni.id, groupIds: doc.groupIds },
      `Network interface ${ni.id} (${doc.privateIpAddress}) is now in ${doc.groupIds.join(', ')}`);
    svc.kick();
  });
});
