/**
 * The gateway's decision on an `AUTH <user> <token>`: the token checked (src/iam/connect-token.ts:
 * signature, lifetime, cache, user), then the key's IAM user's policies asked whether it may
 * perform `elasticache:Connect` on the replication group and on the ElastiCache user, as AWS
 * checks both resources (each with its own tags for aws:ResourceTag/…). An admin key (the account root) is always allowed. Pure over the
 * gateway's config; the caller never tells the client why (it answers WRONGPASS, as Redis does).
 */
import { ConnectTokenError, verifyConnectToken } from '../iam/connect-token.js';
import { evaluate, parsePolicyDocument, type ConditionContext, type ParsedPolicy } from '../iam/index.js';
import type { GatewayConfig, GatewayGroup, GatewayIamUser } from './config.js';

export const CONNECT_ACTION = 'elasticache:Connect';

type GatewayTags = ReadonlyArray<{ Key: string; Value?: string }>;

export type ConnectDecision =
  | { ok: true; accessKeyId: string; principal: string }
  | { ok: false; reason: string; message: string; accessKeyId?: string };

export interface ConnectRequest {
  /** The group logged in to (a gateway listener's, or a group whose nodes run the IAM auth module). */
  listener: GatewayGroup;
  userName: string;
  token: string;
  /**
   * The client's address and whether it uses TLS; undefined when the asker cannot tell (the IAM
   * auth module's `HELLO 3 AUTH` path: a Redis 7.0 command filter does not know its client). A
   * decision that would read an unknown one is refused (`client-unknown`): it is never guessed.
   */
  sourceIp: string | undefined;
  secureTransport: boolean | undefined;
  now: Date;
}

/** Parsed policies by document text: a gateway sees the same few documents on every login. */
const parsed = new Map<string, ParsedPolicy>();

function policy(text: string): ParsedPolicy | undefined {
  let p = parsed.get(text);
  if (!p) {
    try {
      p = parsePolicyDocument(text);
    } catch {
      return undefined; // stored documents were checked when put; a bad one allows nothing
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, p);
  }
  return p;
}

export function authorizeConnect(cfg: Pick<GatewayConfig, 'keys' | 'iamUsers' | 'accountId' | 'region'>, req: ConnectRequest): ConnectDecision {
  const user = req.listener.users[req.userName];
  if (!user) return { ok: false, reason: 'not-iam-user', message: `${req.userName} is not an IAM user of ${req.listener.groupId}` };
  let accessKeyId: string;
  try {
    ({ accessKeyId } = verifyConnectToken({
      token: req.token, userName: req.userName, cacheIds: [req.listener.groupId], now: req.now,
      secretFor: (id) => cfg.keys[id]?.secret,
    }));
  } catch (e) {
    if (e instanceof ConnectTokenError) return { ok: false, reason: e.reason, message: e.message };
    throw e;
  }
  const key = cfg.keys[accessKeyId]!;
  if (key.user === undefined) return { ok: true, accessKeyId, principal: `arn:aws:iam::${cfg.accountId}:root` };
  const iamUser = cfg.iamUsers[key.user];
  if (!iamUser) return { ok: false, reason: 'unknown-key', message: 'the key\'s IAM user no longer exists', accessKeyId };
  const policies = iamUser.policies.map(policy).filter((p): p is ParsedPolicy => !!p);
  const resources: Array<[string, GatewayTags | undefined]> = [[req.listener.groupArn, req.listener.groupTags], [user.arn, user.tags]];
  for (const [resource, tags] of resources) {
    const unknownRead: string[] = [];
    const decision = evaluate(policies, { action: CONNECT_ACTION, resource, context: contextOf(cfg, iamUser, req, tags, unknownRead) });
    if (unknownRead.length > 0) {
      return {
        ok: false, reason: 'client-unknown', accessKeyId,
        message: `the policies of ${iamUser.arn} condition ${CONNECT_ACTION} on ${unknownRead.join(', ')}, which this login cannot tell: log in with AUTH`,
      };
    }
    if (decision !== 'allow') {
      return {
        ok: false, reason: decision === 'explicitDeny' ? 'explicit-deny' : 'not-allowed', accessKeyId,
        message: `${iamUser.arn} is not authorized to perform: ${CONNECT_ACTION} on resource: ${resource}` +
          (decision === 'explicitDeny' ? ' with an explicit deny in an identity-based policy' : ' because no identity-based policy allows it'),
      };
    }
  }
  return { ok: true, accessKeyId, principal: iamUser.arn };
}

/**
 * The request's condition keys, as the API's authorizer gives them (src/api/auth/authorize.ts).
 * Reading a key the request cannot tell (see ConnectRequest) records it in `unknownRead`.
 */
function contextOf(cfg: Pick<GatewayConfig, 'accountId' | 'region'>, u: GatewayIamUser, req: ConnectRequest,
  resourceTags: GatewayTags | undefined, unknownRead: string[]): ConditionContext {
  const unknown = new Set([...(req.sourceIp === undefined ? ['aws:sourceip'] : []), ...(req.secureTransport === undefined ? ['aws:securetransport'] : [])]);
  const fixed: Record<string, string[] | undefined> = {
    'aws:sourceip': req.sourceIp ? [req.sourceIp.replace(/^::ffff:/, '')] : undefined,
    'aws:username': [u.userName],
    'aws:userid': [u.userId],
    'aws:principalarn': [u.arn],
    'aws:principaltype': ['User'],
    'aws:principalaccount': [cfg.accountId],
    'aws:requestedregion': [cfg.region],
    'aws:currenttime': [req.now.toISOString()],
    'aws:epochtime': [String(Math.floor(req.now.getTime() / 1000))],
    'aws:securetransport': [String(req.secureTransport)],
  };
  return (key) => {
    const k = key.toLowerCase();
    if (unknown.has(k)) {
      if (!unknownRead.includes(key)) unknownRead.push(key);
      return undefined;
    }
    if (Object.hasOwn(fixed, k)) return fixed[k];
    const slash = k.indexOf('/');
    const from = k.slice(0, slash) === 'aws:principaltag' ? u.tags : k.slice(0, slash) === 'aws:resourcetag' ? resourceTags : undefined;
    const tag = from?.find((t) => t.Key.toLowerCase() === k.slice(slash + 1));
    return tag ? [tag.Value ?? ''] : undefined;
  };
}
