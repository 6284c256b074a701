// Decodes EC2-protocol request parameters into an operation's input shape: the inverse of
// botocore's EC2Serializer (and the JS SDK's ec2 protocol):
//   structure member   Prefix.Member   (queryName, else locationName capitalized, else member name)
//   list               Prefix.N        (N from 1; no `.member.` segment; an empty list is not sent)
//   boolean "true"/"false", timestamps ISO 8601.
// Unlike the ElastiCache endpoint, a parameter the operation does not know is refused with
// UnknownParameter, as EC2 does (only Action, Version and X-Amz-* are not members).
import { parseTimestamp } from '../codec/query-decode.js';
import type { ListShape, ScalarShape } from '../codec/model.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';
import { ec2StructurePlan, getEc2Shape, type Ec2Operation } from './model.js';

/** Longest single value accepted (far above any field of these operations). */
const MAX_VALUE_LENGTH = 64 * 1024;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

interface Node {
  value?: string;
  children?: Map<string, Node>;
}

const isTransportParam = (key: string) => key === 'Action' || key === 'Version' || key.startsWith('X-Amz-');

export function decodeEc2Input(op: Ec2Operation, params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Node = { children: new Map() };
  for (const [key, value] of params) {
    if (isTransportParam(key)) continue;
    if (!op.input) throw unknown(key);
    let node = root;
    for (const seg of key.split('.')) {
      node.children ??= new Map();
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = {}));
      node = child;
    }
    node.value = value; // a repeated key: the last one wins
  }
  return op.input ? decodeStructure(op.input, root, '') : {};
}

const join = (path: string, seg: string) => (path ? `${path}.${seg}` : seg);
const unknown = (path: string) => ec2Error('UnknownParameter', `The parameter ${clip(path)} is not recognized`);

function decodeStructure(shapeName: string, node: Node, path: string): Record<string, unknown> {
  if (!node.children) {
    if (node.value === undefined || node.value === '') return {};
    throw invalid(path, node.value, 'It must be a structure.');
  }
  const plan = ec2StructurePlan(shapeName);
  const byWire = new Map(plan.map((m) => [m.queryName, m] as const));
  for (const seg of node.children.keys()) if (!byWire.has(seg)) throw unknown(join(path, seg));
  const out: Record<string, unknown> = {};
  for (const m of plan) {
    const child = node.children.get(m.queryName);
    if (child === undefined) {
      if (m.required) throw Ec2Errors.missingParameter(join(path, m.queryName));
      continue;
    }
    out[m.name] = decodeValue(m.shapeName, child, join(path, m.queryName));
  }
  return out;
}

function decodeValue(shapeName: string, node: Node, path: string): unknown {
  const shape = getEc2Shape(shapeName);
  switch (shape.type) {
    case 'structure': return decodeStructure(shapeName, node, path);
    case 'list': return decodeList(shape, node, path);
    case 'map': throw new Error(`map shape ${shapeName} is not expected in the EC2 model subset`);
    default:
      if (node.children) throw invalid(path, node.value ?? '', 'It must be a single value, not a structure or list.');
      return decodeScalar(shape, node.value ?? '', path);
  }
}

function decodeList(shape: ListShape, node: Node, path: string): unknown[] {
  let out: unknown[] = [];
  if (!node.children) {
    if (node.value !== undefined && node.value !== '') {
      throw invalid(path, node.value, `List elements are sent as ${path}.1, ${path}.2, ….`);
    }
  } else {
    const items: Array<[number, Node]> = [];
    for (const [seg, child] of node.children) {
      if (!/^[1-9][0-9]{0,5}$/.test(seg)) throw unknown(join(path, seg));
      items.push([Number(seg), child]);
    }
    items.sort((a, b) => a[0] - b[0]);
    out = items.map(([n, child]) => decodeValue(shape.member.shape, child, join(path, String(n))));
  }
  if (shape.min !== undefined && out.length < shape.min) {
    throw Ec2Errors.invalidValue(`The parameter ${path} must have at least ${shape.min} element(s).`);
  }
  if (shape.max !== undefined && out.length > shape.max) {
    throw Ec2Errors.invalidValue(`The parameter ${path} must have at most ${shape.max} element(s).`);
  }
  return out;
}

function decodeScalar(shape: ScalarShape, value: string, path: string): unknown {
  if (value.length > MAX_VALUE_LENGTH) {
    throw Ec2Errors.invalidValue(`The value of parameter ${path} is too long (${value.length} characters; the limit is ${MAX_VALUE_LENGTH}).`);
  }
  switch (shape.type) {
    case 'string':
      if (shape.enum && !shape.enum.includes(value)) throw invalid(path, value, `It must be one of: ${shape.enum.join(', ')}.`);
      return value;
    case 'integer':
    case 'long': {
      const n = /^[+-]?[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
      const [lo, hi] = shape.type === 'integer' ? [INT32_MIN, INT32_MAX] : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (!(n >= lo && n <= hi)) throw invalid(path, value, 'It must be an integer.');
      return n;
    }
    case 'double':
    case 'float': {
      const n = value.trim() === '' ? NaN : Number(value);
      if (!Number.isFinite(n)) throw invalid(path, value, 'It must be a number.');
      return n;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') throw invalid(path, value, 'It must be true or false.');
      return v === 'true';
    }
    case 'timestamp': {
      const d = parseTimestamp(value);
      if (!d) throw invalid(path, value, 'It must be an ISO 8601 timestamp.');
      return d;
    }
    case 'blob':
      return Buffer.from(value, 'base64');
  }
}

function invalid(path: string, value: string, rule: string) {
  return Ec2Errors.invalidValue(`Value (${clip(value)}) for parameter ${path} is invalid. ${rule}`);
}
