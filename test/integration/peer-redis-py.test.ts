/**
 * A peer's test suite through the serverless endpoint (issue 14): redis-py's own cluster-mode
 * tests (test_cluster.py, test_function.py and test_scripting.py of v4.3.4, vendored under
 * test/peer/redis-py) run by pytest with
 * the endpoint as their server, over TLS with the endpoint's CA. The endpoint fronts a real
 * 3-shard Redis Cluster; redis-py sees one node owning every slot and its reader endpoint.
 *
 * It asserts that at least PASS_FLOOR tests pass (the count measured when the list was made) and
 * that every failure is explained in test/peer/redis-py/EXPECTED.md; an explained failure that
 * now passes must leave the list, so it stays true. The results are in docs/PEER-SUITE.md.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { useCleanup } from '../helpers/cleanup.js';
import { readExpected, readJunit } from '../helpers/peer-suite.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { serverlessFixture, startEngine, type ServerlessFixture } from '../helpers/serverless-proxy.js';

/** From dist/test/integration to the sources' test/peer/redis-py. */
const SUITE = fileURLToPath(new URL('../../../test/peer/redis-py/', import.meta.url));
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-redis 4.3.4 and python3-pytest
/** The files run: redis-py's cluster tests, and the scripting and function tests (run on every shard). */
const FILES = ['tests/test_cluster.py', 'tests/test_function.py', 'tests/test_scripting.py'];
/** Measured: 192 of the 221 selected tests pass through the endpoint (see EXPECTED.md). */
const PASS_FLOOR = 192;
/** pytest's whole run takes 30-50 s on 2 cores; a hung test must not hang the suite. */
const PYTEST_TIMEOUT_MS = 150_000;

function missingPrerequisite(): string | false {
  if (!existsSync(PYTHON)) return `${PYTHON} (Debian's python3)`;
  try {
    const v = execFileSync(PYTHON, ['-c', 'import redis, pytest; print(redis.__version__)'], { encoding: 'utf8' }).trim();
    // The vendored tests are redis-py 4.3.4's: another client version would fail them for its own reasons.
    if (!v.startsWith('4.3.')) return `redis-py 4.3.x for ${PYTHON} (found ${v}; Debian bookworm's python3-redis is 4.3.4)`;
  } catch {
    return `python3-redis and python3-pytest for ${PYTHON} (scripts/setup.sh --test installs them)`;
  }
  return false;
}

const skip = requireOrSkip(missingPrerequisite());
const cleanup = useCleanup();
let f: ServerlessFixture;

interface Run {
  code: number | null;
  out: string;
  timedOut: boolean;
}

function pytest(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, ['-m', 'pytest', ...args], {
      cwd, timeout: PYTEST_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024,
      // No .pyc files or .pytest_cache left in the source tree.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out: `${stdout}${stderr}`, timedOut: Boolean(e?.killed) });
    });
  });
}

describe("redis-py's cluster tests through the serverless endpoint", { skip, timeout: 240_000 }, () => {
  before(async () => {
    f = await serverlessFixture(cleanup, { shards: 3, replicas: 1, workers: 2 });
    await startEngine(cleanup, f);
  });

  it(`passes at least ${PASS_FLOOR} of its cluster-mode tests, and fails only as EXPECTED.md explains`, async () => {
    const dir = await cleanup.tmpDir('cachefleet-peer-redis-py-');
    const report = join(dir, 'report.xml');
    const url = `rediss://${f.host}:${f.port}/0?ssl_ca_certs=${encodeURIComponent(f.caFile)}`;
    const t0 = Date.now();
    const run = await pytest([
      ...FILES,
      // What redis-py's own cluster job selects (tox.ini, testenv cluster).
      '-m', 'not onlynoncluster and not redismod',
      `--redis-url=${url}`,
      // The endpoint and its reader endpoint: the two nodes redis-py's conftest waits for.
      '--redis-cluster-nodes=2',
      `--junitxml=${report}`,
      '-p', 'no:cacheprovider', '-q', '-rN', '--tb=line',
    ], SUITE);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    assert.ok(!run.timedOut, `pytest did not finish in ${PYTEST_TIMEOUT_MS / 1000} s:\n${run.out.slice(-4000)}`);
    // 0: all passed, 1: some failed; anything else (usage error, interrupted, no tests) is not a run.
    assert.ok(run.code === 0 || run.code === 1, `pytest exited with ${run.code}:\n${run.out.slice(-4000)}`);
    assert.ok(existsSync(report), `no JUnit report:\n${run.out.slice(-4000)}`);

    const outcomes = readJunit(report);
    const expected = readExpected(join(SUITE, 'EXPECTED.md'));
    // A test failing in its call and erroring in teardown has two entries: count tests, not entries.
    const failed = new Map(outcomes.filter((o) => o.outcome === 'failed').map((o) => [o.id, o.message]));
    const passed = new Set(outcomes.filter((o) => o.outcome === 'passed' && !failed.has(o.id)).map((o) => o.id));
    const skipped = new Set(outcomes.filter((o) => o.outcome === 'skipped').map((o) => o.id));
    const unexplained = [...failed].filter(([id]) => !expected.has(id));
    const nowPassing = [...passed].filter((id) => expected.has(id));
    console.log(`redis-py ${FILES.join(' ')} through the endpoint: ${passed.size} passed, ${failed.size} failed, ` +
      `${skipped.size} skipped, in ${seconds} s`);

    assert.deepEqual(unexplained.map(([id, message]) => `${id}: ${message}`), [], 'failures not explained in test/peer/redis-py/EXPECTED.md');
    assert.deepEqual(nowPassing, [], 'listed in EXPECTED.md but passing now: take them off the list');
    assert.ok(passed.size >= PASS_FLOOR, `${passed.size} passed, fewer than the ${PASS_FLOOR} measured`);
  });
});
