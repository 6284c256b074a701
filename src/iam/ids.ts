import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` + `n` characters of the base32 alphabet (A-Z, 2-7), uniform (256 is a multiple of 32). */
function base32Id(prefix: string, n: number): string {
  let id = prefix;
  for (const b of randomBytes(n)) id += BASE32[b & 31];
  return id;
}

/** IAM's unique ids: `AIDA…` for users, `AGPA…` for groups (21 characters). */
export const newUserId = () => base32Id('AIDA', 17);
export const newGroupId = () => base32Id('AGPA', 17);

/** A long-term access key pair as AWS issues them: `AKIA` + 16 characters, a 40-character secret. */
export function newAccessKeyPair(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: base32Id('AKIA', 16), secretAccessKey: randomBytes(30).toString('base64') };
}
