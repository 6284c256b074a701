import { defineAction } from '../../actions/define.js';
import type { DeleteNetworkInterfaceRequest } from '../model/shapes.js';
import { interfaceAddressClaim, releaseClaim } from '../claims.js';
import { checkDryRun, ec2Write, logChange, requireInterface } from '../store.js';

/** Deletes a network interface: its address stops being a member of its groups. */
export default defineAction<DeleteNetworkInterfaceRequest, void>('DeleteNetworkInterface', async (input, svc) =>
  ec2Write(async () => {
    const ni = await requireInterface(svc, input.NetworkInterfaceId);
    checkDryRun(input);
    await svc.store.commit([{ op: 'delete', kind: 'networkInterface', id: ni.id, expectVersion: ni.version },
      ...await releaseClaim(svc, interfaceAddressClaim(ni.doc.privateIpAddress), `networkInterface:${ni.id}`)]);
    logChange(svc, { networkInterfaceId: ni.id, address: ni.doc.privateIpAddress }, `Network interface ${ni.id} (${ni.doc.privateIpAddress}) deleted`);
    svc.kick();
  }));
