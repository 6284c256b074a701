import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fansOut } from './fan-out.js';

const args = (...a: string[]) => a.map((x) => Buffer.from(x));

describe('commands the endpoint sends to every shard', () => {
  it('keyspace-wide commands, SCRIPT, and the FUNCTION subcommands that change libraries', () => {
    for (const name of ['dbsize', 'keys', 'scan', 'randomkey', 'info', 'flushall', 'flushdb', 'script']) assert.ok(fansOut(name, args(name)), name);
    for (const sub of ['LOAD', 'delete', 'FLUSH', 'restore']) assert.ok(fansOut('function', args('FUNCTION', sub)), sub);
  });

  it('not FUNCTION LIST, DUMP, STATS or KILL, nor a keyed command', () => {
    for (const sub of ['LIST', 'dump', 'STATS', 'kill']) assert.ok(!fansOut('function', args('FUNCTION', sub)), sub);
    assert.ok(!fansOut('function', args('FUNCTION')));
    assert.ok(!fansOut('get', args('GET', 'k')));
    assert.ok(!fansOut('fcall', args('FCALL', 'f', '1', 'k')));
  });
});
