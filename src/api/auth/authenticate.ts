// The API server's authentication step (its `beforeAction`): every action request must carry a
// valid Signature Version 4 of a known access key; a refused request never reaches an action.
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../types.js';
import { isAwsError } from '../../errors/index.js';
import type { Logger } from '../../util/logger.js';
import { verifySigV4 } from './sigv4.js';

export interface AuthenticatorOptions {
  secretFor: (accessKeyId: string) => string | undefined;
  now?: () => Date;
  /** Development only: accept any access key and signature (a request must still be signed). */
  acceptAnyCredentials?: boolean;
  logger?: Pick<Logger, 'debug' | 'info'>;
}

export type BeforeAction = (ctx: RequestContext, request: FastifyRequest, rawBody: Uint8Array) => void;

export function createAuthenticator(opts: AuthenticatorOptions): BeforeAction {
  const now = opts.now ?? (() => new Date());
  return (ctx, request, rawBody) => {
    try {
      const who = verifySigV4(
        { method: request.method, url: request.raw.url ?? '/', rawHeaders: request.raw.rawHeaders, body: rawBody },
        // The API the request is for names the service its credential scope must name (elasticache, ec2).
        { secretFor: opts.secretFor, now: now(), acceptAnyCredentials: opts.acceptAnyCredentials, service: ctx.service },
        (d) => opts.logger?.debug({ requestId: ctx.requestId, action: ctx.action, canonicalRequest: d.canonicalRequest,
          stringToSign: d.stringToSign }, 'signature does not match'),
      );
      ctx.accessKeyId = who.accessKeyId;
      opts.logger?.debug({ requestId: ctx.requestId, action: ctx.action, accessKeyId: who.accessKeyId, form: who.form,
        verified: who.verified }, 'request authenticated');
    } catch (e) {
      if (isAwsError(e)) {
        opts.logger?.info({ requestId: ctx.requestId, action: ctx.action, code: e.code, remote: request.ip }, 'request refused: not authenticated');
      }
      throw e;
    }
  };
}
