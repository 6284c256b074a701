// Decodes AWS Query protocol parameters into the operation's input shape. The key layout is
// the inverse of botocore's QuerySerializer (and the JS SDK's QueryShapeSerializer):
//   structure member   Prefix.Member            (member locationName, else member name)
//   list               Prefix.<member locationName | "member">.N   (N from 1; flattened: Prefix.N)
//   empty list         Prefix=                  (both SDKs send an empty value)
//   map                Prefix.entry.N.key / Prefix.entry.N.value  (flattened: Prefix.N.key)
//   boolean "true"/"false", timestamps ISO 8601.
import { CommonErrors } from '../errors.js';
import {
  getOperation, getShape, shapePattern, structurePlan,
  type ListShape, type MapShape, type OperationInfo, type ScalarShape, type Shape,
} from './model.js';

export type QueryParams = Array<[string, string]>;

/** Longest single value accepted; far above any ElastiCache field, low enough to keep regexes cheap. */
export const MAX_VALUE_LENGTH = 256 * 1024;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Splits an application/x-www-form-urlencoded string (a POST body or a URL's query) into pairs,
 * in order. Unlike URLSearchParams, which silently keeps bad escapes and replaces broken UTF-8,
 * this rejects them so a corrupted request fails loudly with MalformedQueryString.
 */
export function parseQueryString(text: string): QueryParams {
  const out: QueryParams = [];
  if (text === '') return out;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    out.push([decodeComponent(rawKey), decodeComponent(rawValue)]);
  }
  return out;
}

function decodeComponent(s: string): string {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    throw CommonErrors.malformedQueryString(`The query string is malformed near "${clip(s, 40)}": invalid percent-encoding.`);
  }
}

/** One level of the dotted key tree: `Tags.Tag.1.Key=v` becomes Tags → Tag → 1 → Key(value v). */
interface Node {
  value?: string;
  children?: Map<string, Node>;
}

/**
 * Decodes and validates the parameters for `operation` (a name or a looked-up operation).
 * Parameters that are not members of the input shape (Action, Version, auth parameters,
 * anything unknown) are ignored, as AWS does. Throws AwsError on invalid input.
 */
export function decodeInput(operation: string | OperationInfo, params: Iterable<[string, string]>): Record<string, unknown> {
  const op = typeof operation === 'string' ? getOperation(operation) : operation;
  if (!op) throw CommonErrors.invalidAction(String(operation));
  if (!op.input) return {};
  const plan = structurePlan(op.input);
  const topNames = new Set<string>();
  for (const m of plan) {
    topNames.add(m.wireName);
    if (m.altWireName) topNames.add(m.altWireName);
    const flatAlt = flattenedAltName(m.shape);
    if (flatAlt) topNames.add(flatAlt);
  }
  const root: Node = { children: new Map() };
  for (const [key, value] of params) {
    const dot = key.indexOf('.');
    if (!topNames.has(dot === -1 ? key : key.slice(0, dot))) continue; // unknown top-level: ignored
    let node = root;
    for (const seg of key.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = {}));
      node = child;
    }
    node.value = value; // a repeated key: the last one wins
  }
  return decodeStructure(op.input, root, '');
}

/** botocore names a flattened list with a member locationName after that member name. */
function flattenedAltName(shape: Shape): string | undefined {
  return shape.type === 'list' && shape.flattened ? shape.member.locationName : undefined;
}

const join = (path: string, seg: string) => (path ? `${path}.${seg}` : seg);

function decodeStructure(shapeName: string, node: Node, path: string): Record<string, unknown> {
  if (!node.children) {
    if (node.value === undefined || node.value === '') return {};
    throw invalid(path, node.value, 'must be a structure');
  }
  const out: Record<string, unknown> = {};
  for (const m of structurePlan(shapeName)) {
    let wire = m.wireName;
    let child = node.children.get(wire);
    for (const alt of [m.altWireName, flattenedAltName(m.shape)]) {
      if (child === undefined && alt !== undefined && node.children.has(alt)) child = node.children.get((wire = alt));
    }
    if (child === undefined) {
      if (m.required) throw CommonErrors.missingParameter(join(path, m.wireName));
      continue;
    }
    out[m.name] = decodeValue(m.ref.shape, child, join(path, wire));
  }
  return out;
}

function decodeValue(shapeName: string, node: Node, path: string): unknown {
  const shape = getShape(shapeName);
  switch (shape.type) {
    case 'structure': return decodeStructure(shapeName, node, path);
    case 'list': return decodeList(shape, node, path);
    case 'map': return decodeMap(shape, node, path);
    default: {
      if (node.children) throw invalid(path, node.value ?? '', 'must be a single value, not a structure or list');
      return decodeScalar(shapeName, shape, node.value ?? '', path);
    }
  }
}

/** The children of `node` keyed 1..N, in index order; rejects non-numeric keys and gaps. */
function indexed(node: Node, path: string): Array<[Node, string]> {
  const children = node.children!;
  const items = new Array<[Node, string]>(children.size);
  for (const [seg, child] of children) {
    const n = /^[1-9][0-9]{0,8}$/.test(seg) ? Number(seg) : NaN;
    if (Number.isNaN(n)) {
      throw CommonErrors.invalidParameterValue(`Invalid parameter ${join(path, seg)}: "${clip(seg, 40)}" is not a list index (1, 2, …).`);
    }
    if (n > children.size) {
      let missing = 1;
      while (children.has(String(missing))) missing++;
      throw CommonErrors.invalidParameterValue(`Invalid list parameter ${path}: element ${join(path, String(missing))} is missing (indexes must run from 1 without gaps).`);
    }
    items[n - 1] = [child, join(path, seg)];
  }
  return items;
}

function decodeList(shape: ListShape, node: Node, path: string): unknown[] {
  let out: unknown[];
  if (!node.children) {
    if (node.value !== undefined && node.value !== '') throw invalid(path, node.value, 'must be a list');
    out = []; // `Name=` is how both SDKs send an empty list
  } else {
    let itemsNode = node;
    let itemsPath = path;
    if (!shape.flattened) {
      const memberName = shape.member.locationName ?? 'member';
      for (const seg of node.children.keys()) {
        if (seg !== memberName) {
          throw CommonErrors.invalidParameterValue(`Invalid parameter ${join(path, seg)}: list elements are sent as ${path}.${memberName}.N.`);
        }
      }
      itemsNode = node.children.get(memberName)!;
      itemsPath = join(path, memberName);
      if (!itemsNode.children) throw invalid(itemsPath, itemsNode.value ?? '', `elements must be numbered ${itemsPath}.1, ${itemsPath}.2, …`);
    }
    out = indexed(itemsNode, itemsPath).map(([child, p]) => decodeValue(shape.member.shape, child, p));
  }
  if (shape.min !== undefined && out.length < shape.min) {
    throw CommonErrors.invalidParameterValue(`The list parameter ${path} must have at least ${shape.min} element(s).`);
  }
  if (shape.max !== undefined && out.length > shape.max) {
    throw CommonErrors.invalidParameterValue(`The list parameter ${path} must have at most ${shape.max} element(s).`);
  }
  return out;
}

function decodeMap(shape: MapShape, node: Node, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!node.children) {
    if (node.value !== undefined && node.value !== '') throw invalid(path, node.value, 'must be a map');
    return out;
  }
  let entries = node;
  let entriesPath = path;
  if (!shape.flattened) {
    for (const seg of node.children.keys()) {
      if (seg !== 'entry') throw CommonErrors.invalidParameterValue(`Invalid parameter ${join(path, seg)}: map entries are sent as ${path}.entry.N.key/value.`);
    }
    entries = node.children.get('entry')!;
    entriesPath = join(path, 'entry');
    if (!entries.children) throw invalid(entriesPath, entries.value ?? '', 'must be numbered entries');
  }
  const keyName = shape.key.locationName ?? 'key';
  const valueName = shape.value.locationName ?? 'value';
  for (const [entry, p] of indexed(entries, entriesPath)) {
    const k = entry.children?.get(keyName);
    const v = entry.children?.get(valueName);
    if (!k) throw CommonErrors.missingParameter(join(p, keyName));
    if (!v) throw CommonErrors.missingParameter(join(p, valueName));
    const key = decodeValue(shape.key.shape, k, join(p, keyName)) as string;
    // defineProperty: a client-chosen key such as "__proto__" must stay a plain data property
    Object.defineProperty(out, key, { value: decodeValue(shape.value.shape, v, join(p, valueName)), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function decodeScalar(shapeName: string, shape: ScalarShape, value: string, path: string): unknown {
  if (value.length > MAX_VALUE_LENGTH) {
    throw CommonErrors.invalidParameterValue(`The value of parameter ${path} is too long (${value.length} characters; the limit is ${MAX_VALUE_LENGTH}).`);
  }
  switch (shape.type) {
    case 'string': {
      if (shape.enum && !shape.enum.includes(value)) throw invalid(path, value, `must be one of: ${shape.enum.join(', ')}`);
      if (shape.min !== undefined && value.length < shape.min) throw invalid(path, value, `must be at least ${shape.min} character(s) long`);
      if (shape.max !== undefined && value.length > shape.max) throw invalid(path, value, `must be at most ${shape.max} character(s) long`);
      const re = shapePattern(shapeName);
      if (re && !re.test(value)) throw invalid(path, value, `must match the pattern ${shape.pattern}`);
      return value;
    }
    case 'integer':
    case 'long': {
      const n = /^[+-]?[0-9]{1,20}$/.test(value) ? Number(value) : NaN;
      const [lo, hi] = shape.type === 'integer' ? [INT32_MIN, INT32_MAX] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (!(n >= lo && n <= hi)) throw invalid(path, value, `must be an integer between ${lo} and ${hi}`);
      return n;
    }
    case 'double':
    case 'float': {
      const n = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw invalid(path, value, 'must be a number');
      return n;
    }
    case 'boolean': {
      // Case-insensitive like AWS's Java backends; the SDKs always send lower case.
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw invalid(path, value, 'must be true or false');
      return v === 'true';
    }
    case 'timestamp': {
      const d = parseTimestamp(value);
      if (!d) throw invalid(path, value, 'must be an ISO 8601 timestamp such as 2024-01-31T12:00:00Z');
      return d;
    }
    case 'blob': {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw invalid(path, value, 'must be base64-encoded');
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

function invalid(path: string, value: string, rule: string) {
  return CommonErrors.invalidParameterValue(`Invalid value ${quote(value)} for parameter ${path}: ${rule}.`);
}

/** Quotes a client value for an error message, cut short so huge values are not echoed back. */
function quote(value: string): string {
  return JSON.stringify(clip(value, 100));
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
