/**
 * The control plane's listener certificate (`server --tls`): issued by the service CA for the
 * loopback names and the bind host, kept across restarts, issued again when the host changes; or
 * the user's own certificate and key, served as given.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { dataPaths } from '../../src/paths/index.js';
import { ensureCA, type CertificateAuthority } from '../../src/security/ca.js';
import { listenerNames, loadListenerTls } from '../../src/security/listener-tls.js';
import { useCleanup } from '../helpers/cleanup.js';

const cleanup = useCleanup();
let dataDir: string;
let ca: CertificateAuthority;

before(async () => {
  dataDir = await cleanup.tmpDir('cachefleet-api-tls-');
  ca = await ensureCA(dataDir);
});

const sans = (pem: string): string => execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName'], { input: pem, encoding: 'utf8' });

describe('listener TLS', () => {
  it('names the loopback addresses, localhost and the bind host; a wildcard bind adds nothing', () => {
    assert.deepEqual(listenerNames('10.1.2.3'), { ips: ['10.1.2.3', '127.0.0.1', '::1'], dns: ['localhost'] });
    assert.deepEqual(listenerNames('api.example'), { ips: ['127.0.0.1', '::1'], dns: ['api.example', 'localhost'] });
    assert.deepEqual(listenerNames('0.0.0.0'), { ips: ['127.0.0.1', '::1'], dns: ['localhost'] });
  });

  it('issues from the service CA, keeps it for the same host, issues again for another', async () => {
    const first = await loadListenerTls(dataDir, ca, '127.0.0.1');
    assert.equal(first.source, 'service CA');
    for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']) assert.ok(sans(first.cert).includes(name), name);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', ca.certFile, dataPaths(dataDir).apiCert], { encoding: 'utf8' }), /OK/);
    for (const f of [dataPaths(dataDir).apiCert, dataPaths(dataDir).apiKey]) assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.equal((await loadListenerTls(dataDir, ca, '127.0.0.1')).cert, first.cert, 'a restart keeps it');
    const other = await loadListenerTls(dataDir, ca, 'cachefleet.internal');
    assert.notEqual(other.cert, first.cert);
    assert.match(sans(other.cert), /DNS:cachefleet\.internal/);
  });

  it('serves the user\'s own certificate and key as given; one without the other is refused', async () => {
    const dir = await cleanup.tmpDir('cachefleet-api-tls-own-');
    const [certFile, keyFile] = [join(dir, 'own.crt'), join(dir, 'own.key')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=own',
      '-keyout', keyFile, '-out', certFile, '-days', '1'], { stdio: 'ignore' });
    const own = await loadListenerTls(dataDir, ca, '127.0.0.1', { certFile, keyFile });
    assert.deepEqual([own.source, own.cert, own.key], ['user', readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8')]);
    await assert.rejects(loadListenerTls(dataDir, ca, '127.0.0.1', { certFile }), /--tls-cert and --tls-key go together/);
  });
});
