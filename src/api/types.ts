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
  /** Actions an unsigned request may call: it is then neither authenticated nor authorized. */
  readonly anonymousActions?: ReadonlySet<string>;
}

export type { AwsError };

/** The document protocols a service may speak besides Query. */
export type RpcFormat = 'json' | 'cbor';

/**
 * A service served over the document protocols (AWS JSON 1.0/1.1 by X-Amz-Target, Smithy RPC v2
 * CBOR by `/service/<name>/operation/<Op>`): the same steps as a {@link QueryApi}, its input read
 * from and its output written to a JSON or CBOR document, its errors as `__type` (plus, for an
 * `awsQueryCompatible` service, the `x-amzn-query-error: <Code>;<Sender|Receiver>` header).
 */
export interface RpcApi {
  readonly signingService: string;
  readonly actionPrefix: string;
  readonly deniedCode: 'AccessDenied';
  /** X-Amz-Target's prefix (`GraniteServiceVersion20100801`), also the CBOR path's service name. */
  readonly targetPrefix: string;
  /** `1.0` or `1.1`: the content type answered is `application/x-amz-json-<version>`. */
  readonly jsonVersion: '1.0' | '1.1';
  /** Whether the model has `awsQueryCompatible` (errors then also carry the Query code in a header). */
  readonly queryCompatible: boolean;
  /** Whether Smithy RPC v2 CBOR is one of the model's protocols. */
  readonly cbor: boolean;
  resourcesOf(action: string, input: unknown, scope: ArnScope, ctx?: RequestContext): string[];
  readonly actions: ActionRegistry;
  hasOperation(action: string): boolean;
  decode(action: string, document: unknown, format: RpcFormat): unknown;
  encode(action: string, output: unknown, format: RpcFormat): Record<string, unknown>;
  /** The error's `__type`: the model's shape id for a modeled error, else its code. */
  errorType(err: AwsError): string;
  invalidAction(action: string): AwsError;
  notImplemented(action: string): AwsError;
}
