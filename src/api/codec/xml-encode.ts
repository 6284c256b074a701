// Serializes results and errors as AWS Query protocol XML, in the layout botocore's QueryParser
// and the JS SDK's aws_query deserializer read. Strings are built by hand: a shape-driven walk
// with per-structure member plans cached in model.ts is several times faster than a generic builder.
import { ELASTICACHE_MODEL, type QueryModel, type Shape } from './model.js';

const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const ESCAPE_ALL = new RegExp(NEEDS_ESCAPE.source, 'g');

/**
 * Escapes text for element content. \r is written as a reference because XML parsers turn a
 * literal \r into \n. (Lone surrogates need nothing here: UTF-8 encoding of the body turns them
 * into U+FFFD.)
 */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPE_ALL, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '\r': return '&#xD;';
      // Other control characters cannot appear in XML 1.0 at all, not even as references;
      // dropping them beats sending a document no client can parse.
      default: return '';
    }
  });
}

/**
 * `<{Op}Response>` for a successful call: `output` (the handler's result, without the result
 * wrapper) serialized by the operation's output shape, plus ResponseMetadata. Members that are
 * undefined or null, and properties the shape does not define, are left out. Throws a
 * TypeError when a value does not fit its shape (a handler bug; the server answers 500).
 */
export function encodeResult(operation: string, output: unknown, requestId: string, model: QueryModel = ELASTICACHE_MODEL): string {
  const op = model.getOperation(operation);
  if (!op) throw new Error(`unknown operation ${operation}`);
  let body = '';
  if (op.output) {
    const wrapper = op.resultWrapper ?? `${operation}Result`;
    const inner = output == null ? '' : encodeStructure(model, op.output, output, op.output);
    body = `<${wrapper}>${inner}</${wrapper}>`;
  }
  return `<${operation}Response xmlns="${model.xmlNamespace}">${body}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operation}Response>`;
}

export interface XmlErrorInfo {
  code: string;
  message: string;
  /** true → `<Type>Sender</Type>` (the client's fault), false → Receiver. */
  senderFault: boolean;
}

export function encodeError(err: XmlErrorInfo, requestId: string, model: QueryModel = ELASTICACHE_MODEL): string {
  return `<ErrorResponse xmlns="${model.xmlNamespace}"><Error><Type>${err.senderFault ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;
}

function encodeStructure(model: QueryModel, shapeName: string, value: unknown, path: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${path}: expected an object for structure ${shapeName}, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  let out = '';
  for (const m of model.structurePlan(shapeName)) {
    const v = obj[m.name];
    if (v === undefined || v === null) continue;
    const p = `${path}.${m.name}`;
    if (m.shape.type === 'list' && m.shape.flattened) {
      // Flattened: one element per item, named after the item (botocore's _member_key_name).
      const itemName = m.shape.member.locationName ?? m.wireName;
      out += encodeListItems(model, m.shape.member.shape, v, itemName, p);
      continue;
    }
    const inner = encodeValue(model, m.ref.shape, m.shape, v, p);
    out += element(m.wireName, inner);
    // botocore reads this member under the target shape's locationName, the JS SDK under the
    // member name; writing both keeps the one affected member visible to both clients.
    if (m.altWireName) out += element(m.altWireName, inner);
  }
  return out;
}

const element = (name: string, inner: string) => (inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`);

function encodeListItems(model: QueryModel, itemShape: string, value: unknown, itemName: string, path: string): string {
  if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array, got ${describe(value)}`);
  const shape = model.getShape(itemShape);
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (v === undefined || v === null) continue; // neither parser can represent a null item
    out += element(itemName, encodeValue(model, itemShape, shape, v, `${path}[${i}]`));
  }
  return out;
}

function encodeValue(model: QueryModel, shapeName: string, shape: Shape, v: unknown, path: string): string {
  switch (shape.type) {
    case 'structure':
      return encodeStructure(model, shapeName, v, path);
    case 'list':
      return encodeListItems(model, shape.member.shape, v, shape.member.locationName ?? 'member', path);
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${path}: expected an object for map ${shapeName}`);
      const keyName = shape.key.locationName ?? 'key';
      const valueName = shape.value.locationName ?? 'value';
      const valueShape = model.getShape(shape.value.shape);
      let out = '';
      for (const [k, item] of Object.entries(v)) {
        if (item === undefined || item === null) continue;
        const entry = element(keyName, escapeXml(k)) + element(valueName, encodeValue(model, shape.value.shape, valueShape, item, `${path}.${k}`));
        out += shape.flattened ? entry : `<entry>${entry}</entry>`;
      }
      return out;
    }
    case 'string':
      if (typeof v === 'string') return escapeXml(v);
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      break;
    case 'integer':
    case 'long':
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return v;
      break;
    case 'double':
    case 'float':
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      if (typeof v === 'string' && Number.isFinite(Number(v)) && v.trim() !== '') return v.trim();
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (v === 'true' || v === 'false') return v;
      break;
    case 'timestamp': {
      const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
      if (d && !Number.isNaN(d.getTime())) return d.toISOString();
      break;
    }
    case 'blob':
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (typeof v === 'string') return escapeXml(v);
      break;
  }
  throw new TypeError(`${path}: ${describe(v)} does not fit ${shape.type} shape ${shapeName}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
