import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSlowlog, redactCommand, slowlogMessage, slowlogToShip } from './slow-log.js';

// SLOWLOG GET's reply as redis-server 7 sends it: newest first.
const reply = [
  [5, 1764900005, 30, ['SET', 'k', 'v'], '127.0.0.1:5001', 'app'],
  [4, 1764900004, 3, ['INFO', 'all'], '127.0.0.1:6000', 'cachefleet-admin'],
  [3, 1764900003, 12, ['GET', 'k'], '127.0.0.1:5001', ''],
];

describe('slow log delivery', () => {
  it('parses SLOWLOG GET oldest first', () => {
    assert.deepEqual(parseSlowlog(reply).map((e) => e.id), [3, 4, 5]);
    assert.deepEqual(parseSlowlog('nope'), []);
  });

  it('ships what follows the cursor on the same run, everything on a new run, never the control plane\'s own commands', () => {
    const entries = parseSlowlog(reply);
    const first = slowlogToShip(entries, undefined, 'run-a', 'c-0001');
    assert.deepEqual(first.ship.map((e) => e.id), [3, 5]);
    assert.deepEqual(first.cursor, { nodeKey: 'c-0001', logType: 'slow-log', source: 'run-a', position: 5 });
    const again = slowlogToShip(entries, first.cursor, 'run-a', 'c-0001');
    assert.deepEqual(again.ship, []);
    assert.equal(again.cursor.position, 5);
    const partly = slowlogToShip(entries, { ...first.cursor, position: 3 }, 'run-a', 'c-0001');
    assert.deepEqual(partly.ship.map((e) => e.id), [5]);
    // The node restarted: ids begin again, and its entries are all new.
    const restarted = slowlogToShip(parseSlowlog([[0, 1764900100, 9, ['PING'], '127.0.0.1:5002', '']]), first.cursor, 'run-b', 'c-0001');
    assert.deepEqual(restarted.ship.map((e) => e.id), [0]);
    assert.deepEqual(restarted.cursor, { nodeKey: 'c-0001', logType: 'slow-log', source: 'run-b', position: 0 });
  });

  it('replaces keys and values with (N more arguments), as ElastiCache', () => {
    assert.equal(redactCommand(['set', 'foo', 'bar']), 'set (2 more arguments)');
    assert.equal(redactCommand(['PING']), 'PING');
    assert.equal(redactCommand(['CONFIG', 'GET', 'maxmemory']), 'CONFIG GET (1 more arguments)');
    assert.equal(redactCommand(['MSET', ...Array.from({ length: 30 }, () => 'x'), '... (10 more arguments)']), 'MSET (40 more arguments)');
  });

  it('writes the documented JSON fields, and TEXT in the same order', () => {
    const [e] = parseSlowlog(reply);
    const json = JSON.parse(slowlogMessage(e!, { cacheClusterId: 'g-001', cacheNodeId: '0001' }, 'json'));
    assert.deepEqual(json, {
      CacheClusterId: 'g-001', CacheNodeId: '0001', Id: 3, Timestamp: 1764900003, Duration: 12,
      Command: 'GET (1 more arguments)', ClientAddress: '127.0.0.1:5001', ClientName: '',
    });
    assert.equal(slowlogMessage(e!, { cacheClusterId: 'g-001', cacheNodeId: '0001' }, 'text'), 'g-001 0001 3 1764900003 12 GET (1 more arguments) 127.0.0.1:5001');
  });
});
