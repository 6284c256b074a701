import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runStoreConformance } from './conformance.js';
import { SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

runStoreConformance('SqliteStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-store-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'state.db'));
});
