// The steps every request of every service and protocol goes through once its service and action
// are known: the action must exist in the model, the request is authenticated (beforeAction), the
// action must be implemented, its input is decoded, the signer is authorized on the resources the
// action acts on, and the action runs. Protocols differ only in how input is read and output written.
import type { FastifyRequest } from 'fastify';
import type { ActionHandler, ArnScope, Authorize, RequestContext } from './types.js';
import type { AwsError } from '../errors/index.js';

/** What the pipeline needs of a service, whatever protocol it is reached by. */
export interface PipelineApi {
  readonly signingService: string;
  readonly actionPrefix: string;
  readonly deniedCode: 'AccessDenied' | 'UnauthorizedOperation';
  readonly actions: ReadonlyMap<string, ActionHandler>;
  hasOperation(action: string): boolean;
  resourcesOf(action: string, input: unknown, scope: ArnScope, ctx?: RequestContext): string[];
  invalidAction(action: string): AwsError;
  notImplemented(action: string): AwsError;
  readonly anonymousActions?: ReadonlySet<string>;
}

export interface PipelineOptions {
  beforeAction?: (ctx: RequestContext, request: FastifyRequest, rawBody: Uint8Array) => void | Promise<void>;
  authorize?: Authorize;
  arnScope: ArnScope;
}

/** Runs `action` of `api` for `req`; `decode` reads its input (throws AwsError on bad input). */
export async function runAction(opts: PipelineOptions, api: PipelineApi, action: string, req: FastifyRequest,
  rawBody: Uint8Array, decode: () => unknown): Promise<unknown> {
  if (!api.hasOperation(action)) throw api.invalidAction(action);
  const ctx: RequestContext = {
    requestId: req.id, action, service: api.signingService, sourceIp: req.ip, secureTransport: req.protocol === 'https',
  };
  // An anonymous action called without a signature skips both checks; signed, it is checked as any other.
  const anonymous = api.anonymousActions?.has(action) === true && !isSigned(req);
  if (opts.beforeAction && !anonymous) await opts.beforeAction(ctx, req, rawBody);
  const handler = api.actions.get(action);
  if (!handler) throw api.notImplemented(action);
  const input = decode();
  if (opts.authorize && !anonymous) {
    await opts.authorize({ action: `${api.actionPrefix}:${action}`, resources: api.resourcesOf(action, input, opts.arnScope, ctx),
      input, ctx, deniedCode: api.deniedCode });
  }
  return handler.handle(input, ctx);
}

function isSigned(req: FastifyRequest): boolean {
  return req.headers.authorization !== undefined || /[?&]X-Amz-Signature=/i.test(req.raw.url ?? '') ||
    (req.body instanceof Uint8Array && /(^|&)X-Amz-Signature=/i.test(Buffer.from(req.body).toString('latin1')));
}
