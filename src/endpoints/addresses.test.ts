import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateAddress, formatIpv4, isLoopback, parseCidr, parseIpv4 } from './addresses.js';

describe('addresses', () => {
  it('parses and formats IPv4', () => {
    assert.equal(parseIpv4('127.77.1.2'), 0x7f4d0102);
    assert.equal(formatIpv4(0x7f4d0102), '127.77.1.2');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', '1.2.3.-4', '1.2.3.4 ']) {
      assert.equal(parseIpv4(bad), undefined, bad);
    }
  });

  it('parses a CIDR', () => {
    const c = parseCidr('127.77.0.0/16');
    assert.equal(formatIpv4(c.first), '127.77.0.0');
    assert.equal(formatIpv4(c.last), '127.77.255.255');
    assert.equal(c.prefixLength, 16);
    assert.equal(formatIpv4(parseCidr('10.0.0.5/32').last), '10.0.0.5');
    assert.throws(() => parseCidr('127.77.0.0'), /invalid IPv4 CIDR/);
    assert.throws(() => parseCidr('127.77.0.0/33'), /invalid IPv4 CIDR/);
    assert.throws(() => parseCidr('127.77.1.0/16'), /host bits.*127\.77\.0\.0\/16/);
  });

  it('recognises loopback addresses', () => {
    assert.equal(isLoopback('127.0.0.1'), true);
    assert.equal(isLoopback('127.77.3.4'), true);
    assert.equal(isLoopback('::1'), true);
    assert.equal(isLoopback('128.0.0.1'), false);
    assert.equal(isLoopback('10.0.0.1'), false);
    assert.equal(isLoopback('localhost'), false);
  });

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
