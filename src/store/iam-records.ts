/**
 * IAM records: the users, groups and access keys of the installation's own IAM (the API users
 * of issue 11). Names are unique regardless of case, as in IAM, so a record's id is the name
 * lowercased; the name as given is kept in the document.
 */

/** Inline policies by name: the policy document exactly as the client sent it (JSON text). */
export type InlinePolicies = Record<string, string>;

export interface IamUserRecord {
  userName: string;
  /** `AIDA` + 17 characters, like IAM's unique ids. */
  userId: string;
  path: string;
  createdAt: string;
  tags: Array<{ Key: string; Value: string }>;
  /** Names of the groups the user is a member of, in the order it was added to them. */
  groupNames: string[];
  policies: InlinePolicies;
}

export interface IamGroupRecord {
  groupName: string;
  /** `AGPA` + 17 characters. */
  groupId: string;
  path: string;
  createdAt: string;
  policies: InlinePolicies;
}

/**
 * An access key of an IAM user. SigV4 verification needs the secret itself (the signature is an
 * HMAC keyed by it), so it is stored; the state database is readable by its owner only, and the
 * API shows the secret exactly once, in CreateAccessKey's answer.
 */
export interface IamAccessKeyRecord {
  accessKeyId: string;
  secretAccessKey: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createdAt: string;
}
