import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCESS_KEY_ID, adminKey, ensureCredentials, generateAccessKey, loadCredentials, secretLookup } from './credentials.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-creds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('generated keys look like AWS long-term keys and differ every time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const k = generateAccessKey('admin');
    assert.match(k.accessKeyId, ACCESS_KEY_ID);
    assert.equal(k.accessKeyId.length, 20);
    assert.match(k.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    assert.ok(!seen.has(k.accessKeyId) && !seen.has(k.secretAccessKey));
    seen.add(k.accessKeyId).add(k.secretAccessKey);
  }
});

test('ensureCredentials creates one admin key, mode 0600, and loads it afterwards', (t) => {
  const file = join(tmp(t), 'credentials.json');
  const old = process.umask(0o022);
  let first;
  try {
    first = ensureCredentials(file, new Date('2026-11-23T10:00:00Z'));
  } finally {
    process.umask(old);
  }
  assert.equal(first.created, true);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const key = adminKey(first.credentials);
  assert.equal(key.name, 'admin');
  assert.equal(key.createdAt, '2026-11-23T10:00:00.000Z');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { version: 1, keys: [key] });

  const again = ensureCredentials(file);
  assert.equal(again.created, false);
  assert.deepEqual(adminKey(again.credentials), key);
  assert.deepEqual(loadCredentials(file), first.credentials);

  const lookup = secretLookup(again.credentials);
  assert.equal(lookup(key.accessKeyId), key.secretAccessKey);
  assert.equal(lookup('AKIAAAAAAAAAAAAAAAAA'), undefined);
  assert.equal(lookup(''), undefined);
});

test('a missing file is undefined; a malformed one is an error naming it', (t) => {
  const dir = tmp(t);
  assert.equal(loadCredentials(join(dir, 'none.json')), undefined);
  const bad = join(dir, 'bad.json');
  for (const text of ['{', '{}', '{"keys":[]}', '{"keys":[{"accessKeyId":"AKIA","secretAccessKey":""}]}']) {
    writeFileSync(bad, text);
    assert.throws(() => loadCredentials(bad), (e: Error) => e.message.includes(bad), text);
    assert.throws(() => ensureCredentials(bad), Error, 'never overwritten');
    assert.equal(readFileSync(bad, 'utf8'), text);
  }
});

test('keys added to the file by hand are accepted too', (t) => {
  const file = join(tmp(t), 'credentials.json');
  const { credentials } = ensureCredentials(file);
  const extra = generateAccessKey('ci');
  writeFileSync(file, JSON.stringify({ version: 1, keys: [...credentials.keys, extra] }));
  const lookup = secretLookup(loadCredentials(file)!);
  assert.equal(lookup(extra.accessKeyId), extra.secretAccessKey);
  assert.equal(lookup(adminKey(credentials).accessKeyId), adminKey(credentials).secretAccessKey);
});
