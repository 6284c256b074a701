// Decodes EC2-protocol request parameters into an operation's input shape: the inverse of
// botocore's EC2Serializer (and the JS SDK's ec2 protocol):
//   structure member   Prefix.Member   (queryName, else locationName capitalized, else member name)
//   list               Prefix.N        (N from 1; no `.member.` segment; an empty list is not sent)
//   boolean "true"/"false", timestamps ISO 8601.
// Unlike the ElastiCache endpoint, a parameter the operation does not know is refused with
// UnknownParameter, as EC2 does (only Action, Version and X-Amz-* are not members).
import type { ListShape } from '../codec/model.js';
import {
  addParam, decodeScalar, joinPath as join, listBoundsProblem,
  ruleText as queryRuleText, type ParamNode as Node, type ScalarDialect, type ScalarRule,
} from '../codec/params.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';
import { ec2StructurePlan, getEc2Shape, type Ec2Operation } from './model.js';

/** Longest single value accepted (far above any field of these operations). */
const MAX_VALUE_LENGTH = 64 * 1024;

const isTransportParam = (key: string) => key === 'Action' || key === 'Version' || key.startsWith('X-Amz-');

export function decodeEc2Input(op: Ec2Operation, params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Node = { children: new Map() };
  for (const [key, value] of params) {
    if (isTransportParam(key)) continue;
    if (!op.input) throw unknown(key);
    addParam(root, key, value);
  }
  return op.input ? decodeStructure(op.input, root, '') : {};
}

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
      return decodeScalar(EC2_SCALARS, shapeName, shape, node.value ?? '', path);
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
  const bounds = listBoundsProblem(shape, out.length);
  if (bounds) throw Ec2Errors.invalidValue(`The parameter ${path} ${bounds}.`);
  return out;
}

/**
 * EC2's scalars: numbers as Number() reads them. (The EC2 model subset has no string length or
 * pattern constraints and no blobs, so those rules never apply here.)
 */
const EC2_SCALARS: ScalarDialect = {
  maxLength: MAX_VALUE_LENGTH,
  integerDigits: 16,
  strictNumbers: false,
  error: (message) => Ec2Errors.invalidValue(message),
  invalid: (path, value, rule) => invalid(path, value, ruleText(rule)),
};

/** EC2's wording: `It must be a number.`, without the query protocol's detail on integers and timestamps. */
function ruleText(rule: ScalarRule): string {
  if (rule.kind === 'integer') return 'It must be an integer.';
  if (rule.kind === 'timestamp') return 'It must be an ISO 8601 timestamp.';
  return `It ${queryRuleText(rule)}.`;
}

function invalid(path: string, value: string, rule: string) {
  return Ec2Errors.invalidValue(`Value (${clip(value)}) for parameter ${path} is invalid. ${rule}`);
}
