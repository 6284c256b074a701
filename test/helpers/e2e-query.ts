/**
 * Raw AWS Query protocol requests for end-to-end tests: a form body POSTed to the service, the
 * XML answer parsed (every value kept as a string), an <ErrorResponse> turned into
 * { type, code, message }. Requests are signed (Signature Version 4, the SDK's signer) with the
 * credentials registered for the service's URL (startService registers its service's), unless
 * told otherwise.
 */
import { XMLParser } from 'fast-xml-parser';
import { signRequest, type SigningCredentials } from './sigv4-client.js';

export const API_VERSION = '2015-02-02';

export interface AwsErrorBody {
  type?: string;
  code: string;
  message: string;
  requestId?: string;
}

export interface QueryResponse {
  status: number;
  contentType: string | null;
  text: string;
  /** The parsed XML document (undefined when the body is not XML). */
  doc?: Record<string, unknown>;
  /** Set when the body is an <ErrorResponse>. */
  error?: AwsErrorBody;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** `Action=…&Version=2015-02-02&k=v…`, every key and value percent-encoded. */
export function form(action: string, params: Record<string, string | number | boolean> = {}): string {
  const pairs: [string, string][] = [['Action', action], ['Version', API_VERSION],
    ...Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])];
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

const registered = new Map<string, SigningCredentials>();

/** Requests to `url` (its origin) are signed with `credentials` from now on. */
export function registerCredentials(url: string, credentials: SigningCredentials): void {
  registered.set(new URL(url).origin, credentials);
}

/** The credentials registered for `url`'s origin. */
export function credentialsFor(url: string): SigningCredentials | undefined {
  return registered.get(new URL(url).origin);
}

export interface QueryOptions {
  path?: string;
  method?: string;
  contentType?: string;
  /** Sign with these instead of the registered ones; null: send the request unsigned. */
  credentials?: SigningCredentials | null;
  /** Signing time (default now). */
  signingDate?: Date;
  region?: string;
  /** Sign in the query string (presigned, valid this many seconds) instead of the Authorization header. */
  presignExpiresIn?: number;
  /** Changes the request after it was signed (e.g. to tamper with it). */
  afterSigning?: (req: { url: string; headers: Record<string, string>; body: string | Uint8Array | undefined }) => void;
}

/** POSTs `body` (a form string or raw bytes) to the service and parses the answer. */
export async function query(url: string, body: string | Uint8Array, opts: QueryOptions = {}): Promise<QueryResponse> {
  const method = opts.method ?? 'POST';
  const req = {
    url: new URL(opts.path ?? '/', url).href,
    headers: { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded' } as Record<string, string>,
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
  };
  const credentials = opts.credentials === undefined ? credentialsFor(url) : opts.credentials;
  if (credentials) {
    const signed = await signRequest(req.url, {
      method, headers: req.headers, body: req.body, credentials, region: opts.region,
      signingDate: opts.signingDate, presignExpiresIn: opts.presignExpiresIn,
    });
    req.url = signed.url;
    req.headers = signed.headers;
  }
  opts.afterSigning?.(req);
  const res = await fetch(req.url, { method, headers: req.headers, body: req.body });
  const text = await res.text();
  const out: QueryResponse = { status: res.status, contentType: res.headers.get('content-type'), text };
  if (text.trimStart().startsWith('<')) {
    try {
      out.doc = parser.parse(text) as Record<string, unknown>;
    } catch {
      /* not XML after all: left to the caller's assertions */
    }
  }
  const er = out.doc?.['ErrorResponse'] as { Error?: { Type?: string; Code?: string; Message?: string }; RequestId?: string } | undefined;
  if (er?.Error?.Code !== undefined) {
    out.error = { type: er.Error.Type, code: er.Error.Code, message: er.Error.Message ?? '', requestId: er.RequestId };
  }
  return out;
}

/** The <XResult> element of a successful response to `action`; throws with the body otherwise. */
export function resultOf(res: QueryResponse, action: string): Record<string, unknown> {
  const root = res.doc?.[`${action}Response`] as Record<string, unknown> | undefined;
  if (res.status !== 200 || !root) {
    throw new Error(`${action} failed: HTTP ${res.status} ${res.error ? `${res.error.code}: ${res.error.message}` : res.text.slice(0, 500)}`);
  }
  return (root[`${action}Result`] as Record<string, unknown> | undefined) ?? {};
}

/** A list element as fast-xml-parser gives it (absent, one object, or an array) as an array. */
export function asList<T>(v: T | T[] | undefined | ''): T[] {
  if (v === undefined || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

/** Sends a valid request and returns its <Result>; throws with the AWS error otherwise. */
export async function call(url: string, action: string, params: Record<string, string | number | boolean> = {}): Promise<Record<string, unknown>> {
  return resultOf(await query(url, form(action, params)), action);
}

/** GET /healthz: true when the service answers 200 "ok". */
export async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5000) });
    return res.status === 200 && (await res.text()).trim() === 'ok';
  } catch {
    return false;
  }
}
