// Serializes EC2 results and errors in the layout botocore's EC2QueryParser and the JS SDK's
// ec2 protocol read:
//   <{Op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…</requestId>…</{Op}Response>
// members straight under the root (no Result wrapper), named by their locationName; list items
// as elements named by the list member's locationName (`<item>`). Errors:
//   <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
import { escapeXml } from '../codec/xml-encode.js';
import type { Shape } from '../codec/model.js';
import { ec2StructurePlan, EC2_XML_NAMESPACE, getEc2Operation, getEc2Shape } from './model.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * The response of a successful call. An operation without an output shape answers
 * `<return>true</return>`, as EC2 does. Members undefined or null, and properties the shape
 * does not define, are left out; a value that does not fit its shape throws a TypeError (a
 * handler bug: the server answers 500).
 */
export function encodeEc2Result(operation: string, output: unknown, requestId: string): string {
  const op = getEc2Operation(operation);
  if (!op) throw new Error(`unknown EC2 operation ${operation}`);
  const body = op.output ? (output == null ? '' : encodeStructure(op.output, output, op.output)) : '<return>true</return>';
  return `${XML_DECLARATION}<${operation}Response xmlns="${EC2_XML_NAMESPACE}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${body}</${operation}Response>`;
}

export function encodeEc2Error(err: { code: string; message: string }, requestId: string): string {
  return `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>` +
    `</Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`;
}

const element = (name: string, inner: string) => (inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`);

function encodeStructure(shapeName: string, value: unknown, path: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${path}: expected an object for structure ${shapeName}, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const m of ec2StructurePlan(shapeName)) {
    const v = obj[m.name];
    if (v === undefined || v === null) continue;
    out += element(m.xmlName, encodeValue(m.shapeName, m.shape, v, `${path}.${m.name}`));
  }
  return out;
}

function encodeValue(shapeName: string, shape: Shape, v: unknown, path: string): string {
  switch (shape.type) {
    case 'structure':
      return encodeStructure(shapeName, v, path);
    case 'list': {
      if (!Array.isArray(v)) throw new TypeError(`${path}: expected an array, got ${describe(v)}`);
      const itemName = shape.member.locationName ?? 'member';
      const itemShape = getEc2Shape(shape.member.shape);
      let out = '';
      for (let i = 0; i < v.length; i++) {
        if (v[i] === undefined || v[i] === null) continue;
        out += element(itemName, encodeValue(shape.member.shape, itemShape, v[i], `${path}[${i}]`));
      }
      return out;
    }
    case 'string':
      if (typeof v === 'string') return escapeXml(v);
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      break;
    case 'integer':
    case 'long':
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      break;
    case 'double':
    case 'float':
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      break;
    case 'timestamp': {
      const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : undefined;
      if (d && !Number.isNaN(d.getTime())) return d.toISOString();
      break;
    }
    default:
      break;
  }
  throw new TypeError(`${path}: ${describe(v)} does not fit ${shape.type} shape ${shapeName}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
