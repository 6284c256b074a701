// The authorization step every API request of every service goes through (after authentication,
// before its action runs): the admin key is the account root and may do anything; an IAM user's
// key may do what the user's policies (its own inline policies and its groups') allow on each
// resource the action acts on, and nothing an explicit Deny names. A refusal is AccessDenied
// (EC2: UnauthorizedOperation), 403, in AWS's words, and the action never runs.
import { CommonErrors } from '../../errors/index.js';
import { accessDenied, evaluate, type ConditionContext, type IamDirectory, type ParsedPolicy } from '../../iam/index.js';
import type { IamUserRecord } from '../../store/index.js';
import type { Logger } from '../../util/logger.js';
import type { AuthorizationRequest, Authorize } from '../types.js';

export interface AuthorizerOptions {
  directory: IamDirectory;
  /** Keys of the credentials file (the admin key): the account root, never refused. */
  isRootKey: (accessKeyId: string) => boolean;
  /** The tags of an ElastiCache/EC2 resource ARN (aws:ResourceTag/…); looked up only when a policy asks. */
  resourceTags?: (arn: string) => Promise<ReadonlyArray<{ Key: string; Value?: string }> | undefined>;
  /** The installation's region (aws:RequestedRegion). */
  region: string;
  now?: () => Date;
  logger?: Pick<Logger, 'info'>;
}

export function createAuthorizer(opts: AuthorizerOptions): Authorize {
  const now = opts.now ?? (() => new Date());
  return async (req) => {
    const id = req.ctx.accessKeyId;
    if (id === undefined || opts.isRootKey(id)) return;
    const key = opts.directory.accessKey(id);
    // Not an IAM key either: only --insecure-accept-any-credentials lets one through; it acts as root.
    if (!key) return;
    const user = opts.directory.user(key.userName);
    if (!user) throw CommonErrors.invalidClientTokenId();
    const policies = opts.directory.policiesOf(user);
    const principalArn = opts.directory.userArn(user);
    const wantsResourceTags = mentionsResourceTags(policies);
    for (const resource of req.resources) {
      const tags = wantsResourceTags ? await tagsOf(resource) : undefined;
      const context = contextOf(req, user, principalArn, tags, now());
      const decision = evaluate(policies, { action: req.action, resource, context });
      if (decision === 'allow') continue;
      const reason = decision === 'explicitDeny' ? 'explicit' : 'implicit';
      opts.logger?.info({ requestId: req.ctx.requestId, action: req.action, resource, user: user.userName, reason },
        'request refused: not authorized');
      throw accessDenied(principalArn, req.action, resource, reason, req.deniedCode);
    }
  };

  async function tagsOf(resource: string): Promise<ReadonlyArray<{ Key: string; Value?: string }> | undefined> {
    if (resource === '*') return undefined;
    const iamUser = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(resource);
    if (iamUser) return opts.directory.user(iamUser[1]!)?.tags;
    return opts.resourceTags?.(resource);
  }

  function contextOf(req: AuthorizationRequest, user: IamUserRecord, principalArn: string,
    resourceTags: ReadonlyArray<{ Key: string; Value?: string }> | undefined, at: Date): ConditionContext {
    const requestTags = tagsInput(req.input);
    const fixed: Record<string, string[] | undefined> = {
      'aws:sourceip': req.ctx.sourceIp ? [req.ctx.sourceIp] : undefined,
      'aws:username': [user.userName],
      'aws:userid': [user.userId],
      'aws:principalarn': [principalArn],
      'aws:principaltype': ['User'],
      'aws:principalaccount': [opts.directory.accountId],
      'aws:requestedregion': [opts.region],
      'aws:currenttime': [at.toISOString()],
      'aws:epochtime': [String(Math.floor(at.getTime() / 1000))],
      'aws:securetransport': req.ctx.secureTransport === undefined ? undefined : [String(req.ctx.secureTransport)],
      'aws:tagkeys': requestTags?.map((t) => t.Key),
    };
    return (key) => {
      const k = key.toLowerCase();
      if (Object.hasOwn(fixed, k)) return fixed[k];
      const slash = k.indexOf('/');
      if (slash === -1) return undefined;
      const tagKey = k.slice(slash + 1);
      const from = k.slice(0, slash) === 'aws:resourcetag' ? resourceTags
        : k.slice(0, slash) === 'aws:requesttag' ? requestTags
          : k.slice(0, slash) === 'aws:principaltag' ? user.tags : undefined;
      const tag = from?.find((t) => t.Key.toLowerCase() === tagKey);
      return tag ? [tag.Value ?? ''] : undefined;
    };
  }
}

function mentionsResourceTags(policies: readonly ParsedPolicy[]): boolean {
  return policies.some((p) => p.statements.some((s) => s.conditions.some((c) => /^aws:resourcetag\//i.test(c.key))));
}

/** The Tags a create or tag action carries (ElastiCache, IAM), for aws:RequestTag/… and aws:TagKeys. */
function tagsInput(input: unknown): Array<{ Key: string; Value?: string }> | undefined {
  const tags = (input as { Tags?: unknown } | null | undefined)?.Tags;
  if (!Array.isArray(tags)) return undefined;
  return tags.filter((t): t is { Key: string; Value?: string } => typeof t?.Key === 'string');
}
