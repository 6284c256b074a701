// Records as IAM's API shows them (User, Group, AccessKeyMetadata of the model).
import type { IamDirectory } from '../../iam/index.js';
import type { IamAccessKeyRecord, IamGroupRecord, IamUserRecord } from '../../store/index.js';
import type { AccessKeyMetadata, Group, User } from './model/shapes.js';

export function presentUser(u: IamUserRecord, directory: IamDirectory, withTags = false): User {
  return {
    Path: u.path, UserName: u.userName, UserId: u.userId, Arn: directory.userArn(u), CreateDate: u.createdAt,
    ...(withTags && u.tags.length ? { Tags: u.tags } : {}),
  };
}

export function presentGroup(g: IamGroupRecord, directory: IamDirectory): Group {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: directory.groupArn(g), CreateDate: g.createdAt };
}

/** A key without its secret: the secret is shown once, by CreateAccessKey. */
export function presentKey(k: IamAccessKeyRecord): AccessKeyMetadata {
  return { UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdAt };
}

/** IAM returns policy documents URL-encoded (RFC 3986); the aws CLI and boto3 decode them. */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
