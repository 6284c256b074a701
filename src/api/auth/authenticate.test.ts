// The authenticator in front of a real API server: the JS SDK with the right key works, anything
// else is refused with AWS's error before the action runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { DescribeCacheSubnetGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { createApiServer } from '../http.js';
import type { ActionHandler } from '../types.js';
import { createAuthenticator } from './authenticate.js';
import { signRequest } from '../../../test/helpers/sigv4-client.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
let calls = 0;
const describe: ActionHandler = { name: 'DescribeCacheSubnetGroups', handle: () => { calls++; return { CacheSubnetGroups: [] }; } };
const logs: Record<string, unknown>[] = [];
const servers = [false, true].map((acceptAnyCredentials) => createApiServer({
  actions: new Map([[describe.name, describe]]),
  beforeAction: createAuthenticator({
    secretFor: (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined), acceptAnyCredentials,
    logger: { info: (o) => logs.push(o as Record<string, unknown>), debug() {} },
  }),
}));
const bases: string[] = [];

before(async () => {
  for (const s of servers) {
    await s.listen({ host: '127.0.0.1', port: 0 });
    bases.push(`http://127.0.0.1:${(s.server.address() as AddressInfo).port}`);
  }
});
after(async () => { for (const s of servers) await s.close(); });

const sdk = (base: string, credentials = KEY) => new ElastiCacheClient({ endpoint: base, region: 'eu-central-1', maxAttempts: 1, credentials });
const code = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

test('the JS SDK with a known key is served', async () => {
  const client = sdk(bases[0]!);
  try {
    const before = calls;
    const out = await client.send(new DescribeCacheSubnetGroupsCommand({}));
    assert.deepEqual(out.CacheSubnetGroups, []);
    assert.equal(calls, before + 1);
  } finally {
    client.destroy();
  }
});

test('the JS SDK with a wrong secret or an unknown key gets AWS\'s errors, and the action never runs', async () => {
  const before = calls;
  for (const [creds, expected] of [
    [{ ...KEY, secretAccessKey: 'wrong' }, 'SignatureDoesNotMatch'],
    [{ ...KEY, accessKeyId: 'AKIAUNKNOWN234567ABC' }, 'InvalidClientTokenId'],
  ] as const) {
    const client = sdk(bases[0]!, creds);
    try {
      await assert.rejects(client.send(new DescribeCacheSubnetGroupsCommand({})), (e: { name: string; $metadata: { httpStatusCode: number } }) => {
        assert.equal(e.name, expected);
        assert.equal(e.$metadata.httpStatusCode, 403);
        return true;
      });
    } finally {
      client.destroy();
    }
  }
  assert.equal(calls, before);
  assert.ok(logs.some((l) => l.code === 'SignatureDoesNotMatch'), 'refusals are logged');
});

test('unsigned POST: 403 MissingAuthenticationToken; /healthz needs no signature', async () => {
  const res = await fetch(`${bases[0]}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=DescribeCacheSubnetGroups&Version=2015-02-02' });
  assert.equal(res.status, 403);
  const text = await res.text();
  assert.equal(code(text), 'MissingAuthenticationToken');
  assert.match(text, /<Type>Sender<\/Type>/);
  assert.equal((await fetch(`${bases[0]}/healthz`)).status, 200);
});

test('the signature covers the body bytes as sent (a byte order mark the form decoder drops still counts)', async () => {
  const body = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Action=DescribeCacheSubnetGroups&Version=2015-02-02')]);
  const send = async (signedFor: Uint8Array, sent: Uint8Array) => {
    const { headers } = await signRequest(`${bases[0]}/`, {
      body: signedFor, credentials: KEY, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const res = await fetch(`${bases[0]}/`, { method: 'POST', headers, body: Buffer.from(sent) });
    return { status: res.status, code: code(await res.text()) };
  };
  assert.deepEqual(await send(body, body), { status: 200, code: undefined });
  assert.deepEqual(await send(body.slice(3), body), { status: 403, code: 'SignatureDoesNotMatch' });
  assert.deepEqual(await send(body, body.slice(3)), { status: 403, code: 'SignatureDoesNotMatch' });
});

test('acceptAnyCredentials: any key is served, unsigned still refused', async () => {
  const client = sdk(bases[1]!, { accessKeyId: 'anything', secretAccessKey: 'whatever' });
  try {
    assert.deepEqual((await client.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups, []);
  } finally {
    client.destroy();
  }
  const res = await fetch(`${bases[1]}/`, { method: 'POST', body: 'Action=DescribeCacheSubnetGroups&Version=2015-02-02' });
  assert.equal(res.status, 403);
  assert.equal(code(await res.text()), 'MissingAuthenticationToken');
});
