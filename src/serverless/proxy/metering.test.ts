import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EcpuBucket, ecpuOf, emptyCounters, meter } from './metering.js';

describe('ECPU metering', () => {
  it('is 1 per KB transferred, in and out, fractional, at least 1 (AWS: a 3.2 KB GET is 3.2 ECPUs)', () => {
    assert.equal(ecpuOf(30, 10), 1);
    assert.equal(ecpuOf(1024, 0), 1);
    assert.equal(ecpuOf(20, 3.2 * 1024 - 20), 3.2);
    assert.equal(ecpuOf(2048, 2048), 4);
  });

  it('sums commands, bytes and latencies by kind', () => {
    const c = emptyCounters();
    meter(c, 40, 4096, 'read', 100);
    meter(c, 1024, 5, 'write', 50);
    meter(c, 14, 7, 'other', 1);
    assert.equal(c.commands, 3);
    assert.equal(c.readCommands, 1);
    assert.equal(c.writeCommands, 1);
    assert.equal(c.ecpu, (40 + 4096) / 1024 + (1024 + 5) / 1024 + 1);
    assert.equal(c.readLatencyMicrosSum, 100);
    assert.equal(c.bytesIn + c.bytesOut, 40 + 4096 + 1024 + 5 + 14 + 7);
  });
});

describe('EcpuBucket', () => {
  it('lets commands run while positive, then asks them to wait for the refill', () => {
    let now = 0;
    const b = new EcpuBucket(1000, () => now);
    assert.equal(b.waitMs(), 0);
    b.charge(1500); // one second's worth plus 500
    assert.equal(b.waitMs(), 501);
    now = 400;
    assert.equal(b.waitMs(), 101);
    now = 600;
    assert.equal(b.waitMs(), 0);
    now = 60_000; // holds at most one second's worth
    b.charge(1001);
    assert.ok(b.waitMs() > 0);
  });
});

describe('EcpuBucket: the CPU part of ECPUs, charged as a drain', () => {
  it('a drain under the rate slows the refill: commands get the rest of the rate', () => {
    let now = 0;
    const b = new EcpuBucket(1000, () => now);
    b.setDrain(600, 60_000);
    b.charge(1400); // the full second's worth and 400 more
    assert.equal(b.waitMs(), 1001, '400 ECPUs at the 400 a second the drain leaves');
    now = 1000;
    assert.ok(b.waitMs() <= 1);
    now = 2000;
    b.charge(400);
    assert.ok(b.waitMs() > 0, 'after a second, the bucket held 400, not 1000');
  });

  it('a drain over the rate refuses while it lasts (a second\'s debt at most), and the bucket serves again after it', () => {
    let now = 0;
    const b = new EcpuBucket(1000, () => now);
    b.setDrain(3000, 10_000);
    now = 5000;
    const wait = b.waitMs();
    assert.equal(wait, 5000 + 1000 + 1, 'until the drain ends, then the second of debt');
    now = 10_000;
    assert.equal(b.waitMs(), 1001);
    now = 11_000;
    assert.ok(b.waitMs() <= 1);
  });

  it('a drain that ends (no new sample) charges nothing after its end; a new one replaces the old', () => {
    let now = 0;
    const b = new EcpuBucket(1000, () => now);
    b.setDrain(5000, 100);
    now = 100_000;
    assert.equal(b.waitMs(), 0);
    b.setDrain(2000, 200_000);
    b.setDrain(0, 200_000);
    now = 101_000;
    assert.equal(b.waitMs(), 0);
  });

  it('commands\' own charges are not floored: a debt from commands is paid at the rate left by the drain', () => {
    let now = 0;
    const b = new EcpuBucket(1000, () => now);
    b.setDrain(500, 100_000);
    b.charge(4000); // 3000 of debt
    assert.equal(b.waitMs(), 6001);
  });
});
