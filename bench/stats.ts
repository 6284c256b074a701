/** Small statistics and formatting helpers for the benchmark. */
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function max(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => (b > a ? b : a), -Infinity) : NaN;
}

export interface Summary { n: number; p50: number; p95: number; p99: number; max: number }

export function summarize(values: readonly number[]): Summary {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: max(values) };
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const now = (): number => performance.now();

export const ms = (v: number, digits = 1): string => `${v.toFixed(digits)} ms`;
export const sec = (vMs: number): string => `${(vMs / 1000).toFixed(2)} s`;
export const rps = (v: number): string => `${Math.round(v).toLocaleString('en-US')}`;
export const ratio = (v: number): string => v.toFixed(2);

/** A progress line on stderr (the results go to stdout). */
export function progress(msg: string): void {
  process.stderr.write(`  … ${msg}\n`);
}

/** One row of the final table. */
export interface Row {
  measure: string;
  value: string;
  goal: string;
  /** undefined: informational, no goal. */
  ok?: boolean;
}

/** Renders rows as a Markdown table (readable in a terminal and pastable into docs). */
export function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.measure, r.value, r.goal, r.ok === undefined ? '' : r.ok ? 'yes' : 'NO']);
  const head = ['measure', 'value', 'goal', 'ok?'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(width[i]!)).join(' | ')} |`;
  return [line(head), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
