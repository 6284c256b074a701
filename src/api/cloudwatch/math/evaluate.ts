// Evaluates parsed metric math over the time series of a GetMetricData call, as CloudWatch does for
// the functions served: arithmetic and comparisons between series (on the timestamps both have) and
// scalars; SUM/AVG/MIN/MAX of an array of series (per timestamp) or of one series (a scalar);
// METRICS() (every MetricStat series); RATE; DIFF; ABS; FILL(x, value | REPEAT | LINEAR); IF(c, a[, b]).
// Anything else (SEARCH, ANOMALY_DETECTION_BAND, INSIGHT_RULE_METRIC, PERIOD, …) is refused by name.
import { ExpressionError, type Expr } from './parse.js';

/** A series as GetMetricData returns it, ascending by time. */
export interface Series {
  label: string;
  timestamps: number[];
  values: number[];
}

export type MathValue = { kind: 'scalar'; value: number } | { kind: 'series'; series: Series } | { kind: 'array'; items: Series[] };

export interface MathContext {
  /** The series (or result) of the query with this id; throws for an unknown one. */
  lookup(id: string): MathValue;
  /** Every MetricStat series of the call, for METRICS(). */
  metrics(): Series[];
  /** The period grid of the call (every period start in the range), for FILL. */
  grid: number[];
  periodS: number;
}

export const SUPPORTED_FUNCTIONS = ['SUM', 'AVG', 'MIN', 'MAX', 'METRICS', 'RATE', 'DIFF', 'ABS', 'FILL', 'IF'] as const;

export function evaluate(e: Expr, cx: MathContext): MathValue {
  switch (e.kind) {
    case 'number': return { kind: 'scalar', value: e.value };
    case 'string': throw new ExpressionError('a string is only allowed as the argument of METRICS()');
    case 'id': return cx.lookup(e.name);
    case 'array': return { kind: 'array', items: e.items.flatMap((i) => asSeriesList(evaluate(i, cx))) };
    case 'unary': return map1(evaluate(e.arg, cx), (v) => -v);
    case 'binary': return combine(evaluate(e.left, cx), evaluate(e.right, cx), binaryFn(e.op));
    case 'call': return call(e.fn, e.args, cx);
  }
}

function binaryFn(op: string): (a: number, b: number) => number {
  switch (op) {
    case '+': return (a, b) => a + b;
    case '-': return (a, b) => a - b;
    case '*': return (a, b) => a * b;
    case '/': return (a, b) => a / b;
    case '^': return (a, b) => a ** b;
    case '>': return (a, b) => Number(a > b);
    case '<': return (a, b) => Number(a < b);
    case '>=': return (a, b) => Number(a >= b);
    case '<=': return (a, b) => Number(a <= b);
    case '==': return (a, b) => Number(a === b);
    case '!=': return (a, b) => Number(a !== b);
    case '&&': return (a, b) => Number(a !== 0 && b !== 0);
    case '||': return (a, b) => Number(a !== 0 || b !== 0);
  }
  throw new ExpressionError(`unknown operator ${op}`);
}

function asSeriesList(v: MathValue): Series[] {
  if (v.kind === 'array') return v.items;
  if (v.kind === 'series') return [v.series];
  throw new ExpressionError('an array may hold only time series');
}

function map1(v: MathValue, f: (x: number) => number): MathValue {
  if (v.kind === 'scalar') return { kind: 'scalar', value: f(v.value) };
  const m = (s: Series): Series => ({ ...s, values: s.values.map(f) });
  return v.kind === 'series' ? { kind: 'series', series: m(v.series) } : { kind: 'array', items: v.items.map(m) };
}

/** Two series joined on the timestamps both have (CloudWatch drops the points only one has). */
function join(a: Series, b: Series, f: (x: number, y: number) => number): Series {
  const other = new Map(b.timestamps.map((t, i) => [t, b.values[i]!]));
  const ts: number[] = []; const vs: number[] = [];
  a.timestamps.forEach((t, i) => {
    const y = other.get(t);
    if (y !== undefined) { ts.push(t); vs.push(f(a.values[i]!, y)); }
  });
  return { label: a.label, timestamps: ts, values: vs };
}

function combine(a: MathValue, b: MathValue, f: (x: number, y: number) => number): MathValue {
  if (a.kind === 'scalar' && b.kind === 'scalar') return { kind: 'scalar', value: f(a.value, b.value) };
  if (a.kind === 'scalar') return map1(b, (y) => f(a.value, y));
  if (b.kind === 'scalar') return map1(a, (x) => f(x, b.value));
  if (a.kind === 'series' && b.kind === 'series') return { kind: 'series', series: join(a.series, b.series, f) };
  if (a.kind === 'array' && b.kind === 'series') return { kind: 'array', items: a.items.map((s) => join(s, b.series, f)) };
  if (a.kind === 'series' && b.kind === 'array') return { kind: 'array', items: b.items.map((s) => join(a.series, s, f)) };
  throw new ExpressionError('arithmetic between two arrays of time series is not supported');
}

const reducers: Record<string, (xs: number[]) => number> = {
  SUM: (xs) => xs.reduce((a, b) => a + b, 0),
  AVG: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  MIN: (xs) => Math.min(...xs),
  MAX: (xs) => Math.max(...xs),
};

function call(fn: string, args: Expr[], cx: MathContext): MathValue {
  const arity = (n: number, m = n) => { if (args.length < n || args.length > m) throw new ExpressionError(`${fn} takes ${n === m ? n : `${n} to ${m}`} argument(s)`); };
  switch (fn) {
    case 'METRICS': {
      arity(0, 1);
      const filter = args[0]?.kind === 'string' ? args[0].value : undefined;
      if (args[0] && !filter && args[0].kind !== 'string') throw new ExpressionError('METRICS takes a string');
      return { kind: 'array', items: cx.metrics().filter((s) => filter === undefined || s.label.includes(filter)) };
    }
    case 'SUM': case 'AVG': case 'MIN': case 'MAX': {
      arity(1);
      const v = evaluate(args[0]!, cx);
      const r = reducers[fn]!;
      if (v.kind === 'scalar') return v;
      if (v.kind === 'series') return { kind: 'scalar', value: v.series.values.length ? r(v.series.values) : NaN };
      // Per timestamp, over the series that have a point there.
      const byT = new Map<number, number[]>();
      for (const s of v.items) s.timestamps.forEach((t, i) => { const l = byT.get(t) ?? []; l.push(s.values[i]!); byT.set(t, l); });
      const ts = [...byT.keys()].sort((a, b) => a - b);
      return { kind: 'series', series: { label: fn, timestamps: ts, values: ts.map((t) => r(byT.get(t)!)) } };
    }
    case 'ABS': arity(1); return map1(evaluate(args[0]!, cx), Math.abs);
    case 'RATE': case 'DIFF': {
      arity(1);
      return perSeries(evaluate(args[0]!, cx), fn, (s) => {
        const ts: number[] = []; const vs: number[] = [];
        for (let i = 1; i < s.timestamps.length; i++) {
          const dv = s.values[i]! - s.values[i - 1]!;
          ts.push(s.timestamps[i]!);
          vs.push(fn === 'DIFF' ? dv : dv / ((s.timestamps[i]! - s.timestamps[i - 1]!) / 1000));
        }
        return { label: s.label, timestamps: ts, values: vs };
      });
    }
    case 'FILL': {
      arity(2);
      const how = args[1]!;
      const mode = how.kind === 'id' && /^(REPEAT|LINEAR)$/i.test(how.name) ? how.name.toUpperCase() : undefined;
      const fillValue = mode ? undefined : evaluate(how, cx);
      if (fillValue && fillValue.kind !== 'scalar') throw new ExpressionError('FILL fills with a number, REPEAT or LINEAR');
      return perSeries(evaluate(args[0]!, cx), fn, (s) => fill(s, cx.grid, mode, fillValue?.kind === 'scalar' ? fillValue.value : 0));
    }
    case 'IF': {
      arity(2, 3);
      const cond = evaluate(args[0]!, cx);
      if (cond.kind !== 'series') throw new ExpressionError('the condition of IF must be a time series');
      const a = evaluate(args[1]!, cx);
      const b = args[2] ? evaluate(args[2], cx) : undefined;
      const at = (v: MathValue | undefined, t: number): number | undefined => {
        if (!v) return undefined;
        if (v.kind === 'scalar') return v.value;
        if (v.kind === 'series') { const i = v.series.timestamps.indexOf(t); return i === -1 ? undefined : v.series.values[i]; }
        throw new ExpressionError('IF takes scalars or time series');
      };
      const ts: number[] = []; const vs: number[] = [];
      cond.series.timestamps.forEach((t, i) => {
        const v = cond.series.values[i] !== 0 ? at(a, t) : at(b, t);
        if (v !== undefined) { ts.push(t); vs.push(v); }
      });
      return { kind: 'series', series: { label: 'IF', timestamps: ts, values: vs } };
    }
    default:
      throw new ExpressionError(`the function ${fn} is not supported by cachefleet (supported: ${SUPPORTED_FUNCTIONS.join(', ')})`);
  }
}

function perSeries(v: MathValue, fn: string, f: (s: Series) => Series): MathValue {
  if (v.kind === 'series') return { kind: 'series', series: f(v.series) };
  if (v.kind === 'array') return { kind: 'array', items: v.items.map(f) };
  throw new ExpressionError(`${fn} takes a time series`);
}

function fill(s: Series, grid: number[], mode: string | undefined, value: number): Series {
  const have = new Map(s.timestamps.map((t, i) => [t, s.values[i]!]));
  const values = grid.map((t) => have.get(t));
  const out = values.map((v, i) => {
    if (v !== undefined) return v;
    if (mode === undefined) return value;
    let prev = i - 1; while (prev >= 0 && values[prev] === undefined) prev--;
    let next = i + 1; while (next < values.length && values[next] === undefined) next++;
    const pv = prev >= 0 ? values[prev] : undefined;
    const nv = next < values.length ? values[next] : undefined;
    if (mode === 'REPEAT') return pv ?? nv ?? NaN;
    if (pv === undefined || nv === undefined) return pv ?? nv ?? NaN;
    return pv + ((nv - pv) * (i - prev)) / (next - prev);
  });
  const keep = out.map((v, i) => [grid[i]!, v] as const).filter(([, v]) => !Number.isNaN(v));
  return { label: s.label, timestamps: keep.map(([t]) => t), values: keep.map(([, v]) => v) };
}
