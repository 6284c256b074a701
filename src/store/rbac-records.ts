/**
 * RBAC: users and user groups (ElastiCache CreateUser / CreateUserGroup). As replication groups
 * and cache clusters are (cache-records.ts), each is kept in two records: the *spec* (kinds
 * `user`, `userGroup`), what the API was asked for, written only by API handlers; and the
 * *status* (kinds `userStatus`, `userGroupStatus`), the spec generation the reconciler has seen
 * live on every node, written only by the reconciler. Each half has its own version, so the
 * reconciler's writes never make an API call retry and an API write never overwrites an
 * observation. Code reads the merged view (`UserRecord`, `UserGroupRecord`; store/rbac-views.ts),
 * whose `status` is derived from the two halves.
 */

/** User groups being attached to or detached from a replication group, until every node has the ACL. */
export interface UserGroupsPending {
  add: string[];
  remove: string[];
}

/**
 * An RBAC user, desired half: a Redis ACL user on the nodes of every replication group one of
 * its user groups is attached to. Passwords are kept only as SHA-256 (hex), Redis's own
 * `#<hash>` ACL form: the password itself is in no record, no redis.conf, no log.
 */
export interface UserSpec {
  /** Lowercase, as ElastiCache stores ids. */
  userId: string;
  /** The Redis ACL user name (several users may share one, not within a user group). */
  userName: string;
  engine: 'redis';
  /** Redis ACL rules without passwords (validated by security/access-string.ts). */
  accessString: string;
  authentication: {
    type: 'password' | 'no-password-required' | 'iam';
    /**
     * SHA-256 (hex) of each password: one or two for type password; for type iam, the hash of
     * {@link nodeSecret}; empty for no-password-required.
     */
    passwordHashes: string[];
    /**
     * Type iam only: the password the IAM auth gateway logs in to the nodes with on the client's
     * behalf, once it has checked the client's token (src/gateway). Made by the service, never
     * shown by the API; a customer's own passwords are never kept, only their hashes.
     */
    nodeSecret?: string;
  };
  userGroupIds: string[];
  arn: string;
  minimumEngineVersion: string;
  /** The built-in `default` user every account has (cannot be modified or deleted). */
  builtIn?: boolean;
  createdAt: string;
  /**
   * Bumped by every API change the nodes must follow (a ModifyUser of a user on nodes): the user
   * shows `modifying` until the reconciler has seen it live everywhere (`observedGeneration`).
   */
  generation?: number;
  /**
   * DeleteUser of a user on nodes: it shows `deleting` until the reconciler has removed it from
   * every node, and then deletes its records (a spec transition at the spec's version).
   */
  deleteRequested?: boolean;
}

/** An RBAC user, observed half (written by the reconciler's RBAC controller). */
export interface UserStatusRecord {
  id: string;
  /** The spec generation whose ACL the reconciler saw live on every node of every group the user is on. */
  observedGeneration: number;
}

export type UserStatus = 'active' | 'modifying' | 'deleting';

/** An RBAC user, merged view; `status` is derived from the halves (store/rbac-views.ts). */
export interface UserRecord extends UserSpec {
  status: UserStatus;
  observedGeneration: number;
}

/** A user group, desired half. */
export interface UserGroupSpec {
  /** Lowercase. */
  userGroupId: string;
  engine: 'redis';
  /** Members: exactly one of them has the user name `default`. */
  userIds: string[];
  /** Replication groups this user group is attached to (their userGroupIds name it). */
  replicationGroups: string[];
  /**
   * The membership change of the last change the nodes must follow (ModifyUserGroup, DeleteUser):
   * shown as PendingChanges until the reconciler has observed its generation.
   */
  pending?: { userIdsToAdd: string[]; userIdsToRemove: string[] };
  arn: string;
  minimumEngineVersion: string;
  createdAt: string;
  /** See {@link UserSpec.generation}: bumped by a membership change of a group attached to nodes. */
  generation?: number;
}

/**
 * A user group, observed half. It exists once the reconciler has seen the user group (until
 * then the group is `creating`).
 */
export interface UserGroupStatusRecord {
  id: string;
  /** The spec generation the reconciler saw live on every node of every replication group it is attached to. */
  observedGeneration: number;
}

export type UserGroupStatus = 'creating' | 'active' | 'modifying' | 'deleting';

/** A user group, merged view; `status` is derived, `pending` shown only while `modifying`. */
export interface UserGroupRecord extends UserGroupSpec {
  status: UserGroupStatus;
  observedGeneration: number;
}
