// A node test reporter that prints, once every file has run, the test files that took longest
// (the sum of their top-level tests' and suites' durations), so the suite's time budget can be
// watched and spent where it matters. Used by run-tests.mjs beside the spec reporter.
import { relative } from 'node:path';

export default async function* slowestFiles(source) {
  const byFile = new Map();
  for await (const ev of source) {
    if ((ev.type === 'test:pass' || ev.type === 'test:fail') && ev.data.nesting === 0 && ev.data.file) {
      byFile.set(ev.data.file, (byFile.get(ev.data.file) ?? 0) + (ev.data.details?.duration_ms ?? 0));
    }
  }
  const rows = [...byFile].sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return;
  const total = rows.reduce((s, [, ms]) => s + ms, 0);
  yield `\nslowest test files (time in their tests; ${rows.length} files, ${(total / 1000).toFixed(0)} s in all):\n`;
  for (const [file, ms] of rows.slice(0, 15)) yield `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${relative(process.cwd(), file)}\n`;
}
