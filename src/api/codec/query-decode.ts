// Decodes AWS Query protocol parameters into the operation's input shape. The key layout is
// the inverse of botocore's QuerySerializer (and the JS SDK's QueryShapeSerializer):
//   structure member   Prefix.Member            (member locationName, else member name)
//   list               Prefix.<member locationName | "member">.N   (N from 1; flattened: Prefix.N)
//   empty list         Prefix=                  (both SDKs send an empty value)
//   map                Prefix.entry.N.key / Prefix.entry.N.value  (flattened: Prefix.N.key)
//   boolean "true"/"false", timestamps ISO 8601.
import { CommonErrors, type AwsError } from '../../errors/index.js';
import {
  ELASTICACHE_MODEL,
  type ListShape, type MapShape, type OperationInfo, type QueryModel, type Shape,
} from './model.js';
import {
  addParam, decodeScalar, joinPath as join, listBoundsProblem,
  ruleText, type ParamNode as Node, type ScalarDialect,
} from './params.js';

export { parseTimestamp } from './params.js';

export type QueryParams = Array<[string, string]>;

/** Longest single value accepted; far above any ElastiCache field, low enough to keep regexes cheap. */
export const MAX_VALUE_LENGTH = 256 * 1024;

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

/** What differs between the Query-protocol services decoded here: the model, and how bad input is refused. */
export interface QueryDialect {
  model: QueryModel;
  /** A value that does not fit its shape (ElastiCache: InvalidParameterValue; IAM: ValidationError). */
  invalidValue(message: string): AwsError;
  missingParameter(path: string): AwsError;
  /** Check numbers against their shape's min/max (the services of issue 13; older ones keep their behaviour). */
  numericBounds?: boolean;
}

interface Cx extends QueryDialect {
  scalars: ScalarDialect;
}

/** ElastiCache's dialect, the default. */
export const ELASTICACHE_DIALECT: QueryDialect = {
  model: ELASTICACHE_MODEL,
  invalidValue: (message) => CommonErrors.invalidParameterValue(message),
  missingParameter: (path) => CommonErrors.missingParameter(path),
};

const contexts = new WeakMap<QueryDialect, Cx>();

function contextOf(dialect: QueryDialect): Cx {
  let cx = contexts.get(dialect);
  if (!cx) {
    const c: Cx = { ...dialect, scalars: undefined as unknown as ScalarDialect };
    c.scalars = queryScalars(c);
    contexts.set(dialect, (cx = c));
  }
  return cx;
}

/**
 * Decodes and validates the parameters for `operation` (a name or a looked-up operation).
 * Parameters that are not members of the input shape (Action, Version, auth parameters,
 * anything unknown) are ignored, as AWS does. Throws AwsError on invalid input.
 */
export function decodeInput(operation: string | OperationInfo, params: Iterable<[string, string]>,
  dialect: QueryDialect = ELASTICACHE_DIALECT): Record<string, unknown> {
  const cx = contextOf(dialect);
  const op = typeof operation === 'string' ? cx.model.getOperation(operation) : operation;
  if (!op) throw CommonErrors.invalidAction(String(operation));
  if (!op.input) return {};
  const plan = cx.model.structurePlan(op.input);
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
    addParam(root, key, value);
  }
  return decodeStructure(cx, op.input, root, '');
}

/** botocore names a flattened list with a member locationName after that member name. */
function flattenedAltName(shape: Shape): string | undefined {
  return shape.type === 'list' && shape.flattened ? shape.member.locationName : undefined;
}

function decodeStructure(cx: Cx, shapeName: string, node: Node, path: string): Record<string, unknown> {
  if (!node.children) {
    if (node.value === undefined || node.value === '') return {};
    throw invalid(cx, path, node.value, 'must be a structure');
  }
  const out: Record<string, unknown> = {};
  for (const m of cx.model.structurePlan(shapeName)) {
    let wire = m.wireName;
    let child = node.children.get(wire);
    for (const alt of [m.altWireName, flattenedAltName(m.shape)]) {
      if (child === undefined && alt !== undefined && node.children.has(alt)) child = node.children.get((wire = alt));
    }
    if (child === undefined) {
      if (m.required) throw cx.missingParameter(join(path, m.wireName));
      continue;
    }
    out[m.name] = decodeValue(cx, m.ref.shape, child, join(path, wire));
  }
  return out;
}

function decodeValue(cx: Cx, shapeName: string, node: Node, path: string): unknown {
  const shape = cx.model.getShape(shapeName);
  switch (shape.type) {
    case 'structure': return decodeStructure(cx, shapeName, node, path);
    case 'list': return decodeList(cx, shape, node, path);
    case 'map': return decodeMap(cx, shape, node, path);
    default: {
      if (node.children) throw invalid(cx, path, node.value ?? '', 'must be a single value, not a structure or list');
      return decodeScalar(cx.scalars, shapeName, shape, node.value ?? '', path);
    }
  }
}

/** The children of `node` keyed 1..N, in index order; rejects non-numeric keys and gaps. */
function indexed(cx: Cx, node: Node, path: string): Array<[Node, string]> {
  const children = node.children!;
  const items = new Array<[Node, string]>(children.size);
  for (const [seg, child] of children) {
    const n = /^[1-9][0-9]{0,8}$/.test(seg) ? Number(seg) : NaN;
    if (Number.isNaN(n)) {
      throw cx.invalidValue(`Invalid parameter ${join(path, seg)}: "${clip(seg, 40)}" is not a list index (1, 2, …).`);
    }
    if (n > children.size) {
      let missing = 1;
      while (children.has(String(missing))) missing++;
      throw cx.invalidValue(`Invalid list parameter ${path}: element ${join(path, String(missing))} is missing (indexes must run from 1 without gaps).`);
    }
    items[n - 1] = [child, join(path, seg)];
  }
  return items;
}

function decodeList(cx: Cx, shape: ListShape, node: Node, path: string): unknown[] {
  let out: unknown[];
  if (!node.children) {
    if (node.value !== undefined && node.value !== '') throw invalid(cx, path, node.value, 'must be a list');
    out = []; // `Name=` is how both SDKs send an empty list
  } else {
    let itemsNode = node;
    let itemsPath = path;
    if (!shape.flattened) {
      const memberName = shape.member.locationName ?? 'member';
      for (const seg of node.children.keys()) {
        if (seg !== memberName) {
          throw cx.invalidValue(`Invalid parameter ${join(path, seg)}: list elements are sent as ${path}.${memberName}.N.`);
        }
      }
      itemsNode = node.children.get(memberName)!;
      itemsPath = join(path, memberName);
      if (!itemsNode.children) throw invalid(cx, itemsPath, itemsNode.value ?? '', `elements must be numbered ${itemsPath}.1, ${itemsPath}.2, …`);
    }
    out = indexed(cx, itemsNode, itemsPath).map(([child, p]) => decodeValue(cx, shape.member.shape, child, p));
  }
  const bounds = listBoundsProblem(shape, out.length);
  if (bounds) throw cx.invalidValue(`The list parameter ${path} ${bounds}.`);
  return out;
}

function decodeMap(cx: Cx, shape: MapShape, node: Node, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!node.children) {
    if (node.value !== undefined && node.value !== '') throw invalid(cx, path, node.value, 'must be a map');
    return out;
  }
  let entries = node;
  let entriesPath = path;
  if (!shape.flattened) {
    for (const seg of node.children.keys()) {
      if (seg !== 'entry') throw cx.invalidValue(`Invalid parameter ${join(path, seg)}: map entries are sent as ${path}.entry.N.key/value.`);
    }
    entries = node.children.get('entry')!;
    entriesPath = join(path, 'entry');
    if (!entries.children) throw invalid(cx, entriesPath, entries.value ?? '', 'must be numbered entries');
  }
  const keyName = shape.key.locationName ?? 'key';
  const valueName = shape.value.locationName ?? 'value';
  for (const [entry, p] of indexed(cx, entries, entriesPath)) {
    const k = entry.children?.get(keyName);
    const v = entry.children?.get(valueName);
    if (!k) throw cx.missingParameter(join(p, keyName));
    if (!v) throw cx.missingParameter(join(p, valueName));
    const key = decodeValue(cx, shape.key.shape, k, join(p, keyName)) as string;
    // defineProperty: a client-chosen key such as "__proto__" must stay a plain data property
    Object.defineProperty(out, key, { value: decodeValue(cx, shape.value.shape, v, join(p, valueName)), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Query-protocol scalars: decimal numbers, string lengths and patterns checked. */
function queryScalars(cx: Cx): ScalarDialect {
  return {
    maxLength: MAX_VALUE_LENGTH,
    integerDigits: 20,
    strictNumbers: true,
    numericBounds: cx.numericBounds === true,
    pattern: (shapeName) => cx.model.shapePattern(shapeName),
    error: (message) => cx.invalidValue(message),
    invalid: (path, value, rule) => invalid(cx, path, value, ruleText(rule)),
  };
}

function invalid(cx: Cx, path: string, value: string, rule: string) {
  return cx.invalidValue(`Invalid value ${quote(value)} for parameter ${path}: ${rule}.`);
}

/** Quotes a client value for an error message, cut short so huge values are not echoed back. */
function quote(value: string): string {
  return JSON.stringify(clip(value, 100));
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
