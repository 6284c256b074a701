import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isWriteCommand } from './durable-classify.js';

describe('isWriteCommand', () => {
  it('follows the write flag, subcommands, scripts and unknown commands', () => {
    for (const c of ['set', 'del', 'incr', 'lpush', 'xadd', 'flushall', 'blpop', 'eval', 'evalsha', 'fcall', 'restore']) assert.ok(isWriteCommand(c), c);
    for (const c of ['get', 'mget', 'ping', 'info', 'publish', 'eval_ro', 'fcall_ro', 'wait', 'multi', 'exec', 'subscribe']) assert.ok(!isWriteCommand(c), c);
    assert.ok(isWriteCommand('xgroup', 'create'));
    assert.ok(!isWriteCommand('xgroup', 'help'));
    assert.ok(isWriteCommand('function', 'load'));
    assert.ok(!isWriteCommand('client', 'setname'));
    assert.ok(!isWriteCommand('config', 'set'));
    assert.ok(isWriteCommand('json.set'), 'a module command is assumed to write');
  });
});
