/**
 * Signing raw HTTP requests the way the AWS SDK does (its own signer, @smithy/signature-v4), for
 * tests and benchmarks that talk to the API without the SDK: Authorization header or presigned URL.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** SHA-256 / HMAC-SHA256 from node:crypto in the shape the smithy signer takes. */
export class NodeSha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: Source) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: Source): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

export function signer(credentials: SigningCredentials, region = 'us-east-1', service = 'elasticache'): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: NodeSha256 });
}

/** RFC 3986 percent-encoding, as SigV4 canonicalizes. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
function dec(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } // '+' is a space, as the service reads it
}

export interface SignOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  credentials: SigningCredentials;
  region?: string;
  service?: string;
  signingDate?: Date;
  /** Sign in the query string (X-Amz-*) valid for this many seconds, instead of the Authorization header. */
  presignExpiresIn?: number;
}

/**
 * Signs a request to `url` (path and query as they will be sent). Returns the URL to send (the
 * same one for the header form; with X-Amz-* parameters added when presigned) and the headers to
 * send (Host excluded: fetch sets it to the same value).
 */
export async function signRequest(url: string, opts: SignOptions): Promise<{ url: string; headers: Record<string, string> }> {
  const u = new URL(url);
  const query: Record<string, string | string[]> = {};
  for (const piece of u.search.slice(1).split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const k = dec(eq === -1 ? piece : piece.slice(0, eq));
    const v = eq === -1 ? '' : dec(piece.slice(eq + 1));
    const prev = query[k];
    query[k] = prev === undefined ? v : [prev, v].flat();
  }
  const request = {
    method: opts.method ?? 'POST', protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined,
    path: u.pathname, query, headers: { ...(opts.headers ?? {}), host: u.host }, body: opts.body,
  };
  const s = signer(opts.credentials, opts.region, opts.service);
  const signed = opts.presignExpiresIn !== undefined
    ? await s.presign(request, { expiresIn: opts.presignExpiresIn, signingDate: opts.signingDate })
    : await s.sign(request, { signingDate: opts.signingDate });
  const headers = { ...signed.headers };
  delete headers['host'];
  if (opts.presignExpiresIn === undefined) return { url, headers };
  const search = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => [v ?? ''].flat().map((x) => `${enc(k)}=${enc(x ?? '')}`)).join('&');
  return { url: `${u.origin}${u.pathname}${search ? `?${search}` : ''}`, headers };
}
