import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, formatIpv4, isIpv4, isLoopback, normalizeCidr, parseCidr, parseIpv4 } from './ipv4.js';

describe('ipv4', () => {
  it('parses and formats IPv4', () => {
    assert.equal(parseIpv4('127.77.1.2'), 0x7f4d0102);
    assert.equal(formatIpv4(0x7f4d0102), '127.77.1.2');
    assert.equal(parseIpv4('0.0.0.0'), 0);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.00', 'a.b.c.d', '1.2.3.-4', '1.2.3.4 ', ' 1.2.3.4',
      '1.2.3.4\n', '1..3.4', '1.2.3.1234', '::1']) {
      assert.equal(parseIpv4(bad), undefined, JSON.stringify(bad));
      assert.equal(isIpv4(bad), false, JSON.stringify(bad));
    }
    assert.equal(isIpv4('10.0.0.1'), true);
  });

  it('parses a CIDR strictly (host bits must be zero)', () => {
    const c = parseCidr('127.77.0.0/16');
    assert.equal(formatIpv4(c.first), '127.77.0.0');
    assert.equal(formatIpv4(c.last), '127.77.255.255');
    assert.equal(c.network, c.first);
    assert.equal(c.prefixLength, 16);
    assert.equal(formatIpv4(parseCidr('10.0.0.5/32').last), '10.0.0.5');
    assert.equal(parseCidr('0.0.0.0/0').last, 0xffffffff);
    assert.throws(() => parseCidr('127.77.0.0'), /invalid IPv4 CIDR/);
    assert.throws(() => parseCidr('127.77.0.0/33'), /invalid IPv4 CIDR/);
    assert.throws(() => parseCidr('127.77.1.0/16'), /host bits.*127\.77\.0\.0\/16/);
  });

  it('normalizes a CIDR as EC2 stores it (host bits cleared), undefined when it is not one', () => {
    assert.equal(normalizeCidr('10.0.0.1/24'), '10.0.0.0/24');
    assert.equal(normalizeCidr('10.0.0.0/24'), '10.0.0.0/24');
    assert.equal(normalizeCidr('203.0.113.7/32'), '203.0.113.7/32');
    assert.equal(normalizeCidr('1.2.3.4/0'), '0.0.0.0/0');
    for (const bad of ['10.0.0.1', '10.0.0.1/33', '10.0.0.1/', '10.0.0.1/1a', '10.0.0.1/024', '010.0.0.1/8', 'x/8', '']) {
      assert.equal(normalizeCidr(bad), undefined, JSON.stringify(bad));
    }
  });

  it('tells whether an address is inside a CIDR', () => {
    assert.equal(cidrContains('127.77.0.0/16', '127.77.3.4'), true);
    assert.equal(cidrContains('127.77.0.0/16', '127.78.0.1'), false);
    assert.equal(cidrContains('127.77.5.5/16', '127.77.0.1'), true, 'host bits of the block are ignored');
    assert.equal(cidrContains('0.0.0.0/0', '8.8.8.8'), true);
    assert.equal(cidrContains('10.0.0.1/32', '10.0.0.1'), true);
    assert.equal(cidrContains('10.0.0.1/32', '10.0.0.2'), false);
    assert.equal(cidrContains('not a block', '10.0.0.1'), false);
    assert.equal(cidrContains('10.0.0.0/8', 'not an address'), false);
  });

  it('recognises loopback addresses', () => {
    assert.equal(isLoopback('127.0.0.1'), true);
    assert.equal(isLoopback('127.77.3.4'), true);
    assert.equal(isLoopback('::1'), true);
    assert.equal(isLoopback('128.0.0.1'), false);
    assert.equal(isLoopback('10.0.0.1'), false);
    assert.equal(isLoopback('localhost'), false);
  });
});
