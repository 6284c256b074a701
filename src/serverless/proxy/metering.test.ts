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
