// Decoding primitives shared by the query protocol (query-decode.ts) and the EC2 protocol
// (ec2/decode.ts): the dotted key tree, list bounds and scalar values. Each protocol keeps its own
// key layout and says, through a ScalarDialect, how it words a rejected value.
import type { ListShape, ScalarShape } from './model.js';

/** One level of the dotted key tree: `Tags.Tag.1.Key=v` becomes Tags → Tag → 1 → Key(value v). */
export interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** Adds `key=value` below `root`, a level per dotted segment; a repeated key: the last one wins. */
export function addParam(root: ParamNode, key: string, value: string): void {
  let node = root;
  for (const seg of key.split('.')) {
    node.children ??= new Map();
    let child = node.children.get(seg);
    if (!child) node.children.set(seg, (child = {}));
    node = child;
  }
  node.value = value;
}

export const joinPath = (path: string, seg: string) => (path ? `${path}.${seg}` : seg);

/** `must have at least N element(s)` (or at most) when `count` breaks the list's bounds, else undefined. */
export function listBoundsProblem(shape: ListShape, count: number): string | undefined {
  if (shape.min !== undefined && count < shape.min) return `must have at least ${shape.min} element(s)`;
  if (shape.max !== undefined && count > shape.max) return `must have at most ${shape.max} element(s)`;
  return undefined;
}

/** What a rejected scalar value had to be. */
export type ScalarRule =
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'minLength' | 'maxLength'; n: number }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'integer'; lo: number; hi: number }
  | { kind: 'number' | 'boolean' | 'timestamp' | 'base64' };

/** How a protocol reads scalars and words their errors. */
export interface ScalarDialect {
  /** Longest single value accepted. */
  maxLength: number;
  /** Most digits an integer may be written with (its range is checked after). */
  integerDigits: number;
  /** Numbers in decimal notation only; else whatever Number() reads (but not blank). */
  strictNumbers: boolean;
  /** The compiled pattern of a string shape, when the protocol checks patterns. */
  pattern?: (shapeName: string) => RegExp | undefined;
  /** Whether a number's shape `min`/`max` are checked (CloudWatch's Period ≥ 1, MaxRecords ≤ 100, …). */
  numericBounds?: boolean;
  /** The error for a message about the value (one too long). */
  error(message: string): Error;
  /** The error for a value that breaks `rule`. */
  invalid(path: string, value: string, rule: ScalarRule): Error;
}

/** What a value breaking `rule` must be, as the query protocol words it (`must be a number`). */
export function ruleText(rule: ScalarRule): string {
  switch (rule.kind) {
    case 'enum': return `must be one of: ${rule.values.join(', ')}`;
    case 'minLength': return `must be at least ${rule.n} character(s) long`;
    case 'maxLength': return `must be at most ${rule.n} character(s) long`;
    case 'pattern': return `must match the pattern ${rule.pattern}`;
    case 'integer': return `must be an integer between ${rule.lo} and ${rule.hi}`;
    case 'number': return 'must be a number';
    case 'boolean': return 'must be true or false';
    case 'timestamp': return 'must be an ISO 8601 timestamp such as 2024-01-31T12:00:00Z';
    case 'base64': return 'must be base64-encoded';
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const integerSyntax = new Map<number, RegExp>();
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Decodes a scalar value of `shape` (named `shapeName`) at `path`; throws the dialect's errors. */
export function decodeScalar(d: ScalarDialect, shapeName: string, shape: ScalarShape, value: string, path: string): unknown {
  if (value.length > d.maxLength) {
    throw d.error(`The value of parameter ${path} is too long (${value.length} characters; the limit is ${d.maxLength}).`);
  }
  switch (shape.type) {
    case 'string': {
      if (shape.enum && !shape.enum.includes(value)) throw d.invalid(path, value, { kind: 'enum', values: shape.enum });
      if (shape.min !== undefined && value.length < shape.min) throw d.invalid(path, value, { kind: 'minLength', n: shape.min });
      if (shape.max !== undefined && value.length > shape.max) throw d.invalid(path, value, { kind: 'maxLength', n: shape.max });
      const re = d.pattern?.(shapeName);
      if (re && !re.test(value)) throw d.invalid(path, value, { kind: 'pattern', pattern: shape.pattern ?? re.source });
      return value;
    }
    case 'integer':
    case 'long': {
      let syntax = integerSyntax.get(d.integerDigits);
      if (!syntax) integerSyntax.set(d.integerDigits, (syntax = new RegExp(`^[+-]?[0-9]{1,${d.integerDigits}}$`)));
      const n = syntax.test(value) ? Number(value) : NaN;
      let [lo, hi] = shape.type === 'integer' ? [INT32_MIN, INT32_MAX] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (d.numericBounds) {
        lo = Math.max(lo, shape.min ?? lo);
        hi = Math.min(hi, shape.max ?? hi);
      }
      if (!(n >= lo && n <= hi)) throw d.invalid(path, value, { kind: 'integer', lo, hi });
      return n;
    }
    case 'double':
    case 'float': {
      const ok = d.strictNumbers ? DECIMAL.test(value) : value.trim() !== '';
      const n = ok ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw d.invalid(path, value, { kind: 'number' });
      return n;
    }
    case 'boolean': {
      // Case-insensitive like AWS's Java backends; the SDKs always send lower case.
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw d.invalid(path, value, { kind: 'boolean' });
      return v === 'true';
    }
    case 'timestamp': {
      const t = parseTimestamp(value);
      if (!t) throw d.invalid(path, value, { kind: 'timestamp' });
      return t;
    }
    case 'blob': {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw d.invalid(path, value, { kind: 'base64' });
      return Buffer.from(value, 'base64');
    }
  }
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO 8601 as botocore (`2024-01-31T12:00:00Z`, `…12:00:00.123456Z`) and the JS SDK
 * (`…12:00:00.123Z`) send it, with an optional offset; also epoch seconds. Undefined if invalid.
 */
export function parseTimestamp(value: string): Date | undefined {
  if (/^-?[0-9]{1,12}(?:\.[0-9]{1,9})?$/.test(value)) return new Date(Math.round(Number(value) * 1000));
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  // Date.UTC rolls 2024-02-31 over to March; a value that does not survive the round trip is invalid.
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2) || '0') > 59) return undefined;
    t -= sign * offset * 60_000;
  }
  return new Date(t);
}
