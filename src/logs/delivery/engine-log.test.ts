import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineLogEvents, parseEngineLine } from './engine-log.js';

const node = { cacheClusterId: 'g-001', cacheNodeId: '0001' };

describe('engine log delivery', () => {
  it('parses redis-server log lines', () => {
    const p = parseEngineLine('4242:M 05 Dec 2026 05:31:02.118 * Ready to accept connections tcp');
    assert.equal(p?.role, 'M');
    assert.equal(p?.level, 'NOTICE');
    assert.equal(p?.time, new Date(2026, 11, 5, 5, 31, 2, 118).toUTCString().replace(/^\w+, (\d+ \w+ \d+ [\d:]+) GMT$/, '$1.118 UTC'));
    assert.equal(p?.message, 'Ready to accept connections tcp');
    assert.equal(p?.epochMs, new Date(2026, 11, 5, 5, 31, 2, 118).getTime());
    assert.equal(parseEngineLine('4242:S 05 Dec 2026 05:31:02.118 # warn')?.level, 'WARNING');
    assert.equal(parseEngineLine('random banner'), undefined);
  });

  it('ships complete lines only and says how many bytes they took', () => {
    const chunk = Buffer.from('1:M 05 Dec 2026 05:31:02.118 * one\n1:M 05 Dec 2026 05:31:03.000 # two\n1:M 05 Dec 2026 05:3');
    const { events, consumed } = engineLogEvents(chunk, node, 'json', 0);
    assert.equal(events.length, 2);
    assert.equal(consumed, chunk.indexOf('1:M 05 Dec 2026 05:3', 60));
    assert.deepEqual(JSON.parse(events[1]!.message), {
      CacheClusterId: 'g-001', CacheNodeId: '0001', LogLevel: 'WARNING', Time: parseEngineLine('1:M 05 Dec 2026 05:31:03.000 # two')!.time, Role: 'M', Message: 'two',
    });
    const text = engineLogEvents(chunk, node, 'text', 0);
    assert.equal(text.events[0]!.message, '1:M 05 Dec 2026 05:31:02.118 * one');
    assert.deepEqual(engineLogEvents(Buffer.from('no newline yet'), node, 'json', 0), { events: [], consumed: 0 });
  });
});
