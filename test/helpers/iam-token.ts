/**
 * ElastiCache IAM authentication tokens, built the two ways clients build them (the README shows
 * the same code): botocore's RequestSigner.generate_presigned_url from Python, and the JS SDK's
 * signer (@smithy/signature-v4) `presign`. A token is the presigned URL of
 * `GET http://<cache-id>/?Action=connect&User=<user-id>` without its scheme.
 */
import { run } from './e2e-exec.js';
import { signer, type SigningCredentials } from './sigv4-client.js';

/** The README's Python snippet; prints the token. argv: cache id, user id, region, expires in (s). */
export const PYTHON_TOKEN = `
import sys
from urllib.parse import urlencode, urlunparse, ParseResult
import botocore.session
from botocore.model import ServiceId
from botocore.signers import RequestSigner

def iam_auth_token(cache_id, user_id, region="us-east-1", expires_in=900):
    session = botocore.session.get_session()
    signer = RequestSigner(ServiceId("elasticache"), region, "elasticache", "v4",
                           session.get_credentials(), session.get_component("event_emitter"))
    url = urlunparse(ParseResult(scheme="http", netloc=cache_id, path="/",
                                 query=urlencode({"Action": "connect", "User": user_id}), params="", fragment=""))
    signed = signer.generate_presigned_url({"method": "GET", "url": url, "body": {}, "headers": {}, "context": {}},
                                           operation_name="connect", expires_in=expires_in, region_name=region)
    return signed.removeprefix("http://")

print(iam_auth_token(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
`;

/** A token from botocore, signed with `credentials` (through the environment, as boto3 finds them). */
export async function pythonToken(python: string, credentials: SigningCredentials, cacheId: string, userId: string, expiresIn = 900): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey };
  delete env['AWS_SESSION_TOKEN'];
  delete env['AWS_PROFILE'];
  const r = await run(python, ['-c', PYTHON_TOKEN, cacheId, userId, 'us-east-1', String(expiresIn)], { env, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`the botocore token snippet failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A token from the JS SDK's signer; `signingDate` in the past gives an expired one. */
export async function jsToken(credentials: SigningCredentials, cacheId: string, userId: string,
  opts: { expiresIn?: number; signingDate?: Date } = {}): Promise<string> {
  const presigned = await signer(credentials).presign({
    method: 'GET', protocol: 'http:', hostname: cacheId, path: '/', headers: { host: cacheId },
    query: { Action: 'connect', User: userId },
  }, { expiresIn: opts.expiresIn ?? 900, ...(opts.signingDate ? { signingDate: opts.signingDate } : {}) });
  return `${cacheId}/?${new URLSearchParams(presigned.query as Record<string, string>).toString()}`;
}
