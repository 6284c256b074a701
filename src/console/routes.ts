// The web console's routes on the API's port, under /console:
//   GET  /console/…                 the built pages and assets (a Content-Security-Policy on each)
//   GET  /console/api/session       who is signed in and the session's CSRF token (401 when nobody)
//   POST /console/api/sign-in       {accessKeyId, secretAccessKey}: checked against the keys the API accepts
//   POST /console/api/sign-out
//   POST /console/api/call/:service/:action   {params: {Query parameters}} → the action's output as JSON
//   GET  /console/ca.pem            the service CA (for TLS connection snippets)
//   GET  /console/api/node-types    the node type catalog with memory (the create form's choices)
// Every action goes through the API's own pipeline (http.ts's InvokeAction): the same input
// decoding, the same IAM authorization of the signed-in key and the same handler as an SDK call.
// Secrets travel only in the sign-in body and the HttpOnly cookie, never in a URL or a log line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAwsError, CommonErrors, type AwsError } from '../errors/index.js';
import type { InvokeAction } from '../api/http.js';
import type { Logger } from '../util/logger.js';
import { NODE_TYPES } from '../catalog/node-types.js';
import { EC2_API_VERSION } from '../api/ec2/model.js';
import { cookieValue, csrfProblem, originProblem, SECURITY_HEADERS, SESSION_COOKIE, sessionCookie } from './guard.js';
import { sameSecret, SessionStore, type ConsoleSession } from './session.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';
import { SignInThrottle } from './sign-in-throttle.js';

export interface ConsoleOptions {
  /** The secret of an access key the API accepts now (the admin key, an active IAM user key). */
  secretFor: (accessKeyId: string) => string | undefined;
  /** Whether the API is HTTPS (the cookie is then `Secure`). */
  secure: boolean;
  /** The sessions (default: in memory; the service keeps them in its state store, to outlive a restart). */
  sessions?: SessionStore;
  /** Failed sign-ins allowed per source address (default: 10 in 15 minutes). */
  throttle?: SignInThrottle;
  /** The console's built files (default: console/dist). */
  files?: ReadonlyMap<string, StaticFile>;
  /** The service CA's certificate (PEM), offered for download. */
  caCert?: () => string | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** The services the console may call, by name in its URL → their Query model Version (undefined: ElastiCache). */
const SERVICES: ReadonlyMap<string, string | undefined> = new Map([
  ['elasticache', undefined], ['cloudwatch', '2010-08-01'],
  // EC2's security groups (the console's Security groups page), decoded and authorized as EC2 requests.
  ['ec2', EC2_API_VERSION],
]);

/** Returns the `mount` for createApiServer that serves the console. */
export function consoleMount(opts: ConsoleOptions): (app: FastifyInstance, invoke: InvokeAction) => void {
  const sessions = opts.sessions ?? new SessionStore();
  const files = opts.files ?? loadStaticFiles();
  const throttle = opts.throttle ?? new SignInThrottle();
  const log = opts.logger;
  return (app, invoke) => {
    app.register(async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        reply.headers(SECURITY_HEADERS);
        const problem = originProblem(req.method, req.headers, req.protocol === 'https' ? 'https' : 'http');
        if (problem) {
          log?.info({ requestId: req.id, origin: req.headers.origin, remote: req.ip }, 'console request refused: origin');
          return sendError(reply, 403, 'InvalidOrigin', problem);
        }
      });

      /** The request's live session, after the CSRF check; answers 401/403 itself and returns undefined otherwise. */
      async function sessionOf(req: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession | undefined> {
        const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
        const session = await sessions.get(id);
        // A key deleted or deactivated since sign-in ends its sessions.
        if (session && opts.secretFor(session.accessKeyId) === undefined) await sessions.deleteKey(session.accessKeyId);
        else if (session) {
          const csrf = csrfProblem(req.method, req.headers, session);
          if (!csrf) return session;
          sendError(reply, 403, 'InvalidCsrfToken', csrf);
          return undefined;
        }
        sendError(reply, 401, 'NotSignedIn', 'Sign in to the console first.');
        return undefined;
      }

      scope.get('/api/session', async (req, reply) => {
        const s = await sessionOf(req, reply);
        if (s) send(reply, 200, describeSession(s));
        return reply;
      });

      scope.post('/api/sign-in', async (req, reply) => {
        const wait = throttle.retryAfterSeconds(req.ip);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return sendError(reply, 429, 'Throttling', `Too many failed sign-ins from this address; try again in ${wait} s.`);
        }
        const body = jsonBody(req) as { accessKeyId?: unknown; secretAccessKey?: unknown } | undefined;
        const id = typeof body?.accessKeyId === 'string' ? body.accessKeyId.trim() : '';
        const secret = typeof body?.secretAccessKey === 'string' ? body.secretAccessKey : '';
        const known = id === '' ? undefined : opts.secretFor(id);
        if (known === undefined || !sameSecret(secret, known)) {
          throttle.recordFailure(req.ip);
          log?.info({ requestId: req.id, accessKeyId: id || undefined, remote: req.ip }, 'console sign-in refused');
          return sendError(reply, 401, 'InvalidCredentials', 'The access key ID or secret access key is not valid.');
        }
        const old = await sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
        if (old) await sessions.delete(old.id);
        const s = await sessions.create(id);
        log?.info({ requestId: req.id, accessKeyId: id, remote: req.ip }, 'console sign-in');
        reply.header('set-cookie', sessionCookie(s.id, sessions.ttlSeconds, opts.secure));
        return send(reply, 200, describeSession(s));
      });

      scope.post('/api/sign-out', async (req, reply) => {
        const s = await sessionOf(req, reply);
        if (!s) return reply;
        await sessions.delete(s.id);
        reply.header('set-cookie', sessionCookie('', 0, opts.secure));
        return send(reply, 200, {});
      });

      scope.post<{ Params: { service: string; action: string } }>('/api/call/:service/:action', async (req, reply) => {
        const s = await sessionOf(req, reply);
        if (!s) return reply;
        if (!SERVICES.has(req.params.service)) return sendError(reply, 404, 'UnknownService', `The console calls no service named ${req.params.service}.`);
        const body = jsonBody(req) as { params?: unknown } | undefined;
        const params = queryParams(body?.params);
        if (!params) return sendError(reply, 400, 'MalformedRequest', 'The body must be {"params": {name: string value}}.');
        try {
          const output = await invoke(req, { version: SERVICES.get(req.params.service), action: req.params.action, params, accessKeyId: s.accessKeyId });
          return send(reply, 200, output ?? {});
        } catch (e) {
          const err: AwsError = isAwsError(e) ? e : CommonErrors.internal(e);
          if (err.httpStatus >= 500) log?.error({ requestId: req.id, action: req.params.action, err: err.cause ?? err }, 'console call failed');
          return sendError(reply, err.httpStatus, err.code, err.message);
        }
      });

      scope.get('/api/node-types', async (req, reply) => {
        if (!(await sessionOf(req, reply))) return reply;
        return send(reply, 200, { NodeTypes: NODE_TYPES.filter((t) => !t.previousGeneration)
          .map((t) => ({ Name: t.name, MemoryGiB: t.memoryGiB, Vcpus: t.vcpus })) });
      });

      scope.get('/ca.pem', async (req, reply) => {
        if (!(await sessionOf(req, reply))) return reply;
        const pem = opts.caCert?.();
        if (!pem) return sendError(reply, 404, 'NoCertificate', 'The service has no CA certificate yet.');
        reply.header('content-type', 'application/x-pem-file').header('content-disposition', 'attachment; filename="cachefleet-ca.pem"');
        return reply.send(pem);
      });

      // The pages: the single-page app's shell at /console/, its hashed assets below. The shell
      // shows only the sign-in form until GET /api/session answers; no data is in any file.
      scope.get('/', async (_req, reply) => sendFile(reply, 'index.html', 'no-store'));
      scope.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) =>
        sendFile(reply, `assets/${req.params['*']}`, 'public, max-age=31536000, immutable'));
    }, { prefix: '/console' });

    function sendFile(reply: FastifyReply, path: string, cache: string) {
      const file = files.get(path);
      if (!file) {
        const hint = path === 'index.html' ? ' (the console is not built: run npm run build)' : '';
        return sendError(reply, 404, 'NotFound', `No console file ${path}${hint}.`);
      }
      return reply.code(200).header('content-type', file.contentType).header('cache-control', cache).send(file.body);
    }
  };
}

function describeSession(s: ConsoleSession) {
  return { accessKeyId: s.accessKeyId, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() };
}

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(JSON.stringify(body));
}

function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return send(reply, status, { error: { code, message } });
}

function jsonBody(req: FastifyRequest): unknown {
  if (!(req.body instanceof Uint8Array) || req.body.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(req.body).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `{Name: "value"}` → Query parameters (every value a string, as on the wire), or undefined when malformed. */
function queryParams(v: unknown): Array<[string, string]> | undefined {
  if (v === undefined) return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Array<[string, string]> = [];
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return undefined;
    out.push([k, val]);
  }
  return out;
}
