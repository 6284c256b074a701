/**
 * Tests that need what a developer's machine may lack (root, nftables, a Python module) skip
 * without it. Under CI (`CI` set) nothing may be missing: setup.sh --test installs it all, and a
 * quiet skip would let a green run prove nothing, so these fail instead, naming what is missing.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

const inCI = (): boolean => Boolean(process.env.CI);
const reported = new Set<string>();

function failureMessage(missing: string): string {
  return `${missing}: under CI (CI is set) every test must run; install what is missing (scripts/setup.sh --test, as root)`;
}

/**
 * The `skip` option of a test or suite that needs something: false when `missing` is not given;
 * otherwise the reason to skip, and under CI also a failing test naming what is missing (once a file).
 */
export function requireOrSkip(missing: string | false | undefined): string | false {
  if (!missing) return false;
  if (inCI() && !reported.has(missing)) {
    reported.add(missing);
    test(`prerequisite: ${missing}`, () => assert.fail(failureMessage(missing)));
  }
  return missing;
}

/** Fails under CI, for a test about to leave out part of what it checks for want of `missing`. */
export function requireInCI(missing: string): void {
  if (inCI()) assert.fail(failureMessage(missing));
}

/** Inside a running test: skips the rest of it for want of `missing`, or under CI fails it. */
export function skipOrFail(t: TestContext, missing: string): void {
  requireInCI(missing);
  t.skip(missing);
}
