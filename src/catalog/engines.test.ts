import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsError } from '../errors/index.js';
import {
  detectEngines,
  familyForVersion,
  parseRedisServerVersion,
  resolveEngine,
  type InstalledEngine,
} from './engines.js';

function engine(version: string, binary = `/opt/redis-${version}/bin/redis-server`): InstalledEngine {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return { version, major, minor, patch, binary, family: familyForVersion(version) };
}

test('parseRedisServerVersion', () => {
  assert.deepEqual(
    parseRedisServerVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0\n'),
    { version: '7.0.15', major: 7, minor: 0, patch: 15 },
  );
  assert.equal(parseRedisServerVersion('something else'), undefined);
});

test('familyForVersion', () => {
  assert.equal(familyForVersion('7.0'), 'redis7');
  assert.equal(familyForVersion('7.1'), 'redis7');
  assert.equal(familyForVersion('7.0.15'), 'redis7');
  assert.equal(familyForVersion('6.2'), 'redis6.x');
  assert.equal(familyForVersion('6.x'), 'redis6.x');
  assert.equal(familyForVersion('5.0.6'), 'redis5.0');
  assert.equal(familyForVersion('4.0.10'), 'redis4.0');
  assert.equal(familyForVersion('3.2.4'), 'redis3.2');
  assert.equal(familyForVersion('2.8.24'), 'redis2.8');
  assert.equal(familyForVersion('2.6.13'), 'redis2.6');
  assert.throws(() => familyForVersion('banana'), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterValue');
  assert.throws(() => familyForVersion('9.0'), /Invalid engine version: 9.0/);
});

test('resolveEngine picks by major, preferring the minor asked for', () => {
  const installed = [engine('6.2.14'), engine('7.0.15'), engine('7.2.4'), engine('7.0.7')];
  assert.equal(resolveEngine(undefined, installed).version, '7.2.4');
  assert.equal(resolveEngine('', installed).version, '7.2.4');
  assert.equal(resolveEngine('7.0', installed).version, '7.0.15');
  assert.equal(resolveEngine('7.0.7', installed).version, '7.0.7');
  assert.equal(resolveEngine('7.0.9', installed).version, '7.0.15');
  assert.equal(resolveEngine('7.1', installed).version, '7.2.4');
  assert.equal(resolveEngine('7.x', installed).version, '7.2.4');
  assert.equal(resolveEngine('7', installed).version, '7.2.4');
  assert.equal(resolveEngine('6.x', installed).version, '6.2.14');
  assert.equal(resolveEngine('6.0', installed).version, '6.2.14');
});

test('resolveEngine: ElastiCache 7.1 is served by an installed 7.0', () => {
  const installed = [engine('7.0.15', '/usr/bin/redis-server')];
  assert.equal(resolveEngine('7.1', installed).binary, '/usr/bin/redis-server');
});

test('resolveEngine rejects what is not installed, naming what is', () => {
  const installed = [engine('7.0.15')];
  assert.throws(
    () => resolveEngine('6.2', installed),
    (e: unknown) =>
      e instanceof AwsError && e.code === 'InvalidParameterValue' &&
      e.message === 'Engine version 6.2 is not available on this host; installed: redis 7.0.15 (family redis7)',
  );
  assert.throws(() => resolveEngine('seven', installed), /Invalid engine version: seven/);
  assert.throws(() => resolveEngine(undefined, []), /No redis-server engine is installed/);
});

test('detectEngines finds the redis-server on PATH', async () => {
  const engines = await detectEngines();
  assert.ok(engines.length >= 1, 'a redis-server is installed');
  const e = engines[0]!;
  assert.match(e.version, /^\d+\.\d+\.\d+$/);
  assert.equal(e.family, familyForVersion(e.version));
  assert.match(e.binary, /redis-server$/);
});

test('detectEngines adds extra binaries, skips broken ones, lists a file once, newest first', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cachefleet-engines-'));
  try {
    const fake = join(dir, 'redis-server-fake');
    await writeFile(fake, '#!/bin/sh\necho "Redis server v=7.9.1 sha=00000000:0 malloc=libc bits=64 build=0"\n');
    await chmod(fake, 0o755);
    const broken = join(dir, 'redis-server-broken');
    await writeFile(broken, '#!/bin/sh\nexit 3\n');
    await chmod(broken, 0o755);
    const engines = await detectEngines([fake, fake, broken, join(dir, 'missing')]);
    const fakes = engines.filter((e) => e.binary === fake);
    assert.equal(fakes.length, 1);
    assert.equal(engines[0]!.version, '7.9.1');
    assert.equal(engines[0]!.family, 'redis7');
    assert.equal(engines.some((e) => e.binary === broken), false);
    for (let i = 1; i < engines.length; i++) {
      const [a, b] = [engines[i - 1]!, engines[i]!];
      assert.ok(a.major > b.major || (a.major === b.major && (a.minor > b.minor || (a.minor === b.minor && a.patch >= b.patch))));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
