/** NftablesRouter against real redis-server processes and the kernel's nftables (needs root). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEndpointRouter } from '../../src/endpoints/index.js';
import { NftablesRouter } from '../../src/endpoints/nftables-router.js';
import { execTool } from '../../src/endpoints/exec.js';
import { runRouterSuite } from '../helpers/endpoints-suite.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { TestFleet, randomLoopbackPrefix, tryConnect } from '../helpers/endpoints-redis.js';
import { leastPrivilegeMissing, nodeUser } from '../helpers/host-user.js';
import { run } from '../helpers/e2e-exec.js';

const available = await NftablesRouter.available();
const skip = requireOrSkip(!available && 'nftables not usable here (needs nft and root)');
const uniqueTable = (): string => `cftest_${process.pid}_${randomBytes(4).toString('hex')}`;

async function deleteTable(table: string): Promise<void> {
  await execTool('nft', ['delete', 'table', 'ip', table]).catch(() => {});
}

/** Rule handles change on every apply (flush + add), so equal handles mean nothing was re-applied. */
async function fingerprint(table: string): Promise<string> {
  const r = await execTool('nft', ['-a', '-j', 'list', 'table', 'ip', table]);
  const items = (JSON.parse(r.stdout) as { nftables: { rule?: { handle: number; comment?: string } }[] }).nftables;
  return items.flatMap((i) => (i.rule ? [`${i.rule.handle}:${i.rule.comment}`] : [])).join(',');
}

const table = uniqueTable();
const stateDir = mkdtempSync(join(tmpdir(), 'cachefleet-endpoints-nft-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

runRouterSuite('NftablesRouter', {
  mode: 'nftables',
  table,
  stateDir,
  skip,
  newRouter: () => new NftablesRouter({ table }),
  fingerprint: () => fingerprint(table),
  assertTornDown: async () => {
    assert.notEqual((await execTool('nft', ['list', 'table', 'ip', table])).code, 0, 'table is gone');
  },
  cleanup: () => deleteTable(table),
});

describe('NftablesRouter drift and selection', { skip, timeout: 60_000 }, () => {
  const fleet = new TestFleet();
  const prefix = randomLoopbackPrefix();
  const node = { address: `${prefix}.2`, port: 6379 };
  const routes = [{ id: 'drift/primary', address: `${prefix}.10`, port: 6379, targets: [node] }];
  const t = uniqueTable();

  before(() => fleet.startRedis(node.address));
  after(async () => {
    await deleteTable(t);
    await fleet.stopAll();
  });

  it('an unchanged sync does not touch the kernel', async () => {
    const router = new NftablesRouter({ table: t, verifyEvery: 1000 });
    await router.sync(routes);
    const fp = await fingerprint(t);
    for (let i = 0; i < 5; i++) await router.sync(routes);
    assert.equal(await fingerprint(t), fp);
  });

  it('repairs a flushed table when asked, and by itself every verifyEvery syncs', async () => {
    const router = new NftablesRouter({ table: t, verifyEvery: 3 });
    await router.sync(routes);
    await execTool('nft', ['flush', 'table', 'ip', t]);
    assert.equal((await tryConnect(routes[0]!.address, 6379)).result, 'ECONNREFUSED');
    router.invalidate();
    await router.sync(routes);
    assert.equal(await fleet.landsOn(routes[0]!.address), node.address);

    await execTool('nft', ['delete', 'table', 'ip', t]);
    for (let i = 0; i < 3; i++) await router.sync(routes);
    assert.equal(await fleet.landsOn(routes[0]!.address), node.address, 'the periodic check re-applied it');
  });

  it('rejects a sync that cannot be programmed without changing what is there', async () => {
    const router = new NftablesRouter({ table: t });
    await router.sync(routes);
    await assert.rejects(router.sync([...routes, { ...routes[0]!, id: 'other' }]), /both use/);
    assert.equal(await fleet.landsOn(routes[0]!.address), node.address);
  });

  it('zero targets are refused by the kernel even when something listens on the endpoint address', async () => {
    const squatter = net.createServer((s) => s.destroy());
    const address = `${prefix}.11`;
    await new Promise<void>((r) => squatter.listen(6379, address, r));
    try {
      assert.equal((await tryConnect(address, 6379)).result, 'connected');
      const router = new NftablesRouter({ table: t });
      await router.sync([...routes, { id: 'empty/reader', address, port: 6379, targets: [] }]);
      const r = await tryConnect(address, 6379);
      assert.equal(r.result, 'ECONNREFUSED');
      assert.ok(r.ms < 1000);
    } finally {
      squatter.close();
    }
  });

  it('source filters admit only the allowed sources, through the endpoint and directly, and spare established connections', async () => {
    const router = new NftablesRouter({ table: t });
    const allowed = `${prefix}.50`;
    const other = `${prefix}.51`;
    const filter = { id: 'drift-001/0001', address: node.address, port: node.port, allow: [allowed] };
    await router.sync(routes, [filter]);
    const endpoint = routes[0]!.address;
    assert.equal((await tryConnect(endpoint, 6379, 3000, allowed)).result, 'connected');
    assert.equal((await tryConnect(node.address, 6379, 3000, allowed)).result, 'connected');
    const refused = await tryConnect(endpoint, 6379, 3000, other);
    assert.equal(refused.result, 'ECONNREFUSED', 'through the endpoint NAT');
    assert.ok(refused.ms < 1000, 'refused at once, not timed out');
    assert.equal((await tryConnect(node.address, 6379, 3000, other)).result, 'ECONNREFUSED', 'directly to the node');

    // A connection open before the rule tightens keeps working (as EC2 security groups: tracked flows stay).
    const open = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: endpoint, port: 6379, localAddress: allowed }, () => resolve(s));
      s.once('error', reject);
    });
    try {
      await router.sync(routes, [{ ...filter, allow: [other] }]);
      assert.equal((await tryConnect(endpoint, 6379, 3000, allowed)).result, 'ECONNREFUSED');
      assert.equal((await tryConnect(endpoint, 6379, 3000, other)).result, 'connected');
      const reply = await new Promise<string>((resolve) => {
        open.once('data', (d) => resolve(d.toString()));
        open.write('PING\r\n');
      });
      assert.equal(reply, '+PONG\r\n');
    } finally {
      open.destroy();
    }
    await router.sync(routes, []);
    assert.equal((await tryConnect(endpoint, 6379, 3000, allowed)).result, 'connected', 'no filter: open to all');
  });

  it("connections the node user's processes open pass every filter (a node's MIGRATE connects from 127.0.0.1); no one else's", { skip: leastPrivilegeMissing() || false }, async () => {
    const user = nodeUser();
    const filter = { id: 'drift-001/0001', address: node.address, port: node.port, allow: [`${prefix}.50`] };
    // As the node user, from the host's default source (what MIGRATE does whatever bind-source-addr says).
    const asNode = () => run('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', 'redis-cli', '-h', node.address, '-p', '6379', 'PING'], { timeoutMs: 10_000 });
    const asRoot = () => run('redis-cli', ['-h', node.address, '-p', '6379', 'PING'], { timeoutMs: 10_000 });
    const withNodes = new NftablesRouter({ table: t, nodeUid: user.uid });
    await withNodes.sync(routes, [filter]);
    assert.equal((await asNode()).stdout.trim(), 'PONG');
    assert.match((await asRoot()).stderr + (await asRoot()).stdout, /refused/i, 'another user from the same source is refused');
    const without = new NftablesRouter({ table: t });
    await without.sync(routes, [filter]);
    assert.match((await asNode()).stderr + (await asNode()).stdout, /refused/i, 'without nodeUid the node user is a stranger too');
    await without.sync(routes, []);
  });

  it('auto mode picks nftables here', async () => {
    const router = await createEndpointRouter({ mode: 'auto', table: t, stateDir });
    assert.equal(router.kind, 'nftables');
  });
});
