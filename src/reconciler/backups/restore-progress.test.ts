import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../../util/logger.js';
import { restoreProgressLog } from './restore-progress.js';

function recorder(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: (_o, msg) => { lines.push(String(msg)); },
    warn: () => undefined,
    error: () => undefined,
    child: () => log,
  };
  return { log, lines };
}

describe('restoreProgressLog', () => {
  it('says the data is loaded, then the keys moved at most every 2 s, and always the last batch', () => {
    const { log, lines } = recorder();
    let t = 0;
    const tell = restoreProgressLog(log, { what: "replication group 'back'", shards: 3, now: () => t });
    const bytes = 1_030_000_000;
    tell({ keys: 0, totalKeys: 1_000_000, bytes });
    for (let k = 1000; k <= 1_000_000; k += 1000) {
      t += 10; // a batch every 10 ms: 10 s in all
      tell({ keys: k, totalKeys: 1_000_000, bytes });
    }
    assert.equal(lines[0], "restore into replication group 'back': 1,000,000 keys loaded from 1.03 GB of RDB, moving them into 3 shards");
    assert.equal(lines[1], "restore into replication group 'back': 200,000 of 1,000,000 keys moved (20 %)");
    assert.equal(lines.at(-1), "restore into replication group 'back': 1,000,000 of 1,000,000 keys moved (100 %)");
    assert.equal(lines.length, 6, lines.join('\n'));
  });

  it('a primary that loaded the data itself: one line', () => {
    const { log, lines } = recorder();
    const tell = restoreProgressLog(log, { what: "cache cluster 'one'", shards: 1, now: () => 0 });
    tell({ keys: 52, totalKeys: 52, bytes: 4096 });
    assert.deepEqual(lines, ["restore into cache cluster 'one': 52 keys loaded from 4.1 kB of RDB by the primary itself"]);
  });

  it('each shard\'s primary restarted on its own file: one line', () => {
    const { log, lines } = recorder();
    const tell = restoreProgressLog(log, { what: "replication group 'same'", shards: 3, now: () => 0 });
    tell({ keys: 999_999, totalKeys: 999_999, bytes: 1.03e9 });
    assert.deepEqual(lines, ["restore into replication group 'same': 999,999 keys loaded from 1.03 GB of RDB by each shard's primary from its own file"]);
  });

  it('an empty snapshot: nothing to move, and no percentage of nothing', () => {
    const { log, lines } = recorder();
    const tell = restoreProgressLog(log, { what: "replication group 'e'", shards: 2, now: () => 0 });
    tell({ keys: 0, totalKeys: 0, bytes: 90 });
    assert.deepEqual(lines, ["restore into replication group 'e': 0 keys loaded from 90 bytes of RDB, nothing to move"]);
  });
});
