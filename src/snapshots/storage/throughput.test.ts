import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileKeyStore } from '../keys/file-key-store.js';
import { formatThroughput, measureFramingThroughput } from './throughput.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-throughput-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Not a timing test: the measure runs every mode end to end and accounts for every byte.
describe('measureFramingThroughput', () => {
  it('frames and unframes a file in every mode, and cleans up after itself', async () => {
    const rdbFile = join(dir, 'dump.rdb');
    const text = Buffer.from('key:value;'.repeat(100_000));
    writeFileSync(rdbFile, Buffer.concat([Buffer.from('REDIS0011'), text, randomBytes(1_000_000)]));
    const keys = new FileKeyStore(join(dir, 'keys'), { region: 'us-east-1', accountId: '123456789012' });
    const workDir = join(dir, 'work');
    mkdirSync(workDir);
    const rows = await measureFramingThroughput({ rdbFile, keys, key: await keys.defaultKey(), workDir });
    assert.deepEqual(rows.map((r) => r.mode), ['plain', 'zstd', 'encrypted', 'zstd+encrypted']);
    const byMode = new Map(rows.map((r) => [r.mode, r]));
    assert.equal(byMode.get('plain')!.fileBytes, 2_000_009);
    assert.ok(byMode.get('zstd')!.fileBytes < 1_100_000, 'the text compresses, the random part does not');
    assert.ok(byMode.get('encrypted')!.fileBytes > 2_000_009, 'headers and tags');
    assert.ok(rows.every((r) => r.rdbBytes === 2_000_009 && r.encodeMBps > 0 && r.decodeMBps > 0));
    assert.deepEqual(readdirSync(workDir), [], 'framed files removed');
    assert.match(formatThroughput(rows), /^zstd\+encrypted +0\.\d{3}/m);
  });
});
