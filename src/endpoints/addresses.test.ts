import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateAddress } from './addresses.js';

// Parsing and formatting are tested with util/ipv4.ts.
describe('addresses', () => {
  it('allocates the lowest free address, skipping .0 and .255', () => {
    assert.equal(allocateAddress('127.77.0.0/16', []), '127.77.0.1');
    assert.equal(allocateAddress('127.77.0.0/16', ['127.77.0.1', '127.77.0.3']), '127.77.0.2');
    assert.equal(allocateAddress('127.77.0.0/16', [], { highest: true }), '127.77.255.254');
    assert.equal(allocateAddress('127.77.0.0/16', ['127.77.255.254'], { highest: true }), '127.77.255.253');
    const used = Array.from({ length: 254 }, (_, i) => `127.77.0.${i + 1}`);
    assert.equal(allocateAddress('127.77.0.0/16', used), '127.77.1.1');
    // Garbage and out-of-range entries in `used` are ignored.
    assert.equal(allocateAddress('127.77.0.0/16', ['nonsense', '10.0.0.1']), '127.77.0.1');
  });

  it('never hands out 127.0.0.1 or the block network/broadcast', () => {
    assert.equal(allocateAddress('127.0.0.0/8', []), '127.0.0.2');
    assert.equal(allocateAddress('127.0.0.16/28', []), '127.0.0.17');
    assert.equal(allocateAddress('127.0.0.16/28', Array.from({ length: 13 }, (_, i) => `127.0.0.${17 + i}`)), '127.0.0.30');
  });

  it('throws a clear error when the pool is exhausted', () => {
    assert.throws(() => allocateAddress('127.5.5.0/30', ['127.5.5.1', '127.5.5.2']), /pool 127\.5\.5\.0\/30 is exhausted/);
    assert.throws(() => allocateAddress('127.5.5.0/32', []), /exhausted/);
    assert.equal(allocateAddress('127.5.5.9/32', []), '127.5.5.9');
  });
});
