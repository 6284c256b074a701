/**
 * TLS and ACL security on real processes: the service CA and node certificates made with the
 * real openssl CLI, redis-server nodes serving TLS only, the admin pool authenticating as the
 * internal admin user over TLS, replication over TLS with masterauth, a re-issued certificate
 * (new address set) picked up live with CONFIG SET, and a token rotation through ACL SETUSER.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { AdminPool, configSet, observeNode, replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { defaultUserRules, initialAuth, sha256Hex, updateAuth } from '../../src/security/auth-token.js';
import { ensureCA } from '../../src/security/ca.js';
import { NodeCertificates } from '../../src/security/certs.js';
import { ensureAdminSecret, NodeSecurity } from '../../src/security/node-security.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { randomLoopbackAddress } from '../helpers/net.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
let dataDir: string;
let security: NodeSecurity;
let provider: LocalProcessProvider;
let pool: AdminPool;

before(async () => {
  dataDir = await cleanup.tmpDir('cachefleet-sec-');
  security = await NodeSecurity.load(dataDir);
  provider = new LocalProcessProvider({ nodesDir: `${dataDir}/nodes` });
  pool = new AdminPool({ connection: (a, p) => security.connection(a, p), commandTimeoutMs: 3000 });
  cleanup.defer(() => pool.closeAll());
});

const sans = (certFile: string): string => execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });

describe('CA and node certificates (openssl)', () => {
  it('the CA is made once per data directory; its key is 0600; the admin secret too', async () => {
    const again = await ensureCA(dataDir);
    assert.equal(again.certPem, security.ca.certPem);
    assert.equal(statSync(security.ca.keyFile).mode & 0o777, 0o600);
    assert.equal(await ensureAdminSecret(dataDir), security.adminPassword);
    assert.equal(statSync(`${dataDir}/admin-secret`).mode & 0o777, 0o600);
    assert.match(execFileSync('openssl', ['x509', '-in', security.ca.certFile, '-noout', '-ext', 'basicConstraints'], { encoding: 'utf8' }), /CA:TRUE/);
  });

  it('a node certificate carries every address as an IP SAN, chains to the CA, and is re-issued only when the set changes', async () => {
    const certs = new NodeCertificates(security.ca, `${dataDir}/nodes-test`);
    const abs = (name: string) => certs.absolute('n1', name);
    const first = await certs.ensure('n1', ['127.9.0.2', '127.9.0.1']);
    // In the node's own directory, named relative to it (the node's working directory).
    assert.match(first.certFile, /^tls\/node-[0-9a-f]+\.crt$/);
    assert.equal(first.caFile, 'tls/ca.crt');
    assert.equal(readFileSync(abs(first.caFile), 'utf8'), security.ca.certPem);
    assert.match(sans(abs(first.certFile)), /IP Address:127\.9\.0\.1, IP Address:127\.9\.0\.2/);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', security.ca.certFile, abs(first.certFile)], { encoding: 'utf8' }), /OK/);
    assert.match(execFileSync('openssl', ['x509', '-in', abs(first.certFile), '-noout', '-ext', 'extendedKeyUsage'], { encoding: 'utf8' }), /Server Authentication.*Client Authentication/s);
    for (const f of [first.keyFile, first.certFile, first.caFile]) assert.equal(statSync(abs(f)).mode & 0o777, 0o600);
    assert.deepEqual(await certs.ensure('n1', ['127.9.0.1', '127.9.0.2']), first, 'same set: same files');
    // A fresh instance (a restarted control plane) finds the issued files.
    assert.deepEqual(await new NodeCertificates(security.ca, `${dataDir}/nodes-test`).ensure('n1', ['127.9.0.1', '127.9.0.2']), first);
    const second = await certs.ensure('n1', ['127.9.0.1', '127.9.0.2', '127.9.0.3']);
    assert.notEqual(second.certFile, first.certFile);
    assert.match(sans(abs(second.certFile)), /127\.9\.0\.3/);
    assert.throws(() => statSync(abs(first.certFile)), 'the old pair is removed');
    // Renewal: a certificate within renewBeforeDays of expiry is issued again.
    const renewing = new NodeCertificates(security.ca, `${dataDir}/nodes-test`, { renewBeforeDays: 400 });
    assert.notEqual((await renewing.ensure('n1', ['127.9.0.1', '127.9.0.2', '127.9.0.3'])).certFile, second.certFile);
    await certs.remove('n1');
    assert.deepEqual(await certs.list(), []);
  });
});

describe('nodes with TLS and ACL users', () => {
  async function tlsNode(extraSans: string[] = []): Promise<NodeSpec> {
    const base = await testNodeSpec();
    const files = await security.certs.ensure(base.key, [base.address, ...extraSans]);
    security.setNodeTls(base.address, base.port, true);
    const spec: NodeSpec = {
      ...base, tls: files,
      config: {
        user: [`${security.adminUser} on #${security.adminPasswordHash} ~* &* +@all`, ['default', ...defaultUserRules(initialAuth('YourStrongAuthToken123!', new Date()))].join(' ')],
        masteruser: security.adminUser, masterauth: security.adminPassword,
      },
    };
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    assert.equal(statSync(provider.paths(spec.key).conf).mode & 0o777, 0o600, 'redis.conf holds masterauth: 0600');
    return spec;
  }

  it('serves TLS only; the admin pool gets in as the admin user; replication runs over TLS with masterauth', async () => {
    const [primary, replica] = await Promise.all([tlsNode(), tlsNode()]);
    const p = await pool.ready(primary.address, primary.port);
    assert.equal(await p.call('ACL', 'WHOAMI'), 'cachefleet-admin');
    await replicaOf(pool.client(replica.address, replica.port), primary);
    await waitFor(async () => (await observeNode(pool.client(replica.address, replica.port))).linkUp, { timeoutMs: 5000, what: 'TLS replication link' });
    const client = new Redis({ host: primary.address, port: primary.port, tls: { ca: security.ca.certPem }, password: 'YourStrongAuthToken123!' });
    await client.set('x', '1');
    const onReplica = new Redis({ host: replica.address, port: replica.port, tls: { ca: security.ca.certPem }, password: 'YourStrongAuthToken123!' });
    await waitFor(async () => (await onReplica.get('x')) === '1', { what: 'the write on the replica' });
    // Plaintext: no server on the port answers the protocol.
    const plain = new Redis({ host: primary.address, port: primary.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    plain.on('error', () => undefined);
    await assert.rejects(plain.connect().then(() => plain.ping()));
    plain.disconnect();

    // A token rotation through ACL SETUSER keeps the connected client connected and authenticated.
    const rotated = updateAuth(initialAuth('YourStrongAuthToken123!', new Date()), true, { AuthToken: 'The-Next-Token-4567', AuthTokenUpdateStrategy: 'ROTATE' }, new Date())!;
    let closed = 0;
    client.on('close', () => { closed++; });
    await p.call('ACL', 'SETUSER', 'default', ...defaultUserRules(rotated));
    const set = updateAuth(rotated, true, { AuthToken: 'The-Next-Token-4567', AuthTokenUpdateStrategy: 'SET' }, new Date())!;
    await p.call('ACL', 'SETUSER', 'default', ...defaultUserRules(set));
    assert.equal(await client.set('y', '2'), 'OK');
    assert.equal(closed, 0);
    const passwords = (await p.call('ACL', 'GETUSER', 'default')) as unknown[];
    assert.deepEqual(passwords[3], [sha256Hex('The-Next-Token-4567')]);
    client.disconnect();
    onReplica.disconnect();
  });

  it('a re-issued certificate (another address) is served after CONFIG SET of the new files', async () => {
    const node = await tlsNode();
    const extra = randomLoopbackAddress();
    const peerSans = () => new Promise<string>((resolve, reject) => {
      const s = tls.connect({ host: node.address, port: node.port, ca: security.ca.certPem }, () => {
        resolve(s.getPeerCertificate().subjectaltname ?? '');
        s.destroy();
      });
      s.on('error', reject);
    });
    assert.ok(!(await peerSans()).includes(extra));
    const files = await security.certs.ensure(node.key, [node.address, extra]);
    await configSet(pool.client(node.address, node.port), { 'tls-cert-file': files.certFile, 'tls-key-file': files.keyFile });
    assert.ok((await peerSans()).includes(`IP Address:${extra}`));
    assert.equal(readFileSync(security.certs.absolute(node.key, files.caFile), 'utf8'), security.ca.certPem);
  });
});
