/** The node's own transfer, without the engine: `redis-cli --rdb` into a file on tmpfs (removed after). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Endpoint } from './backups-data.js';
import { now } from './stats.js';

/** Time taken, ms. */
export async function cliRdb(ep: Endpoint): Promise<number> {
  // tmpfs where there is one: the disk is not what is measured.
  const file = join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), `cachefleet-bench-${process.pid}.rdb`);
  const t0 = now();
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('redis-cli', ['-h', ep.host, '-p', String(ep.port), '--rdb', file], { timeout: 300_000 }, (err) => (err ? reject(err) : resolve()));
    });
    return now() - t0;
  } finally {
    await rm(file, { force: true });
  }
}
