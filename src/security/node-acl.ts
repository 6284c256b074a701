/**
 * The shape of a node's ACL users besides the admin user: what the node config renders as `user`
 * lines (NodeSecuritySpec.acl) and what reconciler/acl.ts computes from the records and applies live.
 */

/** One ACL user: its name and the rules ACL SETUSER takes after the name. */
export interface AclUser {
  name: string;
  rules: string[];
}

/** What the ACL of a node must be, besides the admin user. */
export interface NodeAcl {
  /** RBAC in force: `default` comes from the user group (else from the AUTH token state, which security.ts applies). */
  rbac: boolean;
  /** `default` first (RBAC only), then the other users by name. */
  users: AclUser[];
  /**
   * The users among them that log in with IAM tokens (AuthenticationMode iam): the node loads the
   * IAM auth module for them (src/security/iam-module.ts). Sorted.
   */
  iamUsers: string[];
  /** Changes whenever `users` does: recorded on the cluster once live (CacheClusterRecord.appliedAcl). */
  fingerprint: string;
}
