import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient } from '@aws-sdk/client-iam';
import { adminKey, loadCredentials } from '../api/auth/credentials.js';
import { dataPaths, readServerFile, serverUrl } from '../service/data-dir.js';
import { DEFAULT_PORT } from '../core/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';

interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface ApiClientOptions {
  endpointUrl?: string;
  dataDir?: string;
  /** CA certificates (PEM file) to verify an https API with, besides the public roots (as the aws CLI's --ca-bundle). */
  caBundle?: string;
}

/**
 * The API client the CLI's own commands use: the real AWS SDK, pointed at the service named by
 * --endpoint-url, else $CACHEFLEET_ENDPOINT, else the service running on --data-dir (http or
 * https, as its server.json says), else the default port.
 * It signs with the credentials of {@link cliCredentials}, and trusts {@link apiCa}'s CA.
 */
export function apiClient(o: ApiClientOptions): ElastiCacheClient {
  const endpoint = apiEndpoint(o);
  const credentials = cliCredentials(o.dataDir, endpoint);
  const ca = endpoint.startsWith('https:') ? apiCa(o, endpoint) : [];
  return new ElastiCacheClient({
    endpoint,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(credentials ? { credentials } : {}),
    // The public roots as usual, plus the CA that issued the service's certificate.
    ...(ca.length ? { requestHandler: { httpsAgent: new Agent({ ca: [...rootCertificates, ...ca] }) } } : {}),
  });
}

/** The same service's IAM API (signed for us-east-1, as IAM is), trusting the same CA. */
export function iamClient(o: ApiClientOptions): IAMClient {
  const endpoint = apiEndpoint(o);
  const credentials = cliCredentials(o.dataDir, endpoint);
  const ca = endpoint.startsWith('https:') ? apiCa(o, endpoint) : [];
  return new IAMClient({
    endpoint, region: 'us-east-1', ...(credentials ? { credentials } : {}),
    ...(ca.length ? { requestHandler: { httpsAgent: new Agent({ ca: [...rootCertificates, ...ca] }) } } : {}),
  });
}

/** --endpoint-url, else $CACHEFLEET_ENDPOINT, else the service running on --data-dir (http or https), else the default port. */
export function apiEndpoint(o: Pick<ApiClientOptions, 'endpointUrl' | 'dataDir'>): string {
  const fromDir = o.dataDir ? readServerFile(resolve(o.dataDir)) : undefined;
  return o.endpointUrl ?? process.env.CACHEFLEET_ENDPOINT
    ?? (fromDir ? serverUrl(fromDir) : `http://127.0.0.1:${DEFAULT_PORT}`);
}

/**
 * What to trust for an https API besides the public roots: --ca-bundle, $AWS_CA_BUNDLE (as the
 * aws CLI), and the service CA of --data-dir, or of ./data when the service running there is the
 * one called (a certificate of the user's own chains to the public roots or to a bundle given).
 */
export function apiCa(o: Pick<ApiClientOptions, 'dataDir' | 'caBundle'>, endpoint: string): string[] {
  const pems: string[] = [];
  for (const bundle of [o.caBundle, process.env.AWS_CA_BUNDLE]) if (bundle) pems.push(readFileSync(bundle, 'utf8'));
  const local = resolve('data');
  const dir = o.dataDir ? resolve(o.dataDir) : (sameOrigin(serverUrlOf(local) ?? '', endpoint) ? local : undefined);
  if (dir) {
    try {
      pems.push(readFileSync(dataPaths(dir).caCert, 'utf8'));
    } catch { /* no CA there: the public roots and bundles alone */ }
  }
  return pems;
}

function serverUrlOf(dataDir: string): string | undefined {
  const info = readServerFile(dataDir);
  return info ? serverUrl(info) : undefined;
}

/**
 * The access key to sign with: the admin key of --data-dir when given; else that of ./data when
 * the service running there is the one called; else $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY;
 * else undefined when there is a profile to use (the SDK's own lookup: AWS_PROFILE,
 * ~/.aws/credentials …); else an error saying where credentials come from.
 */
export function cliCredentials(dataDir: string | undefined, endpoint: string): Credentials | undefined {
  if (dataDir) {
    const file = dataPaths(resolve(dataDir)).credentials;
    const creds = loadCredentials(file);
    if (!creds) throw new Error(`no credentials in ${resolve(dataDir)} (${file} is created on the service's first start)`);
    return pick(adminKey(creds));
  }
  const local = resolve('data');
  const running = readServerFile(local);
  if (running && sameOrigin(serverUrl(running), endpoint)) {
    const creds = loadCredentials(dataPaths(local).credentials);
    if (creds) return pick(adminKey(creds));
  }
  const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token } = process.env;
  if (id && secret) return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
  const shared = process.env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  if (process.env.AWS_PROFILE || existsSync(shared)) return undefined;
  throw new Error('no credentials to sign API requests with: pass --data-dir <the service\'s data directory>, or set ' +
    'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (`cachefleet credentials --data-dir <dir>` prints them), or AWS_PROFILE');
}

function pick(k: { accessKeyId: string; secretAccessKey: string }): Credentials {
  return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
