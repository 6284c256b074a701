import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeInfo } from '../engine/admin.js';
import type { CacheClusterRecord } from '../store/index.js';
import { waitCaughtUp } from './catch-up.js';

const member = (id: string, address: string) => ({ id, nodes: [{ id: '0001', address, port: 6379 }] }) as unknown as CacheClusterRecord;
const primary = member('p', '127.77.0.1');
const replica = member('r', '127.77.0.2');
const info = (o: Partial<NodeInfo>): NodeInfo => ({
  runId: 'x', version: '7.0.15', role: 'replica', masterHost: '127.77.0.1', masterPort: 6379, linkUp: true, syncInProgress: false,
  replOffset: 0, connectedReplicas: [], uptimeSeconds: 1, usedMemory: 0, maxmemory: 0, loading: false, ...o,
});

/** Observes the primary at `offset`, and the replica through `readings` (the last one repeated). */
function nodes(offset: number, readings: Array<Partial<NodeInfo> | Error>) {
  let i = 0;
  const seen: string[] = [];
  const observe = async (c: CacheClusterRecord): Promise<NodeInfo> => {
    seen.push(c.id);
    if (c.id === 'p') return info({ role: 'primary', replOffset: offset });
    const r = readings[Math.min(i++, readings.length - 1)]!;
    if (r instanceof Error) throw r;
    return info(r);
  };
  return { observe, seen };
}

describe('waitCaughtUp', () => {
  it('answers caught-up once the replica has processed the primary\'s offset of the moment it was asked', async () => {
    const n = nodes(500, [{ replOffset: 100 }, { replOffset: 499 }, { replOffset: 500 }]);
    assert.equal(await waitCaughtUp(n.observe, primary, replica, { timeoutMs: 2000, pollMs: 1 }), 'caught-up');
    assert.deepEqual(n.seen, ['p', 'r', 'r', 'r'], 'the primary is read once: later writes are not waited for');
  });

  it('answers behind when the deadline passes first', async () => {
    const n = nodes(500, [{ replOffset: 100 }]);
    const t0 = Date.now();
    assert.equal(await waitCaughtUp(n.observe, primary, replica, { timeoutMs: 60, pollMs: 5 }), 'behind');
    assert.ok(Date.now() - t0 >= 60);
  });

  it('ends the wait once the caller is cancelled', async () => {
    const n = nodes(500, [{ replOffset: 100 }]);
    let reads = 0;
    const t0 = Date.now();
    assert.equal(await waitCaughtUp(n.observe, primary, replica, { timeoutMs: 10_000, pollMs: 1, cancelled: () => ++reads >= 3 }), 'behind');
    assert.ok(Date.now() - t0 < 1000);
  });

  it('counts an offset only while the replica follows that primary with its link up and no sync under way', async () => {
    for (const r of [{ masterHost: '127.77.0.9' }, { linkUp: false }, { syncInProgress: true }, { role: 'primary' as const }]) {
      const n = nodes(500, [{ replOffset: 900, ...r }]);
      assert.equal(await waitCaughtUp(n.observe, primary, replica, { timeoutMs: 20, pollMs: 5 }), 'behind', JSON.stringify(r));
    }
  });

  it('a primary that cannot be read: primary-unknown; a replica that cannot: behind; both reported', async () => {
    const errors: unknown[] = [];
    const broken = async (): Promise<NodeInfo> => { throw new Error('ECONNREFUSED'); };
    assert.equal(await waitCaughtUp(broken, primary, replica, { timeoutMs: 20, onError: (e) => errors.push(e) }), 'primary-unknown');
    const n = nodes(500, [new Error('ETIMEDOUT')]);
    assert.equal(await waitCaughtUp(n.observe, primary, replica, { timeoutMs: 1000, onError: (e) => errors.push(e) }), 'behind');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['ECONNREFUSED', 'ETIMEDOUT']);
  });
});
