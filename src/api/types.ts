import type { AwsError } from '../errors/index.js';

/** What every action handler receives besides its input. */
export interface RequestContext {
  requestId: string;
  action: string;
  /** The SigV4 service name the request's credential scope must name (`elasticache`, `ec2`, `iam`). */
  service?: string;
  /** The access key the request is signed with, once authenticated. */
  accessKeyId?: string;
  /** The address the request came from (aws:SourceIp). */
  sourceIp?: string;
  /** Whether the request came over TLS (aws:SecureTransport); undefined when the server cannot tell. */
  secureTransport?: boolean;
}

/** The account and region ARNs are made in. */
export interface ArnScope {
  accountId: string;
  region: string;
}

/**
 * What the HTTP layer asks the authorization step for every request, after decoding its input
 * and before running its action: may the signer of `ctx` perform `action` on `resources`?
 */
export interface AuthorizationRequest {
  /** `service:Action` as policies name it, e.g. `elasticache:CreateReplicationGroup`. */
  action: string;
  /** The ARNs the action acts on; `*` for an action without resource-level permissions. */
  resources: string[];
  /** The decoded input (for aws:RequestTag/… from its Tags). */
  input: unknown;
  ctx: RequestContext;
  /** The code the API answers a refusal with: `AccessDenied`, or EC2's `UnauthorizedOperation`. */
  deniedCode: 'AccessDenied' | 'UnauthorizedOperation';
}

/** Throws the API's refusal (403) when the request is not allowed. */
export type Authorize = (request: AuthorizationRequest) => void | Promise<void>;

/**
 * One API action, named as on the wire. Its input has already been decoded and validated
 * against the model's input shape; it returns an object of the model's output shape
 * (without the result wrapper), which the codec serializes to XML.
 */
export interface ActionHandler<I = any, O = any> {
  readonly name: string;
  handle(input: I, ctx: RequestContext): Promise<O> | O;
}

export type ActionRegistry = ReadonlyMap<string, ActionHandler>;

/**
 * One API served on the endpoint (ElastiCache, or the EC2 subset): its model, wire codec,
 * error format and actions. The HTTP layer picks one per request and runs the same steps.
 */
export interface QueryApi {
  /** The SigV4 service name a request's credential scope must name. */
  readonly signingService: string;
  /** The service prefix of its actions in policies (`elasticache`, `ec2`, `iam`). */
  readonly actionPrefix: string;
  /** The code a call no policy allows is refused with. */
  readonly deniedCode: 'AccessDenied' | 'UnauthorizedOperation';
  /** The resource ARNs `action` acts on, given its decoded input (`*` when it has none). */
  resourcesOf(action: string, input: unknown, scope: ArnScope, ctx?: RequestContext): string[];
  readonly actions: ActionRegistry;
  hasOperation(action: string): boolean;
  /** The decoded, validated input (throws AwsError on invalid input). */
  decode(action: string, params: Array<[string, string]>): unknown;
  encodeResult(action: string, output: unknown, requestId: string): string;
  encodeError(err: AwsError, requestId: string): { status: number; body: string };
  invalidAction(action: string): AwsError;
  notImplemented(action: string): AwsError;
}

export type { AwsError };
