/** RBAC: users and user groups (ElastiCache CreateUser / CreateUserGroup). */

/** User groups being attached to or detached from a replication group, until every node has the ACL. */
export interface UserGroupsPending {
  add: string[];
  remove: string[];
}

/**
 * An RBAC user (ElastiCache CreateUser): a Redis ACL user on the nodes of every replication group
 * one of its user groups is attached to. Passwords are kept only as SHA-256 (hex), Redis's own
 * `#<hash>` ACL form: the password itself is in no record, no redis.conf, no log.
 */
export interface UserRecord {
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
  status: 'active' | 'modifying' | 'deleting';
  userGroupIds: string[];
  arn: string;
  minimumEngineVersion: string;
  /** The built-in `default` user every account has (cannot be modified or deleted). */
  builtIn?: boolean;
  createdAt: string;
}

export interface UserGroupRecord {
  /** Lowercase. */
  userGroupId: string;
  engine: 'redis';
  /** Members (desired): exactly one of them has the user name `default`. */
  userIds: string[];
  status: 'creating' | 'active' | 'modifying' | 'deleting';
  /** Replication groups this user group is attached to (their userGroupIds name it). */
  replicationGroups: string[];
  /** Membership changes not yet live on every node of the attached replication groups. */
  pending?: { userIdsToAdd: string[]; userIdsToRemove: string[] };
  arn: string;
  minimumEngineVersion: string;
  createdAt: string;
}
