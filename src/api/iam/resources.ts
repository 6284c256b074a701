// The resource each IAM action acts on (Service Authorization Reference for IAM): the user
// (arn:aws:iam::<account>:user<path><name>) for user, access key and user policy actions, the
// group for group actions (AddUserToGroup/RemoveUserFromGroup included); `*` for ListUsers and
// ListGroups. Key and user actions without UserName act on the caller's own user, as in IAM.
import type { ArnScope, RequestContext } from '../types.js';

/** What the resource ARNs need to know of the directory: paths, and whose key signed. */
export interface IamResourceLookup {
  userPath(name: string): string | undefined;
  groupPath(name: string): string | undefined;
  /** The IAM user an access key belongs to (undefined for the admin key). */
  userOfKey(accessKeyId: string): string | undefined;
}

export type IamResourcesOf = (action: string, input: unknown, scope: ArnScope, ctx?: RequestContext) => string[];

export function iamResources(lookup?: IamResourceLookup): IamResourcesOf {
  return (action, input, scope, ctx) => {
    const fields = (input ?? {}) as Record<string, unknown>;
    if (action === 'ListUsers' || action === 'ListGroups') return ['*'];
    const base = `arn:aws:iam::${scope.accountId}`;
    // A create names the path of the ARN it makes; other actions find it on the record.
    const newPath = typeof fields.Path === 'string' ? fields.Path : undefined;
    if (/Group/.test(action)) {
      const name = String(fields.GroupName);
      return [`${base}:group${newPath ?? lookup?.groupPath(name) ?? '/'}${name}`];
    }
    const name = typeof fields.UserName === 'string' ? fields.UserName
      : ctx?.accessKeyId ? lookup?.userOfKey(ctx.accessKeyId) : undefined;
    // The admin key without a UserName acts on the account itself.
    if (name === undefined) return [`${base}:root`];
    return [`${base}:user${newPath ?? lookup?.userPath(name) ?? '/'}${name}`];
  };
}
