import { defineAction } from '../../actions/define.js';
import type { DeleteNetworkInterfaceRequest } from '../model/shapes.js';
import { checkDryRun, logChange, requireInterface, serialized } from '../store.js';

/** Deletes a network interface: its address stops being a member of its groups. */
export default defineAction<DeleteNetworkInterfaceRequest, void>('DeleteNetworkInterface', async (input, svc) =>
  serialized(svc, async () => {
    const ni = await requireInterface(svc, input.NetworkInterfaceId);
    checkDryRun(input);
    await svc.store.commit([{ op: 'delete', kind: 'networkInterface', id: ni.id, expectVersion: ni.version }]);
    logChange(svc, { networkInterfaceId: ni.id, address: ni.doc.privateIpAddress }, `Network interface ${ni.id} (${ni.doc.privateIpAddress}) deleted`);
    svc.kick();
  }));
