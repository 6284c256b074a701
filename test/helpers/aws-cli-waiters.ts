/**
 * The aws CLI's ElastiCache waiters (`aws elasticache wait replication-group-available` …) poll
 * every 15 s, botocore's delay for them. A test that runs one against a group available in 3 s
 * waits 15 s. boto3 and the JS SDK take a delay per call (WaiterConfig, minDelay); the CLI takes
 * none, but reads botocore's data from AWS_DATA_PATH first. This writes the installed botocore's
 * own ElastiCache waiters there with a 1 s delay (and as many more attempts), so the CLI runs the
 * same acceptors against the service, only more often.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cleanup } from './cleanup.js';

const VERSION = '2015-02-02';
let source: Promise<string | undefined> | undefined;

/** botocore's ElastiCache waiters-2.json, from the python the aws CLI runs on; undefined when not found. */
function botocoreWaiters(): Promise<string | undefined> {
  source ??= promisify(execFile)('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], { timeout: 20_000 })
    .then(({ stdout }) => readFile(join(stdout.trim(), 'data', 'elasticache', VERSION, 'waiters-2.json'), 'utf8'))
    .catch(() => undefined);
  return source;
}

/** `{ AWS_DATA_PATH }` for the CLI's environment, or nothing (the CLI keeps its 15 s delay). */
export async function fastCliWaiters(cleanup: Cleanup): Promise<NodeJS.ProcessEnv> {
  const text = await botocoreWaiters();
  if (!text) return {};
  const doc = JSON.parse(text) as { version: number; waiters: Record<string, { delay: number; maxAttempts: number }> };
  for (const w of Object.values(doc.waiters)) {
    w.maxAttempts *= w.delay;
    w.delay = 1;
  }
  const dir = await cleanup.tmpDir('cachefleet-aws-data-');
  await mkdir(join(dir, 'elasticache', VERSION), { recursive: true });
  await writeFile(join(dir, 'elasticache', VERSION, 'waiters-2.json'), JSON.stringify(doc));
  return { AWS_DATA_PATH: dir };
}
