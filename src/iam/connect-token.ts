// The IAM authentication token of a Redis connection, as ElastiCache defines it ("Authenticating
// with IAM", ElastiCache User Guide): a SigV4-presigned GET of
//   http://<replication-group-id>/?Action=connect&User=<user-id>
// for service `elasticache`, valid for at most 15 minutes (X-Amz-Expires ≤ 900), with the scheme
// stripped. The client computes it with its access key (botocore's RequestSigner
// .generate_presigned_url, the JS SDK's SignatureV4.presign) and sends it as the password of
// `AUTH <user-id> <token>`. Checking it is checking the signature (verifySigV4, the API's own
// code), the lifetime and that it names this cache and this user; whether the key's IAM user may
// connect is the policy's business (the caller evaluates elasticache:Connect).
import { MAX_SKEW_MS, verifySigV4 } from './sigv4.js';

/** ElastiCache's limit on a token's lifetime. */
export const MAX_TOKEN_SECONDS = 900;

export interface ConnectTokenCheck {
  token: string;
  /** The user the client authenticates as (AUTH's first argument); must be the token's `User`. */
  userName: string;
  /** The ids the connection may name as host: the replication group's id (lowercase). */
  cacheIds: readonly string[];
  /** The secret of an Active access key, or undefined for an unknown or inactive one. */
  secretFor: (accessKeyId: string) => string | undefined;
  now: Date;
}

export interface VerifiedToken {
  accessKeyId: string;
  region: string;
  /** The cache id the token names (its host). */
  cacheId: string;
}

/** Why a token is refused: for the gateway's log, never for the client (which sees WRONGPASS). */
export class ConnectTokenError extends Error {
  constructor(readonly reason: 'malformed' | 'wrong-cache' | 'wrong-user' | 'wrong-action' | 'too-long' | 'expired' | 'unknown-key' | 'bad-signature',
    message: string) {
    super(message);
    this.name = 'ConnectTokenError';
  }
}

/** Checks `token`; returns the key that signed it, or throws ConnectTokenError. */
export function verifyConnectToken(c: ConnectTokenCheck): VerifiedToken {
  const token = c.token.replace(/^https?:\/\//i, '');
  const slash = token.indexOf('/');
  if (slash <= 0) throw new ConnectTokenError('malformed', 'the token is not <cache-id>/?Action=connect&…');
  const host = token.slice(0, slash);
  const url = token.slice(slash);
  const cacheId = host.toLowerCase();
  if (!c.cacheIds.includes(cacheId)) throw new ConnectTokenError('wrong-cache', `the token is for ${host}, not for ${c.cacheIds.join(' or ')}`);
  const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  if (!url.startsWith('/?') || query.get('Action') !== 'connect') throw new ConnectTokenError('wrong-action', 'the token does not sign Action=connect on /');
  if (query.get('User') !== c.userName) throw new ConnectTokenError('wrong-user', `the token is for user ${query.get('User') ?? '(none)'}, not ${c.userName}`);
  const expires = Number(query.get('X-Amz-Expires'));
  if (!query.has('X-Amz-Expires') || !Number.isInteger(expires)) throw new ConnectTokenError('malformed', 'the token has no X-Amz-Expires');
  if (expires > MAX_TOKEN_SECONDS) throw new ConnectTokenError('too-long', `X-Amz-Expires ${expires} exceeds ${MAX_TOKEN_SECONDS} seconds`);
  let unknownKey = false;
  try {
    const v = verifySigV4({ method: 'GET', url, rawHeaders: ['host', host], body: new Uint8Array() }, {
      now: c.now,
      secretFor: (id) => {
        const s = c.secretFor(id);
        unknownKey = s === undefined;
        return s;
      },
    });
    return { accessKeyId: v.accessKeyId, region: v.region, cacheId };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'RequestExpired') {
      throw new ConnectTokenError('expired', `the token expired (or is dated more than ${MAX_SKEW_MS / 60_000} minutes ahead)`);
    }
    if (code === 'InvalidClientTokenId' || unknownKey) throw new ConnectTokenError('unknown-key', 'the token is signed with an unknown or inactive access key');
    if (code === 'SignatureDoesNotMatch') throw new ConnectTokenError('bad-signature', 'the token\'s signature does not match');
    throw new ConnectTokenError('malformed', `the token is not a valid presigned request: ${(e as Error).message}`);
  }
}
