// The values EC2 keeps unique beyond a record's own id, held as claim records (store/records.ts
// ClaimRecord) committed with their holder: two concurrent creates cannot both take one.
import type { Services } from '../../core/index.js';
import type { WriteOp } from '../../store/index.js';

/** A security group's name is unique in its VPC, case-insensitively (as in EC2). */
export function groupNameClaim(vpcId: string, groupName: string): string {
  return `security-group-name:${vpcId}:${groupName.toLowerCase()}`;
}

/** A network interface's private address is unique among interfaces. */
export function interfaceAddressClaim(address: string): string {
  return `network-interface-address:${address}`;
}

/** True when a claim is held (by any record). */
export async function isClaimed(svc: Services, claimId: string): Promise<boolean> {
  return (await svc.store.get('claim', claimId)) !== undefined;
}

/** The op that takes a claim for `holder` (`<kind>:<id>`): the commit fails (`exists`) if another took it. */
export function takeClaim(claimId: string, holder: string): WriteOp {
  return { op: 'create', kind: 'claim', id: claimId, doc: { holder } };
}

/**
 * The ops that give a claim up with its holder: none when the claim is not this holder's (a
 * record made before claims existed holds none).
 */
export async function releaseClaim(svc: Services, claimId: string, holder: string): Promise<WriteOp[]> {
  const claim = await svc.store.get('claim', claimId);
  return claim?.doc.holder === holder ? [{ op: 'delete', kind: 'claim', id: claimId, expectVersion: claim.version }] : [];
}
