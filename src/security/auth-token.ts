/**
 * AUTH tokens as ElastiCache has them: the password of Redis's `default` user, which is what
 * `redis-cli -a TOKEN`, ioredis `password:` and redis-py `password=` authenticate as.
 *
 * The service keeps only the SHA-256 of a token (Redis's own `#<hex>` ACL form): neither the
 * state store nor a node's redis.conf ever holds the token itself, and nothing can leak it
 * into a log, an event or a describe call.
 *
 * Updates follow ModifyReplicationGroup's AuthTokenUpdateStrategy:
 * - ROTATE (the default): the new token is added and the newest previous one stays valid, so
 *   clients can move over without a failed AUTH. Onto a group without a token, passwordless
 *   access stays too (as on ElastiCache) until SET.
 * - SET, allowed only after ROTATE: the new token becomes the only one.
 * - DELETE: only when moving to RBAC, with user groups added in the same call (UserGroupIdsToAdd):
 *   the token goes, and the user group's `default` user becomes the nodes' default user.
 */
import { createHash } from 'node:crypto';
import { CommonErrors } from '../errors/index.js';
import type { AuthTokenState } from '../store/index.js';
import { restrictCustomerRules } from './restricted-commands.js';

export type { AuthTokenState };


export const AUTH_TOKEN_MIN = 16;
export const AUTH_TOKEN_MAX = 128;

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * AWS's AuthToken rules: 16–128 printable ASCII characters, none of `"`, `/`, `@`, and no
 * spaces. The error never repeats the token.
 */
export function validateAuthToken(token: string): void {
  if (token.length < AUTH_TOKEN_MIN || token.length > AUTH_TOKEN_MAX) {
    throw CommonErrors.invalidParameterValue(
      `Invalid AuthToken: it must be between ${AUTH_TOKEN_MIN} and ${AUTH_TOKEN_MAX} characters long (got ${token.length}).`);
  }
  for (const ch of token) {
    const code = ch.codePointAt(0)!;
    if (code < 0x21 || code > 0x7e) {
      throw CommonErrors.invalidParameterValue(
        code === 0x20 ? 'Invalid AuthToken: it cannot contain spaces.' : 'Invalid AuthToken: only printable ASCII characters are allowed.');
    }
    if (ch === '"' || ch === '/' || ch === '@') {
      throw CommonErrors.invalidParameterValue(`Invalid AuthToken: it cannot contain any of the following characters: '/', '"', or '@'.`);
    }
  }
}

/** The auth state of a new cluster or group created with `token`. */
export function initialAuth(token: string, now: Date): AuthTokenState {
  validateAuthToken(token);
  return { tokenSha256: [sha256Hex(token)], passwordless: false, lastModifiedDate: now.toISOString(), version: 1 };
}

export type AuthTokenStrategy = 'ROTATE' | 'SET' | 'DELETE';

/**
 * The auth state after ModifyReplicationGroup/ModifyCacheCluster with AuthToken and
 * AuthTokenUpdateStrategy, or undefined when neither was given. Throws AWS's errors.
 */
export function updateAuth(current: AuthTokenState | undefined, transitEncryption: boolean, input: { AuthToken?: string; AuthTokenUpdateStrategy?: string },
  now: Date, opts: { addingUserGroups?: boolean } = {}): AuthTokenState | undefined {
  const { AuthToken: token } = input;
  const strategy = input.AuthTokenUpdateStrategy?.toUpperCase();
  if (token === undefined && strategy === undefined) return undefined;
  if (strategy !== undefined && !['ROTATE', 'SET', 'DELETE'].includes(strategy)) {
    throw CommonErrors.invalidParameterValue(`Invalid AuthTokenUpdateStrategy ${input.AuthTokenUpdateStrategy}: it must be one of ROTATE, SET, DELETE.`);
  }
  if (strategy === 'DELETE') {
    if (!opts.addingUserGroups) {
      throw CommonErrors.invalidParameterValue(
        'AuthTokenUpdateStrategy DELETE is allowed only when moving to role-based access control: give UserGroupIdsToAdd in the same call. ' +
        'Use ROTATE then SET to replace the AUTH token.');
    }
    if (token !== undefined) throw CommonErrors.invalidParameterCombination('AuthTokenUpdateStrategy DELETE cannot be specified with AuthToken.');
    // No token any more (AuthTokenEnabled false); the user group's default user takes over.
    return { tokenSha256: [], passwordless: true, lastModifiedDate: now.toISOString(), version: (current?.version ?? 0) + 1 };
  }
  if (token === undefined) {
    throw CommonErrors.invalidParameterCombination(`AuthTokenUpdateStrategy ${strategy} must be specified with AuthToken.`);
  }
  if (!transitEncryption) {
    throw CommonErrors.invalidParameterCombination('AuthToken can be specified only when TransitEncryptionEnabled is true.');
  }
  validateAuthToken(token);
  const hash = sha256Hex(token);
  const version = (current?.version ?? 0) + 1;
  const lastModifiedDate = now.toISOString();
  if ((strategy ?? 'ROTATE') === 'ROTATE') {
    const have = current?.tokenSha256 ?? [];
    if (have.at(-1) === hash) {
      throw CommonErrors.invalidParameterValue('Invalid AuthToken: the new AUTH token is the same as the current one; choose a new token to rotate to.');
    }
    // At most two valid tokens: the newest previous one and the new one.
    const keep = have.filter((h) => h !== hash).slice(-1);
    return { tokenSha256: [...keep, hash], passwordless: current ? current.passwordless : true, lastStrategy: 'ROTATE', lastModifiedDate, version };
  }
  // SET
  if (current?.lastStrategy !== 'ROTATE') {
    throw CommonErrors.invalidParameterCombination(
      'AuthTokenUpdateStrategy SET is allowed only after ROTATE: rotate to the new AUTH token first, move your clients to it, then SET it.');
  }
  return { tokenSha256: [hash], passwordless: false, lastStrategy: 'SET', lastModifiedDate, version };
}

/** Is an AUTH token required or accepted (ElastiCache's AuthTokenEnabled). */
export function authTokenEnabled(auth: AuthTokenState | undefined): boolean {
  return !!auth && auth.tokenSha256.length > 0;
}

/**
 * The ACL rules of the `default` user for this auth state (without the user name): every
 * command a customer may have (restricted-commands.ts).
 */
export function defaultUserRules(auth: AuthTokenState | undefined): string[] {
  const passwords = !auth || auth.passwordless || auth.tokenSha256.length === 0
    ? ['nopass'] : ['resetpass', ...auth.tokenSha256.map((h) => `#${h}`)];
  return restrictCustomerRules(['on', ...passwords, '~*', '&*', '+@all']);
}
