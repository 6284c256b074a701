// The ElastiCache-compatible HTTP endpoint: AWS Query protocol requests in (POST form bodies
// or GET query strings), XML out. Every outcome, including framework-level failures such as an
// oversized body, is answered as an AWS <ErrorResponse> so SDKs surface a proper error code.
// Requests with Version=2016-11-15 go to the EC2 API subset (src/api/ec2/), which has its own
// wire format, error format and SigV4 service name; Version=2010-05-08 goes to the IAM subset
// (src/api/iam/), Query protocol like ElastiCache; CloudWatch's (2010-08-01) and SNS's (2010-03-31)
// Versions to theirs (src/api/cloudwatch/, src/api/sns/). The document protocols (AWS JSON by
// X-Amz-Target, Smithy RPC v2 CBOR by path) are dispatched in rpc.ts. Every request of every service
// and protocol is authenticated (beforeAction), then authorized (authorize) on the resources its
// action acts on, then run (pipeline.ts).
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AwsError, CommonErrors, isAwsError } from '../errors/index.js';
import type { ActionRegistry, ArnScope, Authorize, QueryApi, RequestContext, RpcApi, RpcFormat } from './types.js';
import { getOperation } from './codec/model.js';
import { decodeInput, parseQueryString, type QueryParams } from './codec/query-decode.js';
import { encodeError, encodeResult } from './codec/xml-encode.js';
import { SERVICE as ELASTICACHE_SIGNING_SERVICE } from './auth/sigv4.js';
import { createEc2Api, isEc2Version } from './ec2/api.js';
import { createIamApi, isIamVersion } from './iam/api.js';
import type { IamResourcesOf } from './iam/resources.js';
import { elasticacheResources } from './actions/resources.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { runAction } from './pipeline.js';
import { parseTarget, sendRpcError, serveRpc } from './rpc.js';
import type { ServiceApis } from './service-api.js';

export interface ApiServerOptions {
  actions: ActionRegistry;
  /** The EC2 actions (security groups, network interfaces, tags) served for Version=2016-11-15. */
  ec2Actions?: ActionRegistry;
  /** The IAM actions (users, groups, access keys, inline policies) served for Version=2010-05-08. */
  iamActions?: ActionRegistry;
  /** The resources of IAM actions, knowing users' paths and keys (default: every path `/`). */
  iamResources?: IamResourcesOf;
  logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Largest accepted request body; default 1 MiB. */
  bodyLimitBytes?: number;
  /**
   * Runs once the action is known to exist in the model, before the implementation check and
   * input decoding (e.g. authentication, rate limiting). A thrown AwsError becomes the response.
   * `request.body` is the body (bytes, inflated when gzip-encoded) or undefined; `rawBody` is the body exactly as
   * received (the bytes a request signature covers), empty when there was none.
   */
  beforeAction?: (ctx: RequestContext, request: FastifyRequest, rawBody: Uint8Array) => void | Promise<void>;
  /** Serve HTTPS with this certificate chain and key (PEM); plain HTTP without. */
  https?: { cert: string; key: string };
  /**
   * Runs once the input is decoded, before the action: may the request's signer perform it on
   * the resources it acts on? A thrown AwsError (AccessDenied) becomes the response and the
   * action never runs. Without it every authenticated request is allowed.
   */
  authorize?: Authorize;
  /** The account and region resource ARNs are made in (for authorize). */
  arnScope?: ArnScope;
  /** More services (CloudWatch, SNS): Query by their Version, and JSON/CBOR where their model has them. */
  services?: ServiceApis[];
  /** Services reached only by the document protocols (CloudWatch Logs' JSON 1.1 dispatch). */
  rpcOnly?: RpcApi[];
  /** Files served by GET at a path of the endpoint (SNS's SigningCertURL), read when asked. */
  files?: () => ReadonlyMap<string, { contentType: string; body: string }>;
  /**
   * Mounts more routes on the app (the web console, src/console/), given a way to run a Query
   * action for a caller that signed in by other means: the same decoding, authorization and
   * handler as a signed request.
   */
  mount?: (app: FastifyInstance, invoke: InvokeAction) => void;
}

/**
 * Runs `action` of the Query service whose model Version is `version` (ElastiCache's when
 * undefined) for `accessKeyId`, a caller already authenticated by the mounting module: the action
 * is checked, its input decoded from `params` as a Query request's would be, the caller authorized
 * by the same IAM policies, and the same handler run. Throws AwsError as the API would answer.
 */
export type InvokeAction = (req: FastifyRequest, call: { version?: string; action: string; params: QueryParams; accessKeyId: string }) => Promise<unknown>;

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const EMPTY_BODY = new Uint8Array(0);

export function createApiServer(opts: ApiServerOptions): FastifyInstance {
  const log = opts.logger ?? silentLogger;
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const actionOf = new WeakMap<FastifyRequest, string>();
  const apiOf = new WeakMap<FastifyRequest, QueryApi>();
  const elasticache = elasticacheApi(opts.actions);
  const ec2 = createEc2Api(opts.ec2Actions ?? new Map());
  const iam = createIamApi(opts.iamActions ?? new Map(), opts.iamResources);
  const arnScope = opts.arnScope ?? { accountId: '000000000000', region: 'us-east-1' };
  const rawBodyOf = new WeakMap<FastifyRequest, Buffer>();
  const services = opts.services ?? [];
  const queryByVersion = new Map(services.map((s) => [s.model.apiVersion, s.query]));
  const rpcApis = [...services.flatMap((s) => (s.rpc ? [s.rpc] : [])), ...(opts.rpcOnly ?? [])];
  const rpcByTarget = new Map(rpcApis.map((a) => [a.targetPrefix, a]));
  const cborByService = new Map(rpcApis.filter((a) => a.cbor).map((a) => [a.targetPrefix, a]));
  /** How an error of a document-protocol request is written (its service and format). */
  const rpcOf = new WeakMap<FastifyRequest, { api: RpcApi; format: RpcFormat }>();
  const pipeline = { beforeAction: opts.beforeAction, authorize: opts.authorize, arnScope };

  // Typed as the HTTP instance either way: nothing here depends on the transport.
  const app = (opts.https
    ? Fastify({ logger: false, bodyLimit, genReqId: () => randomUUID(), https: { cert: opts.https.cert, key: opts.https.key } })
    : Fastify({ logger: false, bodyLimit, genReqId: () => randomUUID() })) as unknown as FastifyInstance;

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-amzn-RequestId', req.id);
    // AWS Query endpoints read the body as a form whatever the Content-Type says; fastify would
    // otherwise refuse a malformed media type with 415 before any parser runs.
    const ct = req.raw.headers['content-type'];
    if (ct !== undefined && !/^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(ct)) {
      req.raw.headers['content-type'] = 'application/x-www-form-urlencoded';
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    log.debug({ requestId: req.id, action: actionOf.get(req), method: req.method, status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000 }, 'api request');
  });

  // The only body parser keeps the bytes: a Query handler reads them as a form (strict UTF-8, so
  // corruption is reported, not masked), a JSON or CBOR handler as its document.
  app.removeAllContentTypeParsers();
  // A body sent with Content-Encoding: gzip (the SDKs compress CloudWatch's PutMetricData, which has
  // the requestcompression trait) is inflated here, at most 8 times the body limit; the signature
  // covers the compressed bytes.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    rawBodyOf.set(req, body as Buffer);
    if (!/^\s*gzip\s*$/i.test(String(req.headers['content-encoding'] ?? ''))) {
      done(null, body);
      return;
    }
    try {
      done(null, gunzipSync(body as Buffer, { maxOutputLength: bodyLimit * 8 }));
    } catch (e) {
      const tooLarge = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      done(tooLarge ? CommonErrors.requestEntityTooLarge(bodyLimit * 8) : new AwsError('SerializationException', 'The request body is not valid gzip.', 400), undefined);
    }
  });

  function sendError(req: FastifyRequest, reply: FastifyReply, e: unknown) {
    let err: AwsError;
    if (isAwsError(e)) {
      err = e;
    } else {
      const fe = e as { code?: string; statusCode?: number; message?: string };
      if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        err = CommonErrors.requestEntityTooLarge(bodyLimit);
      } else if (fe?.code?.startsWith('FST_') && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
        // Framing problems caught by fastify (bad Content-Length, aborted body …).
        err = new AwsError('MalformedQueryString', `The request could not be read: ${fe.message ?? 'malformed request'}`, fe.statusCode);
      } else {
        err = CommonErrors.internal(e);
      }
    }
    if (err.httpStatus >= 500) {
      log.error({ requestId: req.id, action: actionOf.get(req), err: err.cause ?? err }, 'request failed');
    }
    // A document-protocol request answered before its service was known (an unknown target or
    // path, a body that would not inflate) still gets its error in the protocol it spoke.
    const rpc = rpcOf.get(req) ?? (apiOf.has(req) ? undefined
      : req.headers['x-amz-target'] !== undefined ? { api: UNKNOWN_RPC, format: 'json' as const }
        : (req.raw.url ?? '').startsWith('/service/') ? { api: UNKNOWN_RPC, format: 'cbor' as const } : undefined);
    if (rpc) {
      sendRpcError(reply, rpc.api, rpc.format, err);
      return;
    }
    const { status, body } = (apiOf.get(req) ?? elasticache).encodeError(err, req.id);
    reply.code(status).header('content-type', 'text/xml').send(body);
  }

  app.setErrorHandler((error, req, reply) => sendError(req, reply, error));

  app.setNotFoundHandler((req, reply) => {
    sendError(req, reply, new AwsError('NotFound', `Nothing is served at ${req.method} ${req.url.split('?')[0]}; the API endpoint is POST /.`, 404));
  });

  // Anything else GET /<name> is one of the served files (a signing certificate), or not found.
  app.get<{ Params: { name: string } }>('/:name', async (req, reply) => {
    const file = opts.files?.().get(`/${req.params.name}`);
    if (!file) {
      sendError(req, reply, new AwsError('NotFound', `Nothing is served at GET /${req.params.name}.`, 404));
      return reply;
    }
    reply.header('content-type', file.contentType).send(file.body);
    return reply;
  });

  app.get('/healthz', async (_req, reply) => {
    reply.header('content-type', 'text/plain; charset=utf-8').send('ok');
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/',
    handler: async (req, reply) => {
      try {
        const target = req.method === 'POST' ? header(req, 'x-amz-target') : undefined;
        if (target !== undefined) {
          const parsed = parseTarget(target);
          const api = parsed ? rpcByTarget.get(parsed.prefix) : undefined;
          if (!api || !parsed) throw new AwsError('UnknownOperationException', `No service on this endpoint answers X-Amz-Target ${target}.`, 400);
          rpcOf.set(req, { api, format: 'json' });
          actionOf.set(req, parsed.operation);
          await serveRpc(pipeline, api, parsed.operation, 'json', req, reply, rawBodyOf.get(req) ?? EMPTY_BODY, bodyOf(req));
          return reply;
        }
        const params = requestParams(req);
        const version = lastValue(params, 'Version');
        const api = isEc2Version(version) ? ec2 : isIamVersion(version) ? iam
          : (version !== undefined ? queryByVersion.get(version) : undefined) ?? elasticache;
        apiOf.set(req, api);
        const action = lastValue(params, 'Action');
        if (!action) throw CommonErrors.missingAction();
        actionOf.set(req, action);
        const output = await runAction(pipeline, api, action, req, rawBodyOf.get(req) ?? EMPTY_BODY, () => api.decode(action, params));
        const xml = api.encodeResult(action, output, req.id);
        reply.code(200).header('content-type', 'text/xml').send(xml);
      } catch (e) {
        sendError(req, reply, e);
      }
      return reply;
    },
  });

  // Smithy RPC v2 CBOR: the service and operation are in the path.
  app.post<{ Params: { service: string; operation: string } }>('/service/:service/operation/:operation', async (req, reply) => {
    try {
      const api = cborByService.get(req.params.service);
      if (!api) throw new AwsError('UnknownOperationException', `No service named ${req.params.service} speaks RPC v2 CBOR on this endpoint.`, 404);
      rpcOf.set(req, { api, format: 'cbor' });
      actionOf.set(req, req.params.operation);
      if (header(req, 'smithy-protocol') !== 'rpc-v2-cbor') {
        throw new AwsError('SerializationException', 'An RPC v2 CBOR request must carry the header smithy-protocol: rpc-v2-cbor.', 400);
      }
      await serveRpc(pipeline, api, req.params.operation, 'cbor', req, reply, rawBodyOf.get(req) ?? EMPTY_BODY, bodyOf(req));
    } catch (e) {
      sendError(req, reply, e);
    }
    return reply;
  });

  opts.mount?.(app, async (req, call) => {
    const api = call.version === undefined ? elasticache : isEc2Version(call.version) ? ec2 : queryByVersion.get(call.version);
    if (!api) throw new AwsError('InvalidParameterValue', `No Query service of Version ${call.version} is served here.`, 400);
    actionOf.set(req, call.action);
    const session = { ...pipeline, beforeAction: (ctx: RequestContext) => { ctx.accessKeyId = call.accessKeyId; } };
    return runAction(session, api, call.action, req, EMPTY_BODY, () => api.decode(call.action, call.params));
  });

  return app;
}

/** How errors are written for a JSON or CBOR request whose service is not known: `__type` is the code. */
const UNKNOWN_RPC = { jsonVersion: '1.0', queryCompatible: false, errorType: (e: AwsError) => e.code } as unknown as RpcApi;

/** The ElastiCache API (the service model in src/api/model/). */
function elasticacheApi(actions: ActionRegistry): QueryApi {
  return {
    signingService: ELASTICACHE_SIGNING_SERVICE,
    actionPrefix: 'elasticache',
    deniedCode: 'AccessDenied',
    resourcesOf: elasticacheResources,
    actions,
    hasOperation: (action) => getOperation(action) !== undefined,
    decode: (action, params) => decodeInput(action, params),
    encodeResult: (action, output, requestId) => encodeResult(action, output, requestId),
    encodeError: (err, requestId) => ({ status: err.httpStatus, body: encodeError(err, requestId) }),
    invalidAction: CommonErrors.invalidAction,
    notImplemented: CommonErrors.notImplemented,
  };
}

/** Query-string parameters, then body parameters (a body value overrides the same key in the URL). */
function requestParams(req: FastifyRequest): QueryParams {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  const params = q === -1 ? [] : parseQueryString(url.slice(q + 1));
  if (!(req.body instanceof Uint8Array) || req.body.length === 0) return params;
  let text: string;
  try {
    text = utf8.decode(req.body);
  } catch {
    throw CommonErrors.malformedQueryString('The request body is not valid UTF-8.');
  }
  if (text === '') return params;
  const body = parseQueryString(text.trim());
  return params.length === 0 ? body : params.concat(body);
}

/** The request's body, decompressed. */
function bodyOf(req: FastifyRequest): Uint8Array {
  return req.body instanceof Uint8Array ? req.body : EMPTY_BODY;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function lastValue(params: QueryParams, key: string): string | undefined {
  for (let i = params.length - 1; i >= 0; i--) if (params[i][0] === key) return params[i][1];
  return undefined;
}
