// Shared by scripts/gen-model.mjs and scripts/gen-ec2-model.mjs: loading a botocore service
// model, stripping its documentation, and writing TypeScript types for its shapes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the parent of scripts/). */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Reads the model named on the command line, or else the one botocore ships (found through the
 * machine's python3) at `relPath` below its package directory, e.g. 'data/ec2/2016-11-15/service-2.json.gz'.
 */
export function loadModel(relPath) {
  let path = process.argv[2];
  if (!path) {
    const dir = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'], { encoding: 'utf8' }).trim();
    path = join(dir, relPath);
  }
  const raw = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

/** Drops documentation (most of the bytes) and keeps everything the codec reads. */
export function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'documentation' || k === 'documentationUrl' || k === 'deprecatedMessage') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

/** Code-unit order, stable across locales. */
export const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const ident = (n) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(n) ? n : JSON.stringify(n));

/**
 * TypeScript declarations for the shapes named (in that order): lists are inlined as T[]; string
 * enums become named unions; structures become interfaces. With `markDeprecated`, deprecated
 * members get a `/** @deprecated *\/` comment.
 */
export function shapeDecls(shapes, names, { markDeprecated = false } = {}) {
  function tsType(name) {
    const s = shapes[name];
    switch (s.type) {
      case 'structure': return name;
      case 'list': {
        const t = tsType(s.member.shape);
        return /[ |]/.test(t) ? `(${t})[]` : `${t}[]`;
      }
      case 'map': return `Record<string, ${tsType(s.value.shape)}>`;
      case 'string': return s.enum ? name : 'string';
      case 'integer': case 'long': case 'double': case 'float': return 'number';
      case 'boolean': return 'boolean';
      case 'timestamp': return 'Date | string';
      case 'blob': return 'Uint8Array | string';
      default: throw new Error(`unhandled shape type ${s.type} (${name})`);
    }
  }
  const decls = [];
  for (const name of names) {
    const s = shapes[name];
    if (s.type === 'string' && s.enum) {
      decls.push(`export type ${name} = ${s.enum.map((v) => JSON.stringify(v)).join(' | ')};`);
    } else if (s.type === 'structure') {
      const required = new Set(s.required ?? []);
      const members = Object.entries(s.members ?? {}).map(([m, ref]) =>
        `${markDeprecated && ref.deprecated ? '  /** @deprecated */\n' : ''}  ${ident(m)}${required.has(m) ? '' : '?'}: ${tsType(ref.shape)};`);
      decls.push(members.length ? `export interface ${name} {\n${members.join('\n')}\n}` : `export interface ${name} {}`);
    }
  }
  return decls;
}

/** The body of shapes.ts: the declarations, the union of operation names and their input/output map. */
export function shapesModule({ header, decls, operations, opNames, namesType, shapesType, shapesDoc }) {
  const opShapes = opNames.map((op) => {
    const o = operations[op];
    return `  ${op}: { input: ${o.input ? o.input.shape : 'Record<string, never>'}; output: ${o.output ? o.output.shape : 'void'} };`;
  });
  return `${header}\n` +
    `/* eslint-disable */\n\n${decls.join('\n\n')}\n\n` +
    `export type ${namesType} =\n${opNames.map((n) => `  | ${JSON.stringify(n)}`).join('\n')};\n\n` +
    `/** ${shapesDoc} */\n` +
    `export interface ${shapesType} {\n${opShapes.join('\n')}\n}\n`;
}

/**
 * The part of a botocore model that `opNames` need: those operations (without documentation), the
 * closure of the shapes they reference in a stable (sorted) order, and the error shapes they name.
 * `visitErrors`: whether the errors' own shapes join the closure (for services whose faults carry
 * members the codec writes).
 */
export function modelSubset(model, label, opNames, { visitErrors = false } = {}) {
  const needed = new Set();
  const visit = (name) => {
    if (needed.has(name)) return;
    const s = model.shapes[name];
    if (!s) throw new Error(`shape ${name} is not in the ${label} model`);
    needed.add(name);
    for (const ref of Object.values(s.members ?? {})) visit(ref.shape);
    if (s.member) visit(s.member.shape);
    if (s.key) visit(s.key.shape);
    if (s.value) visit(s.value.shape);
  };
  const operations = {};
  const errors = new Set();
  for (const op of opNames) {
    const o = model.operations[op];
    if (!o) throw new Error(`operation ${op} is not in the ${label} model`);
    operations[op] = strip(o);
    if (o.input) visit(o.input.shape);
    if (o.output) visit(o.output.shape);
    for (const e of o.errors ?? []) {
      errors.add(e.shape);
      if (visitErrors) visit(e.shape);
    }
  }
  const sortedNames = [...needed].sort(byName);
  const shapes = Object.fromEntries(sortedNames.map((n) => [n, strip(model.shapes[n])]));
  return { operations, shapes, sortedNames, errors: [...errors].sort(byName), metadata: strip(model.metadata) };
}
