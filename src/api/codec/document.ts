// Decodes and encodes the document protocols — AWS JSON 1.0/1.1 and Smithy RPC v2 CBOR — against a
// botocore model, as botocore's JSONSerializer / RpcV2CBORSerializer write them and their parsers
// read them: structure members by member name (no locationName), lists as arrays, maps as
// objects; timestamps as epoch seconds (JSON: a number; CBOR: tag 1), blobs as base64 (JSON) or
// byte strings (CBOR). Decoded input has the same layout as the Query decoder's (member names,
// Date, Buffer), so one action serves every protocol.
import { dateToTag } from '@smithy/core/cbor';
import type { QueryModel, Shape, StructureShape } from './model.js';
import { decodeScalar, joinPath, listBoundsProblem, ruleText, type ScalarDialect } from './params.js';

export type DocumentFormat = 'json' | 'cbor';

/** How a service words a rejected document value (CloudWatch: InvalidParameterValue …). */
export interface DocumentDialect {
  invalidValue(message: string): Error;
  missingParameter(path: string): Error;
}

/** Longest single string accepted (as the Query decoder). */
const MAX_STRING = 256 * 1024;

/** The input of `shapeName` from a parsed document; throws the dialect's errors on bad input. */
export function decodeDocument(model: QueryModel, shapeName: string, value: unknown, format: DocumentFormat,
  dialect: DocumentDialect): Record<string, unknown> {
  if (value === undefined || value === null) value = {};
  return decodeStructure({ model, format, dialect, scalars: scalarDialect(dialect) }, model.getStructure(shapeName), value, '');
}

interface Cx {
  model: QueryModel;
  format: DocumentFormat;
  dialect: DocumentDialect;
  scalars: ScalarDialect;
}

function scalarDialect(d: DocumentDialect): ScalarDialect {
  return {
    maxLength: MAX_STRING, integerDigits: 20, strictNumbers: true, numericBounds: true,
    error: (m) => d.invalidValue(m),
    invalid: (path, value, rule) => d.invalidValue(`Invalid value ${JSON.stringify(value.slice(0, 100))} for parameter ${path}: ${ruleText(rule)}.`),
  };
}

function bad(cx: Cx, path: string, what: string): Error {
  return cx.dialect.invalidValue(`Invalid value for parameter ${path || 'the request body'}: ${what}.`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

function decodeStructure(cx: Cx, shape: StructureShape, value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw bad(cx, path, 'must be an object');
  const out: Record<string, unknown> = {};
  const required = new Set(shape.required ?? []);
  for (const [name, ref] of Object.entries(shape.members)) {
    const v = Object.hasOwn(value, name) ? value[name] : undefined;
    const p = joinPath(path, name);
    // null is how JSON writers say "absent" (botocore never sends it; hand-written clients do).
    if (v === undefined || v === null) {
      if (required.has(name)) throw cx.dialect.missingParameter(p);
      continue;
    }
    out[name] = decodeValue(cx, ref.shape, v, p);
  }
  return out;
}

function decodeValue(cx: Cx, shapeName: string, v: unknown, path: string): unknown {
  const shape = cx.model.getShape(shapeName);
  switch (shape.type) {
    case 'structure': return decodeStructure(cx, shape, v, path);
    case 'list': {
      if (!Array.isArray(v)) throw bad(cx, path, 'must be a list');
      const out = v.map((item, i) => decodeValue(cx, shape.member.shape, item, `${path}.${i + 1}`));
      const bounds = listBoundsProblem(shape, out.length);
      if (bounds) throw cx.dialect.invalidValue(`The list parameter ${path} ${bounds}.`);
      return out;
    }
    case 'map': {
      if (!isObject(v)) throw bad(cx, path, 'must be a map');
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        decodeValue(cx, shape.key.shape, k, `${path}.${k}`);
        Object.defineProperty(out, k, { value: decodeValue(cx, shape.value.shape, item, `${path}.${k}`), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default: return decodeDocScalar(cx, shapeName, shape, v, path);
  }
}

function decodeDocScalar(cx: Cx, shapeName: string, shape: Shape & { type: string }, v: unknown, path: string): unknown {
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw bad(cx, path, 'must be a string');
      return decodeScalar(cx.scalars, shapeName, shape as never, v, path);
    case 'integer':
    case 'long':
      if (typeof v === 'bigint') v = Number(v);
      if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(cx, path, 'must be an integer');
      return decodeScalar(cx.scalars, shapeName, shape as never, String(v), path);
    case 'double':
    case 'float':
      // JSON spells the non-finite values as strings; CloudWatch refuses them anyway, later.
      if (typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v)) return Number(v);
      if (typeof v !== 'number') throw bad(cx, path, 'must be a number');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw bad(cx, path, 'must be true or false');
      return v;
    case 'timestamp': {
      const seconds = isObject(v) && (v as { tag?: unknown }).tag === 1 ? (v as { value: unknown }).value : v;
      if (v instanceof Date) return v;
      if (typeof seconds === 'number' && Number.isFinite(seconds)) return new Date(Math.round(seconds * 1000));
      throw bad(cx, path, 'must be a timestamp (epoch seconds)');
    }
    case 'blob':
      if (v instanceof Uint8Array) return Buffer.from(v);
      if (typeof v === 'string' && cx.format === 'json') return decodeScalar(cx.scalars, shapeName, shape as never, v, path);
      throw bad(cx, path, 'must be a blob');
  }
  throw bad(cx, path, `has an unsupported type ${shape.type}`);
}

/**
 * The output document of `shapeName` for `value` (the action's result): members left out when
 * undefined or null, properties the shape does not define dropped. Throws TypeError on a value
 * that does not fit (a handler bug; the server answers InternalFailure).
 */
export function encodeDocument(model: QueryModel, shapeName: string | undefined, value: unknown, format: DocumentFormat): Record<string, unknown> {
  if (!shapeName || value == null) return {};
  return encodeValue(model, shapeName, value, format, shapeName) as Record<string, unknown>;
}

function encodeValue(model: QueryModel, shapeName: string, v: unknown, format: DocumentFormat, path: string): unknown {
  const shape = model.getShape(shapeName);
  switch (shape.type) {
    case 'structure': {
      if (!isObject(v)) throw new TypeError(`${path}: expected an object for ${shapeName}`);
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members)) {
        const item = v[name];
        if (item === undefined || item === null) continue;
        out[name] = encodeValue(model, ref.shape, item, format, `${path}.${name}`);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(v)) throw new TypeError(`${path}: expected an array for ${shapeName}`);
      return v.filter((x) => x !== undefined && x !== null).map((x, i) => encodeValue(model, shape.member.shape, x, format, `${path}[${i}]`));
    case 'map': {
      if (!isObject(v)) throw new TypeError(`${path}: expected an object for map ${shapeName}`);
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        if (item !== undefined && item !== null) out[k] = encodeValue(model, shape.value.shape, item, format, `${path}.${k}`);
      }
      return out;
    }
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'integer':
    case 'long':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      break;
    case 'double':
    case 'float':
      if (typeof v === 'number') {
        if (Number.isFinite(v)) return v;
        return format === 'json' ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v;
      }
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'timestamp': {
      const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
      if (d && !Number.isNaN(d.getTime())) return format === 'json' ? d.getTime() / 1000 : dateToTag(d);
      break;
    }
    case 'blob':
      if (v instanceof Uint8Array) return format === 'json' ? Buffer.from(v).toString('base64') : v;
      if (typeof v === 'string') return format === 'json' ? v : Buffer.from(v, 'base64');
      break;
  }
  throw new TypeError(`${path}: value does not fit ${shape.type} shape ${shapeName}`);
}
