// Verification of AWS Signature Version 4 (AWS4-HMAC-SHA256), the way AWS endpoints check it:
// the canonical request is rebuilt from the request exactly as received (method, path and query
// string as on the request line, the raw header values, the body's bytes), hashed into the string
// to sign, and signed with the key derived from the secret of the access key the request names.
// Both forms are accepted: the Authorization header and the presigned query string (X-Amz-*).
// Errors carry the codes and words AWS answers with, each a 403.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CommonErrors } from '../errors/index.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SERVICE = 'elasticache';
/** Largest difference between the request's time and ours (header form, and a presigned request's start). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest X-Amz-Expires of a presigned request: one week. */
export const MAX_EXPIRES_SECONDS = 604_800;
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** A request as it came off the wire. */
export interface IncomingSignedRequest {
  method: string;
  /** Path and query string exactly as on the request line (`/?Action=…`). */
  url: string;
  /** Header names and values as received, alternating (node's `rawHeaders`). */
  rawHeaders: readonly string[];
  /** The body's bytes as received (empty when there is none). */
  body: Uint8Array;
}

export interface VerifyOptions {
  /** The secret of a known access key id, or undefined for an unknown one. */
  secretFor: (accessKeyId: string) => string | undefined;
  /** The current time (default: the clock). */
  now?: Date;
  /** Development only: any access key id and any signature are accepted (the request must still be signed in form). */
  acceptAnyCredentials?: boolean;
  /** Service name the credential scope must name (default `elasticache`). */
  service?: string;
}

export interface VerifiedRequest {
  accessKeyId: string;
  region: string;
  form: 'header' | 'query';
  /** False only when acceptAnyCredentials let the request through without checking it. */
  verified: boolean;
}

/** What went into the signature, for debug logs when a signature does not match. */
export interface SignatureDetails {
  canonicalRequest: string;
  stringToSign: string;
}

/** Everything a signature is made of, parsed out of one of the two forms. */
interface SignatureParts {
  form: 'header' | 'query';
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  /** Presigned form: validity in seconds from amzDate. */
  expires?: number;
}

/**
 * Checks the request's signature; returns who signed it or throws the AwsError AWS would answer
 * with. `details`, when given, receives the canonical request and string to sign computed.
 */
export function verifySigV4(req: IncomingSignedRequest, opts: VerifyOptions, details?: (d: SignatureDetails) => void): VerifiedRequest {
  const service = opts.service ?? SERVICE;
  const now = opts.now ?? new Date();
  const headers = canonicalHeaderMap(req.rawHeaders);
  const qIndex = req.url.indexOf('?');
  const rawPath = qIndex === -1 ? req.url : req.url.slice(0, qIndex);
  const rawQuery = qIndex === -1 ? '' : req.url.slice(qIndex + 1);
  const query = parseRawQuery(rawQuery);

  const parts = signatureParts(headers, query);
  const signedAt = parseAmzDate(parts.amzDate);

  // Credential: AKID/YYYYMMDD/region/service/aws4_request
  const scope = parts.credential.split('/');
  if (scope.length !== 5) {
    throw CommonErrors.incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parts.credential}'`);
  }
  const [accessKeyId, scopeDate, region, scopeService, terminator] = scope as [string, string, string, string, string];
  if (!accessKeyId) throw CommonErrors.invalidClientTokenId();
  const secret = opts.acceptAnyCredentials ? undefined : opts.secretFor(accessKeyId);
  if (!opts.acceptAnyCredentials && secret === undefined) throw CommonErrors.invalidClientTokenId();
  if (terminator !== 'aws4_request') {
    throw CommonErrors.signatureDoesNotMatch(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (scopeService !== service) {
    throw CommonErrors.signatureDoesNotMatch(`Credential should be scoped to correct service: '${service}'. `);
  }
  if (scopeDate !== parts.amzDate.slice(0, 8)) {
    throw CommonErrors.signatureDoesNotMatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${parts.amzDate.slice(0, 8)}', from '${parts.amzDate}'.`);
  }
  const signedHeaderNames = parts.signedHeaders.split(';');
  if (!signedHeaderNames.includes('host')) {
    throw CommonErrors.incompleteSignature(`'Host' must be a 'SignedHeader' in the AWS Authorization.`);
  }

  // Time: within 15 minutes of ours; a presigned request also until it expires.
  const skew = signedAt.getTime() - now.getTime();
  if (skew > MAX_SKEW_MS) throw CommonErrors.requestExpired();
  if (parts.expires !== undefined) {
    if (now.getTime() > signedAt.getTime() + parts.expires * 1000) throw CommonErrors.requestExpired();
  } else if (-skew > MAX_SKEW_MS) {
    throw CommonErrors.requestExpired();
  }

  if (secret === undefined) return { accessKeyId, region, form: parts.form, verified: false };

  // The payload hash: x-amz-content-sha256 when sent (it must be the body's), else the body's.
  // UNSIGNED-PAYLOAD only where it leaves nothing unsigned: a request without a body.
  const bodyHash = req.body.length === 0 ? EMPTY_SHA256 : createHash('sha256').update(req.body).digest('hex');
  const declared = headers.get('x-amz-content-sha256');
  const payloadHashes: string[] = [];
  if (declared !== undefined) {
    if (declared === bodyHash || (declared === UNSIGNED_PAYLOAD && req.body.length === 0)) payloadHashes.push(declared);
    else throw CommonErrors.signatureDoesNotMatch();
  } else {
    payloadHashes.push(bodyHash);
    // A presigned URL is signed before any body exists: clients use UNSIGNED-PAYLOAD (botocore) or the empty hash.
    if (parts.form === 'query' && req.body.length === 0) payloadHashes.push(UNSIGNED_PAYLOAD);
  }

  const canonicalUri = canonicalPath(rawPath);
  const canonicalQuery = canonicalQueryString(query);
  const canonicalHeaders = signedHeaderNames.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join('');
  const credentialScope = `${scopeDate}/${region}/${scopeService}/${terminator}`;
  const key = signingKey(secret, scopeDate, region, scopeService);
  const provided = Buffer.from(parts.signature, 'utf8');
  let first: SignatureDetails | undefined;
  for (const payloadHash of payloadHashes) {
    const canonicalRequest = [req.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, parts.signedHeaders, payloadHash].join('\n');
    const stringToSign = [ALGORITHM, parts.amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
    first ??= { canonicalRequest, stringToSign };
    const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'), 'utf8');
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) {
      return { accessKeyId, region, form: parts.form, verified: true };
    }
  }
  if (details && first) details(first);
  throw CommonErrors.signatureDoesNotMatch();
}

/** The key a signature of `date` (YYYYMMDD) in `region` for `service` is made with. */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

/** The signature parts of the request, from the Authorization header or the X-Amz-* query parameters. */
function signatureParts(headers: Map<string, string>, query: [string, string][]): SignatureParts {
  const authorization = headers.get('authorization');
  const q = (name: string) => query.find(([k]) => k === name)?.[1];
  const presigned = q('X-Amz-Algorithm') !== undefined || q('X-Amz-Signature') !== undefined || q('X-Amz-Credential') !== undefined;
  if (authorization !== undefined && presigned) {
    throw CommonErrors.incompleteSignature('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
  }
  if (authorization !== undefined) return headerParts(authorization, headers);
  if (presigned) return queryParts(q);
  throw CommonErrors.missingAuthenticationToken();
}

function headerParts(authorization: string, headers: Map<string, string>): SignatureParts {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  const fields = new Map<string, string>();
  if (algorithm === ALGORITHM) {
    for (const item of authorization.slice(space + 1).split(',')) {
      const eq = item.indexOf('=');
      if (eq !== -1) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    }
  }
  const amzDate = headers.get('x-amz-date');
  const missing: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  if (amzDate === undefined) missing.push("Authorization header requires existence of a 'X-Amz-Date' header.");
  if (missing.length > 0) throw CommonErrors.incompleteSignature(`${missing.join(' ')} Authorization=${authorization}`);
  return {
    form: 'header', credential: fields.get('Credential')!, signedHeaders: fields.get('SignedHeaders')!,
    signature: fields.get('Signature')!, amzDate: amzDate!,
  };
}

function queryParts(q: (name: string) => string | undefined): SignatureParts {
  const algorithm = q('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    throw CommonErrors.incompleteSignature(algorithm === undefined
      ? "AWS query-string parameters must include 'X-Amz-Algorithm'. Re-examine the query-string parameters."
      : `X-Amz-Algorithm only supports '${ALGORITHM}'`);
  }
  const missing = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'].filter((n) => !q(n));
  if (missing.length > 0) {
    throw CommonErrors.incompleteSignature(`AWS query-string parameters must include ${missing.map((m) => `'${m}'`).join(', ')}. Re-examine the query-string parameters.`);
  }
  const expiresText = q('X-Amz-Expires');
  let expires: number | undefined;
  if (expiresText !== undefined) {
    expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
    if (!Number.isInteger(expires) || expires < 1) {
      throw CommonErrors.incompleteSignature('X-Amz-Expires should be a number of seconds, at least 1.');
    }
    if (expires > MAX_EXPIRES_SECONDS) {
      throw CommonErrors.incompleteSignature(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
    }
  }
  return {
    form: 'query', credential: q('X-Amz-Credential')!, signedHeaders: q('X-Amz-SignedHeaders')!,
    signature: q('X-Amz-Signature')!, amzDate: q('X-Amz-Date')!, expires,
  };
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(amzDate: string): Date {
  const m = AMZ_DATE.exec(amzDate);
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
  if (!d || Number.isNaN(d.getTime()) || toAmzDate(d) !== amzDate) {
    throw CommonErrors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  }
  return d;
}

/** `20261123T101500Z` */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/**
 * Header name (lowercase) → value as SigV4 canonicalizes it: each value trimmed and its runs of
 * whitespace made one space; a header sent several times has its values joined with commas.
 */
function canonicalHeaderMap(rawHeaders: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ');
    const prev = out.get(name);
    out.set(name, prev === undefined ? value : `${prev},${value}`);
  }
  return out;
}

/**
 * Query string → decoded [key, value] pairs in order. '+' is a space, as the API's own decoding
 * reads it (botocore sends `a+b` for GET parameters it signed as `a%20b`); so what is signed is
 * what the action gets.
 */
function parseRawQuery(raw: string): [string, string][] {
  const out: [string, string][] = [];
  if (raw === '') return out;
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    out.push(eq === -1 ? [decode(piece), ''] : [decode(piece.slice(0, eq)), decode(piece.slice(eq + 1))]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s; // malformed percent-encoding: compared as sent (the request is refused later anyway)
  }
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ percent-encoded (UTF-8), uppercase hex. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Pairs sorted by encoded key, then encoded value; X-Amz-Signature itself is never part of it. */
function canonicalQueryString(pairs: [string, string][]): string {
  return pairs
    .filter(([k]) => k.toLowerCase() !== 'x-amz-signature')
    .map(([k, v]): [string, string] => [uriEncode(k), uriEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * The canonical URI of every service but S3: the path as sent, its dot segments and empty segments
 * removed, each segment URI-encoded once more (so `%20` on the wire is `%2520` here).
 */
function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const s of rawPath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const path = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(path).replace(/%2F/g, '/');
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
