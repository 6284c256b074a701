#!/usr/bin/env node
// Builds the project and runs the test tiers with node's test runner.
//   node scripts/run-tests.mjs            # every tier: unit, integration, e2e
//   node scripts/run-tests.mjs unit e2e   # only these tiers
//   node scripts/run-tests.mjs test/e2e/x.test.ts   # one file (its compiled twin is run)
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

console.log(`node ${process.version}; building (tsc)…`);
// A clean build, so compiled tests of deleted or renamed files cannot linger and run. It is made
// beside dist/ and swapped in by renames: a service started from dist/ (npm start) keeps finding
// its files (it spawns the endpoint proxy from there) while tsc runs.
rmSync('dist.next', { recursive: true, force: true });
let typeErrors = false;
try {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--outDir', 'dist.next'], { stdio: 'inherit' });
} catch {
  typeErrors = true;
}
if (!existsSync('dist.next')) process.exit(1); // tsc itself failed: nothing was emitted
rmSync('dist.old', { recursive: true, force: true });
if (existsSync('dist')) renameSync('dist', 'dist.old');
renameSync('dist.next', 'dist');
rmSync('dist.old', { recursive: true, force: true });
if (typeErrors) {
  // tsc still emits JavaScript; a developer working on one module may run its tests meanwhile.
  if (process.env.CACHEFLEET_ALLOW_TYPE_ERRORS !== '1') process.exit(1);
  console.error('type errors above; running tests anyway (CACHEFLEET_ALLOW_TYPE_ERRORS=1)');
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

// The web console's own unit tests (console/src/*.test.ts, its pure modules) run with the unit tier.
const tiers = { unit: ['dist/src', 'dist/console/src'], integration: 'dist/test/integration', e2e: 'dist/test/e2e' };
const args = process.argv.slice(2);
let files = [];
if (args.length === 0) files = Object.values(tiers).flat().flatMap(findTests);
for (const a of args) {
  if (tiers[a]) files.push(...[tiers[a]].flat().flatMap(findTests));
  else files.push(join('dist', a.replace(/\.ts$/, '.js')));
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// The longest files start first (longest-first scheduling): started last, one of them would leave
// the other slot idle at the end of the run. Their order, from the slowest-files summary each run
// prints (a file not listed runs after these, in its usual order; a stale entry only costs time).
const SLOW_FIRST = [
  'e2e/cluster-mode', 'e2e/console', 'e2e/ec2-security-groups', 'e2e/serverless-scaling', 'integration/peer-redis-py',
  'e2e/serverless', 'e2e/tls-preferred', 'e2e/iam-auth', 'e2e/security-groups-enforce', 'e2e/tls-auth',
  'integration/snapshot-restore', 'e2e/console-create-pickers', 'e2e/backups-cluster-mode', 'e2e/backups-kill',
  'e2e/cloudwatch-sns', 'e2e/log-delivery', 'e2e/iam-cli-boto3', 'e2e/point-in-time', 'e2e/sigv4',
];
const rank = (f) => {
  const i = SLOW_FIRST.findIndex((s) => f.endsWith(`test/${s}.test.js`));
  return i < 0 ? SLOW_FIRST.length : i;
};
files = files.map((f, i) => [f, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([f]) => f);
// Two files at a time on a 2-core machine: e2e files start services and many redis-servers, and
// failover timing tests get flaky when the CPUs are oversubscribed.
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
console.log(`running ${files.length} test files (concurrency ${concurrency})`);
// No retry: a file that fails once has failed (a flaky test is a bug to fix, not to rerun).
// No --test-force-exit: with it, files' reports were cut short now and then (1,492 tests counted
// instead of 1,503, with no failure), so a failing test could go unseen. A file kept alive by a
// leaked handle is the test cleanup's to prevent (test/helpers/cleanup.ts); the whole run is bounded
// instead, so a hang ends in a failure after 25 minutes, not in a CI timeout.
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/slowest-files.mjs', '--test-reporter-destination=stdout', ...files],
  { stdio: 'inherit', timeout: 25 * 60_000, killSignal: 'SIGTERM' });
if (r.signal) console.error(`the test run did not end within 25 minutes (${r.signal}): a test file hangs`);
process.exit(r.status ?? 1);
