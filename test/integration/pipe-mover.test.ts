/**
 * The pipelined mover (src/snapshots/engine/pipe-mover.ts) between two real redis-servers: every
 * key lands in its own database even when the replies of a database's last batch are still on
 * their way when the next database begins (a 32 MB value makes its DUMP reply take a while).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AdminPool } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { pipeKeys } from '../../src/snapshots/engine/pipe-mover.js';
import { planRouting } from '../../src/snapshots/engine/slot-routing.js';
import { useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
const pool = new AdminPool({ commandTimeoutMs: 10_000 });
let provider: LocalProcessProvider;

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-pipe-mover-') });
  cleanup.defer(() => pool.closeAll());
});

async function start(): Promise<{ address: string; port: number }> {
  const spec = await testNodeSpec();
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return { address: spec.address, port: spec.port };
}

describe('pipeKeys', () => {
  it('keeps every key in its database across a database switch, however late the last replies come', async () => {
    const [source, target] = await Promise.all([start(), start()]);
    const s = await pool.ready(source.address, source.port);
    const p = s.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`k:${i}`, `v${i}`);
    p.set('big', Buffer.alloc(32 << 20, 0x61));
    await p.exec();
    await s.select(1);
    await s.set('only-in-1', 'x');
    await s.select(0);

    const shards = [{ primary: target }];
    // One SCAN batch for all of database 0: its DUMP replies are still coming when database 1 begins.
    const moved = await pipeKeys(source, shards, planRouting(shards), [0, 1], { scanCount: 10_000 });
    assert.equal(moved, 2002);
    const t = await pool.ready(target.address, target.port);
    assert.equal(await t.dbsize(), 2001, 'database 0 holds its own keys');
    assert.equal(await t.strlen('big'), 32 << 20);
    await t.select(1);
    assert.deepEqual(await t.keys('*'), ['only-in-1'], 'database 1 holds only its key');
    await t.select(0);
  });
});
