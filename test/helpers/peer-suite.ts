/**
 * A peer client's own test suite run against an endpoint: its JUnit XML report read into
 * outcomes, and the explained list of expected failures (a Markdown file kept beside the
 * vendored tests) read into test ids.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

export interface Outcome {
  /** `test_file.py::Class::test_name` (pytest's node id without the folder). */
  id: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** The first failure's or error's message, for the report. */
  message?: string;
}

type Attrs = Record<string, string | undefined>;
type Case = Attrs & { failure?: Attrs | Attrs[]; error?: Attrs | Attrs[]; skipped?: Attrs | Attrs[] };

const first = (x: Attrs | Attrs[] | undefined): Attrs | undefined => (Array.isArray(x) ? x[0] : x);

/** The test cases of a pytest `--junitxml` report. A setup or teardown error counts as a failure. */
export function readJunit(path: string): Outcome[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => name === 'testcase' || name === 'testsuite' });
  const doc = parser.parse(readFileSync(path, 'utf8')) as { testsuites?: { testsuite?: { testcase?: Case[] }[] }; testsuite?: { testcase?: Case[] }[] };
  const suites = doc.testsuites?.testsuite ?? doc.testsuite ?? [];
  return suites.flatMap((s) => s.testcase ?? []).map((c) => {
    // classname `tests.test_cluster.TestRedisClusterObj` → `test_cluster.py::TestRedisClusterObj::name`.
    const parts = (c.classname ?? '').split('.');
    const mod = parts.findIndex((x) => x.startsWith('test_'));
    const id = [`${parts[mod] ?? parts[0]}.py`, ...parts.slice(mod + 1), c.name].join('::');
    const bad = first(c.failure) ?? first(c.error);
    if (bad) return { id, outcome: 'failed' as const, message: bad.message ?? '' };
    if (c.skipped !== undefined) return { id, outcome: 'skipped' as const };
    return { id, outcome: 'passed' as const };
  });
}

/** The ids listed as `- \`test_file.py::Class::test_name\` …` lines of an expected-failures file. */
export function readExpected(path: string): Set<string> {
  const ids = new Set<string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^- `([^`]+::[^`]+)`/.exec(line);
    if (m) ids.add(m[1]!);
  }
  return ids;
}
