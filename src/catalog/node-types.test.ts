import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../errors/index.js';
import { NODE_TYPES, getNodeType, requireNodeType } from './node-types.js';

test('documented figures for well-known node types', () => {
  const r6g = getNodeType('cache.r6g.large');
  assert.ok(r6g);
  assert.equal(r6g.family, 'r6g');
  assert.equal(r6g.vcpus, 2);
  assert.equal(r6g.memoryGiB, 13.07);
  assert.equal(r6g.maxmemoryBytes, 14037181030);
  assert.equal(r6g.replicaOutputBufferLimitBytes, 1403718103);

  const t3 = getNodeType('cache.t3.micro')!;
  assert.equal(t3.maxmemoryBytes, 536870912); // 0.5 GiB exactly
  assert.equal(t3.maxClients, 20000);
  assert.equal(getNodeType('cache.m5.large')!.maxmemoryBytes, 6854542746);
  assert.equal(getNodeType('cache.r6gd.xlarge')!.maxmemoryBytes, 28261849702);
  assert.equal(getNodeType('cache.m3.large')!.previousGeneration, true);
  assert.equal(getNodeType('cache.r7g.16xlarge')!.vcpus, 64);
});

test('covers the families the service offers', () => {
  const families = new Set(NODE_TYPES.map((t) => t.family));
  for (const f of ['t2', 't3', 't4g', 'm3', 'm4', 'm5', 'm6g', 'm7g', 'r3', 'r4', 'r5', 'r6g', 'r6gd', 'r7g']) {
    assert.ok(families.has(f), `family ${f}`);
  }
  for (const size of ['micro', 'small', 'medium']) {
    for (const f of ['t2', 't3', 't4g']) assert.ok(getNodeType(`cache.${f}.${size}`), `cache.${f}.${size}`);
  }
});

test('table is consistent', () => {
  const names = new Set<string>();
  for (const t of NODE_TYPES) {
    assert.match(t.name, /^cache\.[a-z0-9]+\.[a-z0-9]+$/);
    assert.ok(!names.has(t.name), `duplicate ${t.name}`);
    names.add(t.name);
    assert.equal(t.name.split('.')[1], t.family);
    assert.ok(Number.isSafeInteger(t.maxmemoryBytes) && t.maxmemoryBytes > 0, t.name);
    assert.ok(t.vcpus >= 1 && t.memoryGiB > 0, t.name);
    // maxmemory is close to the documented memory (within 25%: GiB vs GB, reserved OS share).
    const ratio = t.maxmemoryBytes / (t.memoryGiB * 2 ** 30);
    assert.ok(ratio > 0.75 && ratio < 1.25, `${t.name} maxmemory/memory ratio ${ratio}`);
    // The replica output buffer limit is a tenth of maxmemory.
    assert.ok(Math.abs(t.replicaOutputBufferLimitBytes - t.maxmemoryBytes / 10) <= 1, t.name);
    assert.ok(Object.isFrozen(t));
  }
  assert.ok(Object.isFrozen(NODE_TYPES));
});

test('requireNodeType returns known types and rejects others as InvalidParameterValue', () => {
  assert.equal(requireNodeType('cache.t4g.small').name, 'cache.t4g.small');
  assert.throws(
    () => requireNodeType('cache.foo.bar'),
    (e: unknown) =>
      e instanceof AwsError && e.code === 'InvalidParameterValue' && e.httpStatus === 400 &&
      e.message === 'Invalid CacheNodeType: cache.foo.bar',
  );
  assert.throws(() => requireNodeType(''), /CacheNodeType must be provided/);
  assert.throws(() => requireNodeType(undefined), /CacheNodeType must be provided/);
  assert.equal(getNodeType('cache.foo.bar'), undefined);
});
