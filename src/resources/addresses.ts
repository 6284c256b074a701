import { allocateAddress } from '../endpoints/addresses.js';
import type { StateStore, WriteOp } from '../store/index.js';

/**
 * Takes one address from the endpoint range for each owner. The addresses are returned with the
 * `create` ops that reserve them; committed together with the resource, a clash with a
 * concurrent request fails the whole commit (ConflictError on kind 'address') instead of
 * sharing an address.
 */
export async function reserveAddresses(store: StateStore, cidr: string, owners: string[], opts: { highest?: boolean } = {}):
  Promise<{ addresses: string[]; ops: WriteOp[] }> {
  const used = new Set((await store.list('address')).map((r) => r.id));
  const addresses: string[] = [];
  for (const owner of owners) {
    const address = allocateAddress(cidr, used, opts);
    used.add(address);
    addresses.push(address);
    void owner;
  }
  const ops: WriteOp[] = addresses.map((address, i) => ({
    op: 'create', kind: 'address', id: address, doc: { address, owner: owners[i]! },
  }));
  return { addresses, ops };
}

export function releaseAddressOps(addresses: string[]): WriteOp[] {
  return addresses.map((address) => ({ op: 'delete', kind: 'address', id: address }));
}
