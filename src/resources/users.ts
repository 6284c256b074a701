/**
 * RBAC users and user groups (ElastiCache CreateUser, CreateUserGroup, …): identifiers, lookups,
 * the built-in `default` user and authentication input. Membership rules are in user-groups.ts;
 * which users end up in a node's ACL is reconciler/acl.ts's business.
 */
import { randomBytes } from 'node:crypto';
import { CommonErrors, fault } from '../errors/index.js';
import { sha256Hex } from '../security/auth-token.js';
import type { AuthenticationMode } from '../api/model/shapes.js';
import { hashPasswords, parseAccessString } from '../security/access-string.js';
import { ADMIN_USER } from '../security/node-security.js';
import { arn, type Services } from '../core/index.js';
import { getUser, getUserGroup, type InstallationRecord, type UserGroupView, type UserSpec, type UserView } from '../store/index.js';

/** The user every account has, as on ElastiCache: id and name `default`, all keys and commands, no password. */
export const DEFAULT_USER_ID = 'default';
export const DEFAULT_USER_NAME = 'default';
export const DEFAULT_ACCESS_STRING = 'on ~* +@all';

/** ElastiCache's quotas. */
export const MAX_USERS = 1000;
export const MAX_USER_GROUPS = 100;
export const MAX_USERS_PER_GROUP = 100;
/** A replication group takes one user group (its `default` user is the nodes' default user). */
export const MAX_USER_GROUPS_PER_REPLICATION_GROUP = 1;

export function builtInDefaultUser(installation: InstallationRecord): UserSpec {
  return {
    userId: DEFAULT_USER_ID, userName: DEFAULT_USER_NAME, engine: 'redis', accessString: DEFAULT_ACCESS_STRING,
    authentication: { type: 'no-password-required', passwordHashes: [] }, userGroupIds: [],
    arn: arn(installation, 'user', DEFAULT_USER_ID), minimumEngineVersion: '6.0', builtIn: true, createdAt: installation.createdAt,
  };
}

/**
 * User ids and user group ids: 1–40 letters, digits or hyphens, starting with a letter, no two
 * consecutive hyphens, not ending with a hyphen; stored lowercase (lookups are case-insensitive).
 */
export function normalizeRbacId(what: 'UserId' | 'UserGroupId', value: string | undefined): string {
  if (value === undefined) throw CommonErrors.missingParameter(what);
  const id = value.toLowerCase();
  const problem =
    id.length === 0 ? 'must not be blank'
    : id.length > 40 ? 'must be at most 40 characters long'
    : !/^[a-z]/.test(id) ? 'must begin with a letter'
    : !/^[a-z0-9-]+$/.test(id) ? 'must contain only letters, digits and hyphens'
    : id.includes('--') ? 'must not contain two consecutive hyphens'
    : id.endsWith('-') ? 'must not end with a hyphen'
    : undefined;
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ${what} '${value}': it ${problem}.`);
  return id;
}

/**
 * User names are Redis ACL user names: 1–120 printable ASCII characters without spaces or quotes.
 * The name of cachefleet's own admin user on every node is reserved.
 */
export function validateUserName(value: string | undefined): string {
  if (value === undefined) throw CommonErrors.missingParameter('UserName');
  if (!/^[\x21-\x7e]{1,120}$/.test(value) || /["'\\]/.test(value)) {
    throw CommonErrors.invalidParameterValue(
      `Invalid UserName '${value}': use 1 to 120 printable ASCII characters without spaces, quotes or backslashes.`);
  }
  if (value.toLowerCase() === ADMIN_USER) {
    throw CommonErrors.invalidParameterValue(`Invalid UserName '${value}': this name is reserved for the service's own use on every node.`);
  }
  return value;
}

export function checkEngine(engine: string | undefined, required: boolean): void {
  if (engine === undefined) {
    if (required) throw CommonErrors.missingParameter('Engine');
    return;
  }
  if (engine.toLowerCase() !== 'redis') {
    throw CommonErrors.invalidParameterValue(`Invalid Engine '${engine}': users and user groups of this service use the redis engine.`);
  }
}

/** A user's merged view (spec and status), or UserNotFound. */
export async function requireUser(svc: Services, userId: string): Promise<UserView> {
  const found = await getUser(svc.store, userId.toLowerCase());
  if (!found) throw fault('UserNotFoundFault', `User ${userId} not found.`);
  return found;
}

export async function requireUserGroup(svc: Services, userGroupId: string): Promise<UserGroupView> {
  const found = await getUserGroup(svc.store, userGroupId.toLowerCase());
  if (!found) throw fault('UserGroupNotFoundFault', `User group ${userGroupId} not found.`);
  return found;
}

/** How a user authenticates, from CreateUser's or ModifyUser's members; undefined when none was given. */
export function resolveAuthentication(input: { Passwords?: string[]; NoPasswordRequired?: boolean; AuthenticationMode?: AuthenticationMode }):
  UserSpec['authentication'] | undefined {
  const { Passwords: passwords, NoPasswordRequired: noPassword, AuthenticationMode: mode } = input;
  if (mode !== undefined) {
    if (passwords !== undefined) {
      throw CommonErrors.invalidParameterCombination('AuthenticationMode cannot be combined with Passwords: give the passwords in AuthenticationMode.Passwords.');
    }
    // Terraform's aws_elasticache_user always sends NoPasswordRequired (false unless set), beside
    // AuthenticationMode: only `true` with another type than no-password-required contradicts it.
    if (noPassword === true && mode.Type !== 'no-password-required') {
      throw CommonErrors.invalidParameterCombination(
        `NoPasswordRequired true contradicts AuthenticationMode Type ${String(mode.Type)}: use Type no-password-required, or leave NoPasswordRequired false.`);
    }
    switch (mode.Type) {
      case 'password':
        // As ElastiCache answers it: a combination fault, not an invalid value.
        if (!mode.Passwords?.length) throw CommonErrors.invalidParameterCombination('AuthenticationMode Type password needs Passwords (1 or 2).');
        return { type: 'password', passwordHashes: hashPasswords(mode.Passwords, 'AuthenticationMode.Passwords') };
      case 'no-password-required':
        if (mode.Passwords?.length) {
          throw CommonErrors.invalidParameterCombination('AuthenticationMode Type no-password-required cannot be combined with Passwords.');
        }
        return { type: 'no-password-required', passwordHashes: [] };
      case 'iam':
        // The client's password is a short-lived token (src/iam/connect-token.ts) the IAM auth
        // gateway checks; the nodes know the user by a random secret only the gateway logs in with.
        if (mode.Passwords?.length) {
          throw CommonErrors.invalidParameterCombination('AuthenticationMode Type iam cannot be combined with Passwords: IAM users authenticate with IAM authentication tokens.');
        }
        return iamAuthentication();
      default:
        throw CommonErrors.invalidParameterValue(`Invalid AuthenticationMode Type '${String(mode.Type)}': it must be password, no-password-required or iam.`);
    }
  }
  if (noPassword === true) {
    if (passwords?.length) throw CommonErrors.invalidParameterCombination('NoPasswordRequired cannot be true when Passwords are given.');
    return { type: 'no-password-required', passwordHashes: [] };
  }
  if (passwords !== undefined) return { type: 'password', passwordHashes: hashPasswords(passwords) };
  if (noPassword === false) {
    throw CommonErrors.invalidParameterCombination('NoPasswordRequired false needs Passwords: a user must have a password or need none.');
  }
  return undefined;
}

/** A new IAM user's authentication: a random secret for the gateway's logins, its hash for the nodes' ACL. */
export function iamAuthentication(): UserSpec['authentication'] {
  const nodeSecret = randomBytes(32).toString('hex');
  return { type: 'iam', passwordHashes: [sha256Hex(nodeSecret)], nodeSecret };
}

/**
 * As ElastiCache has it: an IAM user's UserId and UserName are the same (the token names the
 * user by its id, and the client sends AUTH with that name).
 */
export function checkIamIdentity(auth: UserSpec['authentication'], userId: string, userName: string): void {
  if (auth.type === 'iam' && userId !== userName) {
    throw CommonErrors.invalidParameterValue(
      `User ${userId}: a user with AuthenticationMode Type iam must have its UserName identical to its UserId (UserName is '${userName}').`);
  }
}

/** The access string as stored (rules separated by single spaces), or InvalidParameterValue. */
export function normalizeAccessString(value: string, what = 'AccessString'): string {
  return parseAccessString(value, what).text;
}
