/**
 * TLS-in-transit "preferred" mode at the endpoints, against a real redis-server serving plaintext
 * on one port and TLS on another: sniffing routes in the proxy process (TLS and plaintext clients
 * on one listener, targets tried in order, security groups, dropConnections), the proxy router
 * alone skipping routes that need kernel NAT, and (as root) source exemptions in kernel NAT and
 * the whole preferred-mode layout of a node through the CompositeRouter.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CompositeRouter } from '../../src/endpoints/composite-router.js';
import { execTool } from '../../src/endpoints/exec.js';
import { NftablesRouter } from '../../src/endpoints/nftables-router.js';
import { ProxyRouter } from '../../src/endpoints/proxy-router.js';
import type { EndpointRoute, Target } from '../../src/endpoints/types.js';
import type { Logger } from '../../src/util/logger.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestFleet, randomLoopbackPrefix, tryConnect } from '../helpers/endpoints-redis.js';
import { exchange, makeCertificates, parseClientInfo, tlsPortArgs, type TestCertificates } from '../helpers/endpoints-tls.js';
import { freePort } from '../helpers/net.js';
import { requireOrSkip } from '../helpers/prerequisites.js';

const cleanup = useCleanup();
const fleet = new TestFleet();
cleanup.defer(() => fleet.stopAll());
const prefix = randomLoopbackPrefix();
/** The node: plaintext on 6379, TLS on TLS_PORT (as redis-server runs in preferred mode). */
const NODE = `${prefix}.2`;
const TLS_PORT = 16379;
const PLAIN: Target = { address: NODE, port: 6379 };
const TLS: Target = { address: NODE, port: TLS_PORT };
/** Endpoint addresses; the certificate names them all, as the service's node certificates do. */
const endpoint = (n: number): string => `${prefix}.${10 + n}`;
let certs: TestCertificates;
let dir: string;
/** A port on the node where nothing listens: connecting is refused. */
let refused: Target;

/** Records warnings (the proxy router's unserved-route message). */
function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug() {}, info() {}, error() {},
    warn(obj, msg) { warnings.push(typeof obj === 'string' ? obj : msg ?? ''); },
    child: () => logger,
  };
  return logger;
}

before(async () => {
  dir = await cleanup.tmpDir('cachefleet-endpoints-sniff-');
  certs = await makeCertificates(dir, [NODE, ...[0, 1, 2, 3, 4, 5, 6].map(endpoint)]);
  await fleet.startRedis(NODE, 6379, tlsPortArgs(certs, TLS_PORT));
  refused = { address: NODE, port: await freePort(NODE) };
});

describe('sniffing routes in the proxy process', { timeout: 60_000 }, () => {
  let router: ProxyRouter;
  const warnings: string[] = [];
  before(() => {
    router = new ProxyRouter({ stateDir: join(dir, 'proxy'), logger: recordingLogger(warnings) });
    cleanup.defer(() => router.teardown());
  });
  const sniff = (n: number, targets: Target[], tlsTargets: Target[], extra: Partial<EndpointRoute> = {}): EndpointRoute => ({
    id: `sniff${n}/node`, address: endpoint(n), port: 6379, targets, tlsTargets, ...extra,
  });

  it('plaintext and TLS clients share one listener; each reaches its own port of the node', async () => {
    await router.sync([sniff(0, [PLAIN], [TLS])]);
    const plain = await fleet.connect(endpoint(0));
    const secure = await fleet.connect(endpoint(0), 6379, { ca: certs.caPem });
    assert.equal(parseClientInfo(String(await plain.client('INFO'))).laddr, `${NODE}:6379`);
    assert.equal(parseClientInfo(String(await secure.client('INFO'))).laddr, `${NODE}:${TLS_PORT}`);
    // Enough bytes to fill the socket buffers both ways: backpressure, and no byte changed or lost.
    const big = randomBytes(4 << 20).toString('base64');
    assert.equal(await secure.set('big', big), 'OK');
    assert.equal(await plain.get('big'), big);
    assert.equal(await secure.get('big'), big);
    assert.equal(await plain.ping(), 'PONG');
  });

  it('tries the targets in order: a refused one is skipped, for TLS and plaintext alike', async () => {
    await router.sync([sniff(1, [refused, PLAIN], [refused, TLS])]);
    for (let i = 0; i < 3; i++) {
      const secure = await exchange(endpoint(1), 6379, { ca: certs.caPem });
      assert.equal(parseClientInfo(secure.reply ?? '').laddr, `${NODE}:${TLS_PORT}`, JSON.stringify(secure));
      const plain = await exchange(endpoint(1), 6379);
      assert.equal(parseClientInfo(plain.reply ?? '').laddr, `${NODE}:6379`, JSON.stringify(plain));
    }
  });

  it('a client no target accepts is reset at once', async () => {
    await router.sync([sniff(2, [refused], [refused])]);
    const plain = await exchange(endpoint(2), 6379);
    assert.equal(plain.error, 'ECONNRESET', JSON.stringify(plain));
    assert.ok(plain.ms < 1000, `reset in ${plain.ms} ms`);
    const secure = await exchange(endpoint(2), 6379, { ca: certs.caPem });
    assert.equal(secure.error, 'ECONNRESET', JSON.stringify(secure));
    assert.ok(secure.ms < 1000, `reset in ${secure.ms} ms`);
  });

  it('one list empty: listened on, that kind of client is reset; both empty: no listener', async () => {
    await router.sync([sniff(3, [], [TLS]), sniff(4, [PLAIN], []), sniff(5, [], [])]);
    assert.ok((await exchange(endpoint(3), 6379, { ca: certs.caPem })).reply?.includes(`laddr=${NODE}:${TLS_PORT}`));
    assert.equal((await exchange(endpoint(3), 6379)).error, 'ECONNRESET');
    assert.ok((await exchange(endpoint(4), 6379)).reply?.includes(`laddr=${NODE}:6379`));
    assert.equal((await exchange(endpoint(4), 6379, { ca: certs.caPem })).error, 'ECONNRESET');
    assert.equal((await tryConnect(endpoint(5), 6379)).result, 'ECONNREFUSED');
  });

  it('security groups are checked first; upstream connections come from the source address', async () => {
    const allowed = `${prefix}.50`;
    const outsider = `${prefix}.51`;
    const source = `${prefix}.60`;
    await router.sync([sniff(6, [PLAIN], [refused, TLS], { allow: [allowed], sourceAddress: source })]);
    for (const ca of [undefined, certs.caPem]) {
      const kind = ca ? 'TLS' : 'plaintext';
      const ok = await exchange(endpoint(6), 6379, { localAddress: allowed, ...(ca ? { ca } : {}) });
      assert.match(parseClientInfo(ok.reply ?? '').addr, new RegExp(`^${source.replace(/\./g, '\\.')}:`), `${kind}: ${JSON.stringify(ok)}`);
      const out = await exchange(endpoint(6), 6379, { localAddress: outsider, ...(ca ? { ca } : {}) });
      assert.match(out.error ?? '', /^(ECONNRESET|closed)$/, `${kind} from outside: ${JSON.stringify(out)}`);
    }
  });

  it('dropConnections closes the connections that went to the target actually used', async () => {
    await router.sync([sniff(1, [refused, PLAIN], [refused, TLS])]);
    const secure = await fleet.connect(endpoint(1), 6379, { ca: certs.caPem });
    const plain = await fleet.connect(endpoint(1));
    let secureClosed = false;
    secure.on('close', () => (secureClosed = true));
    await router.dropConnections('sniff1/node', refused); // nothing went there
    assert.equal(await secure.ping(), 'PONG');
    await router.dropConnections('sniff1/node', TLS);
    await waitFor(() => secureClosed, { timeoutMs: 3000, what: 'the TLS connection to close' });
    assert.equal(await plain.ping(), 'PONG', 'the plaintext connection (another target) carries on');
  });

  it('a proxy process from before sniffing routes (adopted after an upgrade) is refused, not trusted', async () => {
    await router.sync([sniff(0, [PLAIN], [TLS])]);
    const statusFile = join(dir, 'proxy', 'proxy-status.json');
    const current = readFileSync(statusFile, 'utf8');
    const { features, ...old } = JSON.parse(current) as { features?: string[] };
    assert.deepEqual(features, ['sniff']);
    writeFileSync(statusFile, JSON.stringify(old)); // what an older proxy reports (it rewrites only on change)
    await assert.rejects(router.sync([sniff(0, [PLAIN], [TLS])]), /predates TLS sniffing routes/);
    // Plain routes are fine; and the proxy, applying them, writes its real status again.
    await router.sync([{ id: 'plain/primary', address: endpoint(0), port: 6379, targets: [PLAIN] }]);
  });

  it('alone, the proxy router skips routes with source exemptions, warning once', async () => {
    const exempt: EndpointRoute = { id: 'exempt/node', address: endpoint(5), port: 6379, targets: [{ address: endpoint(0), port: 6379 }], exceptSources: [`${prefix}.60`] };
    warnings.length = 0;
    await router.sync([sniff(0, [PLAIN], [TLS]), exempt]);
    await router.sync([sniff(0, [PLAIN], [TLS]), exempt]);
    assert.equal(warnings.filter((w) => w.includes('exempt/node needs kernel NAT')).length, 1, warnings.join('\n'));
    assert.equal((await tryConnect(endpoint(5), 6379)).result, 'ECONNREFUSED', 'not listened on');
    assert.ok((await exchange(endpoint(0), 6379, { ca: certs.caPem })).reply?.includes(`laddr=${NODE}:${TLS_PORT}`), 'the rest is served');
    await router.dropConnections('exempt/node', PLAIN); // known, nothing to drop
  });
});

const nft = await NftablesRouter.available();

describe('source exemptions in kernel NAT', { skip: requireOrSkip(!nft && 'nftables not usable here (needs nft and root)'), timeout: 60_000 }, () => {
  const table = (): string => `cftest_${process.pid}_${randomBytes(4).toString('hex')}`;
  const SELF = `${prefix}.70`;
  const OTHER = `${prefix}.71`;

  it('an exempt source reaches address:port itself; every other source is translated', async () => {
    const t = table();
    cleanup.defer(() => execTool('nft', ['delete', 'table', 'ip', t]));
    const server = `${prefix}.4`;
    await Promise.all([fleet.startRedis(server, 6379), fleet.startRedis(server, 6380)]);
    const router = new NftablesRouter({ table: t });
    const rule: EndpointRoute = { id: 'exempt/node', address: server, port: 6379, targets: [{ address: server, port: 6380 }], exceptSources: [SELF] };
    // The kernel skips nat chains entirely while no table holds a NAT statement, and with them a
    // reject (seen on 6.18): a real table always has some endpoint's DNAT rule, so this one does too.
    const companion: EndpointRoute = { id: 'exempt/primary', address: `${prefix}.5`, port: 6379, targets: [{ address: server, port: 6380 }] };
    await router.sync([rule, companion]);
    const laddr = async (from: string): Promise<string> => parseClientInfo((await exchange(server, 6379, { localAddress: from })).reply ?? '').laddr;
    assert.equal(await laddr(SELF), `${server}:6379`);
    assert.equal(await laddr(OTHER), `${server}:6380`);
    await router.sync([{ ...rule, exceptSources: [] }, companion]);
    assert.equal(await laddr(SELF), `${server}:6380`, 'no exemption any more');
    await router.sync([{ ...rule, targets: [{ address: server, port: 6380 }, { address: server, port: 6380 }] }, companion]);
    assert.equal(await laddr(SELF), `${server}:6379`, 'several targets (numgen map)');
    assert.equal(await laddr(OTHER), `${server}:6380`);
    await router.sync([{ ...rule, targets: [] }, companion]);
    assert.equal(await laddr(SELF), `${server}:6379`);
    assert.equal((await tryConnect(server, 6379, 3000, OTHER)).result, 'ECONNREFUSED', 'no target: refused, but not for the exempt');
    await router.teardown();
  });

  it("a node in preferred mode: TLS and plaintext clients on the node's own port, the management address straight to redis", async () => {
    const t = table();
    cleanup.defer(() => execTool('nft', ['delete', 'table', 'ip', t]));
    const internal = 16380; // the sniffing listener
    const router = new CompositeRouter({
      nat: new NftablesRouter({ table: t }),
      proxy: new ProxyRouter({ stateDir: join(dir, 'composite-proxy') }),
    });
    cleanup.defer(() => router.teardown());
    await router.sync([
      { id: 'pm/sniff', address: NODE, port: internal, targets: [PLAIN], tlsTargets: [TLS], sourceAddress: SELF },
      { id: 'pm/node', address: NODE, port: 6379, targets: [{ address: NODE, port: internal }], exceptSources: [SELF] },
    ]);
    const plain = await fleet.connect(NODE);
    const secure = await fleet.connect(NODE, 6379, { ca: certs.caPem });
    const viaProxy = parseClientInfo(String(await plain.client('INFO')));
    assert.deepEqual([viaProxy.addr.split(':')[0], viaProxy.laddr], [SELF, `${NODE}:6379`], 'plaintext: through the proxy');
    const tlsInfo = parseClientInfo(String(await secure.client('INFO')));
    assert.deepEqual([tlsInfo.addr.split(':')[0], tlsInfo.laddr], [SELF, `${NODE}:${TLS_PORT}`], 'TLS: through the proxy');
    // The management address is exempt: its own connection, not one the proxy made.
    const direct = await exchange(NODE, 6379, { localAddress: SELF });
    assert.equal(parseClientInfo(direct.reply ?? '').addr, `${SELF}:${direct.localPort}`, JSON.stringify(direct));
    await router.teardown();
  });
});
