import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kbField, parseProcStat, procfsReader } from './procfs.js';

test('parseProcStat: utime + stime in seconds, whatever the command name holds', () => {
  const stat = '4242 (redis-server ) 1) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 4 0 12345 0 0';
  assert.equal(parseProcStat(stat), 3);
});

test('kbField reads kB lines in bytes', () => {
  assert.equal(kbField('MemTotal:  1000 kB\nMemAvailable:     512 kB\n', 'MemAvailable'), 512 * 1024);
  assert.equal(kbField('VmRSS: 1 kB\n', 'VmSwap'), undefined);
});

test('procfsReader reads this process and the host', async () => {
  const r = procfsReader();
  const p = await r.process(process.pid);
  assert.ok(p && p.cpuSeconds > 0);
  const h = await r.host();
  assert.ok(h.memTotalBytes > 0 && h.memAvailableBytes > 0 && h.cpuCount >= 1);
  assert.equal(await r.process(2 ** 30), undefined);
});
