// The delivery controller on a fake node reader and a real logs.db in a temporary directory: what
// it ships, the cursors that make a second controller (a restarted control plane) go on without
// duplicates or gaps, the observations describe calls show, and the engine log's byte cursor.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { LogDeliverySetting } from '../../store/index.js';
import { silentLogger } from '../../util/logger.js';
import { LogStore } from '../store/log-store.js';
import { LogDeliveryController, type DeliveryTarget } from './controller.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-logs-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const slow: LogDeliverySetting = { logType: 'slow-log', destinationType: 'cloudwatch-logs', logGroup: 'slow', logFormat: 'json', enabled: true };
const engine: LogDeliverySetting = { logType: 'engine-log', destinationType: 'cloudwatch-logs', logGroup: 'engine', logFormat: 'text', enabled: true };

function harness(path: string, node: { runId: string; entries: unknown[]; down?: boolean }, configs: LogDeliverySetting[], logFile = join(dir, 'redis.log')) {
  const logs = new LogStore(path);
  const target: DeliveryTarget = { cacheClusterId: 'g-001', nodes: [{ cacheNodeId: '0001', nodeKey: 'g-001-0001', address: '127.0.0.1', port: 1 }], configs };
  const controller = new LogDeliveryController({
    logs, targets: async () => [target], now: () => 1_764_900_000_000, logger: silentLogger, intervalMs: 60_000,
    reader: {
      slowlog: async () => { if (node.down) throw new Error('down'); return { runId: node.runId, reply: [...node.entries].reverse() }; },
      engineLogPath: () => logFile,
    },
  });
  return { logs, controller, target };
}
const entry = (id: number) => [id, 1_764_900_000 + id, 5, ['SET', `k${id}`, 'v'], '127.0.0.1:5000', 'app'];
const shippedIds = (logs: LogStore) => logs.streamEvents('slow', 'g-001-0001-slow-log', { limit: 1000, forward: true }).map((e) => JSON.parse(e.message).Id as number);

describe('log delivery controller', () => {
  it('delivers the slow log once across a restart of the control plane and of the node', async () => {
    const path = join(dir, 'a.db');
    const node = { runId: 'run-1', entries: [entry(0), entry(1)] };
    const first = harness(path, node, [slow]);
    await first.controller.pass();
    assert.equal(first.logs.deliveries.observation('g-001', 'slow-log')?.status, 'error', 'no group yet');
    first.logs.createGroup({ name: 'slow', createdMs: 0, logGroupClass: 'STANDARD', deletionProtection: false, tags: {} });
    await first.controller.pass();
    assert.deepEqual(shippedIds(first.logs), [0, 1]);
    assert.equal(first.logs.deliveries.observation('g-001', 'slow-log')?.status, 'active');
    node.entries.push(entry(2));
    await first.controller.pass();
    first.logs.close();
    // A new control plane on the same logs.db goes on from the cursor.
    node.entries.push(entry(3));
    const second = harness(path, node, [slow]);
    await second.controller.pass();
    await second.controller.pass();
    assert.deepEqual(shippedIds(second.logs), [0, 1, 2, 3]);
    // The node restarted: ids begin at 0 again and are shipped.
    node.runId = 'run-2';
    node.entries = [entry(0)];
    await second.controller.pass();
    assert.deepEqual(shippedIds(second.logs), [0, 1, 2, 3, 0]);
    // Turned off: the cursor and observation go.
    second.target.configs = [{ ...slow, enabled: false }];
    await second.controller.pass();
    assert.equal(second.logs.deliveries.observation('g-001', 'slow-log'), undefined);
    assert.equal(second.logs.deliveries.cursor('g-001-0001', 'slow-log'), undefined);
    // The cluster is deleted: nothing of its deliveries stays behind.
    second.target.configs = [slow];
    await second.controller.pass();
    assert.ok(second.logs.deliveries.cursor('g-001-0001', 'slow-log'));
    second.target.nodes = [];
    await second.controller.pass();
    assert.deepEqual(second.logs.deliveries.cursors(), []);
    second.logs.close();
  });

  it('a node that cannot be read keeps its cursor and is read on a later pass', async () => {
    const node = { runId: 'r', entries: [entry(0)], down: true };
    const h = harness(join(dir, 'b.db'), node, [slow]);
    h.logs.createGroup({ name: 'slow', createdMs: 0, logGroupClass: 'STANDARD', deletionProtection: false, tags: {} });
    await h.controller.pass();
    assert.equal(h.logs.deliveries.observation('g-001', 'slow-log'), undefined, 'still enabling');
    node.down = false;
    await h.controller.pass();
    assert.deepEqual(shippedIds(h.logs), [0]);
    h.logs.close();
  });

  it('ships the engine log by byte offset, whole lines only, and a new file from its start', async () => {
    const file = join(dir, 'engine.log');
    writeFileSync(file, '1:M 05 Dec 2026 05:31:02.118 * one\n1:M 05 Dec 2026 05:31:02.200 * tw');
    const h = harness(join(dir, 'c.db'), { runId: 'r', entries: [] }, [engine], file);
    h.logs.createGroup({ name: 'engine', createdMs: 0, logGroupClass: 'STANDARD', deletionProtection: false, tags: {} });
    const lines = () => h.logs.streamEvents('engine', 'g-001-0001-engine-log', { limit: 100, forward: true }).map((e) => e.message);
    await h.controller.pass();
    assert.deepEqual(lines(), ['1:M 05 Dec 2026 05:31:02.118 * one']);
    appendFileSync(file, 'o\n');
    await h.controller.pass();
    await h.controller.pass();
    assert.deepEqual(lines(), ['1:M 05 Dec 2026 05:31:02.118 * one', '1:M 05 Dec 2026 05:31:02.200 * two']);
    rmSync(file);
    writeFileSync(file, '2:M 05 Dec 2026 06:00:00.000 * fresh\n');
    await h.controller.pass();
    assert.equal(lines().at(-1), '2:M 05 Dec 2026 06:00:00.000 * fresh');
    assert.equal(lines().length, 3);
    h.logs.close();
  });
});
