/**
 * CloudWatch Logs filter patterns (FilterLogEvents' `filterPattern`), parsed once into a matcher:
 *
 * - terms: `ERROR` matches events containing ERROR (case-sensitive); `ERROR Exception` needs both;
 *   `"connection refused"` is one phrase; `?ERROR ?WARN` matches either; `-DEBUG` excludes.
 * - JSON: `{ $.duration > 1000 }`, `{ $.user.name = "bob" }`, `{ $.Command = "set*" }` (a trailing
 *   or inner `*` is a wildcard), `{ $.a = 1 && ($.b != "x" || $.c >= 2.5) }`, `{ $.k EXISTS }` /
 *   `{ $.k NOT EXISTS }`, `{ $.k IS NULL }`, `{ $.k IS TRUE }`. An event that is not a JSON object
 *   never matches a JSON pattern.
 *
 * Space-delimited patterns (`[ip, user, ...]`) are not supported: they are refused, never ignored.
 */
export type Matcher = (message: string) => boolean;

export class FilterPatternError extends Error {}

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const p = (pattern ?? '').trim();
  if (p === '') return () => true;
  if (p.startsWith('{')) return compileJson(p);
  if (p.startsWith('[')) throw new FilterPatternError('Space-delimited filter patterns ([w1, w2, ...]) are not supported by cachefleet; use terms or a JSON pattern.');
  return compileTerms(p);
}

function compileTerms(p: string): Matcher {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p)) !== null) {
    const text = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (m[3] !== undefined && m[3].includes('"')) throw new FilterPatternError(`Invalid filter pattern: unbalanced quote in ${JSON.stringify(p)}.`);
    (m[1] === '?' ? any : m[1] === '-' ? none : all).push(text);
  }
  return (msg) => all.every((t) => msg.includes(t)) && (any.length === 0 || any.some((t) => msg.includes(t))) && !none.some((t) => msg.includes(t));
}

// ---- JSON patterns: a small recursive-descent parser over tokens.

type Tok = { kind: 'sel'; path: string[] } | { kind: 'op'; op: string } | { kind: 'str'; value: string } | { kind: 'num'; value: number }
  | { kind: 'word'; value: string } | { kind: 'punct'; value: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const bad = (what: string) => new FilterPatternError(`Invalid filter pattern: ${what} at offset ${i} of ${JSON.stringify(src)}.`);
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '$') {
      const m = /^\$((?:\.[A-Za-z0-9_@-]+|\[\d+\])+)/.exec(src.slice(i));
      if (!m) throw bad('a selector must be $.name');
      toks.push({ kind: 'sel', path: [...m[1]!.matchAll(/\.([A-Za-z0-9_@-]+)|\[(\d+)\]/g)].map((x) => x[1] ?? x[2]!) });
      i += m[0].length;
    } else if (c === '"') {
      const m = /^"((?:[^"\\]|\\.)*)"/.exec(src.slice(i));
      if (!m) throw bad('unterminated string');
      toks.push({ kind: 'str', value: m[1]!.replace(/\\(.)/g, '$1') });
      i += m[0].length;
    } else if (/^(&&|\|\||!=|>=|<=|=|>|<)/.test(src.slice(i))) {
      const op = /^(&&|\|\||!=|>=|<=|=|>|<)/.exec(src.slice(i))![1]!;
      toks.push({ kind: 'op', op });
      i += op.length;
    } else if ('{}()'.includes(c)) {
      toks.push({ kind: 'punct', value: c });
      i++;
    } else {
      const m = /^[^\s{}()"=!<>&|]+/.exec(src.slice(i));
      if (!m) throw bad(`unexpected ${JSON.stringify(c)}`);
      const n = Number(m[0]);
      toks.push(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(m[0]) && Number.isFinite(n) ? { kind: 'num', value: n } : { kind: 'word', value: m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

type Json = unknown;
type Cond = (doc: Json) => boolean;

function compileJson(src: string): Matcher {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const fail = (what: string): never => { throw new FilterPatternError(`Invalid filter pattern: ${what} in ${JSON.stringify(src)}.`); };
  const expectPunct = (v: string) => { const t = toks[pos++]; if (t?.kind !== 'punct' || t.value !== v) fail(`expected "${v}"`); };

  const or = (): Cond => {
    let left = and();
    while (peek()?.kind === 'op' && (peek() as { op: string }).op === '||') { pos++; const l = left, r = and(); left = (d) => l(d) || r(d); }
    return left;
  };
  const and = (): Cond => {
    let left = primary();
    while (peek()?.kind === 'op' && (peek() as { op: string }).op === '&&') { pos++; const l = left, r = primary(); left = (d) => l(d) && r(d); }
    return left;
  };
  const primary = (): Cond => {
    const t = toks[pos++];
    if (t?.kind === 'punct' && t.value === '(') { const c = or(); expectPunct(')'); return c; }
    if (t?.kind !== 'sel') return fail('expected a $. selector');
    const path = t.path;
    const next = toks[pos++];
    if (next?.kind === 'word') {
      const w = next.value.toUpperCase();
      if (w === 'EXISTS') return (d) => lookup(d, path) !== undefined;
      if (w === 'NOT' && (toks[pos] as { value?: string })?.value?.toUpperCase() === 'EXISTS') { pos++; return (d) => lookup(d, path) === undefined; }
      if (w === 'IS') {
        const v = toks[pos++];
        const word = v?.kind === 'word' ? v.value.toUpperCase() : '';
        if (word === 'NULL') return (d) => lookup(d, path) === null;
        if (word === 'TRUE' || word === 'FALSE') return (d) => lookup(d, path) === (word === 'TRUE');
        return fail('IS takes NULL, TRUE or FALSE');
      }
      return fail(`unexpected ${next.value}`);
    }
    if (next?.kind !== 'op' || next.op === '&&' || next.op === '||') return fail('expected a comparison operator');
    const v = toks[pos++];
    if (!v || (v.kind !== 'num' && v.kind !== 'str' && v.kind !== 'word')) return fail('expected a value');
    return comparison(path, next.op, v as Tok & { value: string | number }, fail);
  };

  expectPunct('{');
  const cond = or();
  expectPunct('}');
  if (pos !== toks.length) fail('unexpected text after "}"');
  return (msg) => {
    let doc: Json;
    try { doc = JSON.parse(msg); } catch { return false; }
    return typeof doc === 'object' && doc !== null && cond(doc);
  };
}

function comparison(path: string[], op: string, v: { kind: string; value: string | number }, fail: (w: string) => never): Cond {
  if (v.kind === 'num') {
    const want = v.value as number;
    const cmp: Record<string, (a: number) => boolean> = {
      '=': (a) => a === want, '!=': (a) => a !== want, '>': (a) => a > want, '<': (a) => a < want, '>=': (a) => a >= want, '<=': (a) => a <= want,
    };
    return (d) => { const a = lookup(d, path); return typeof a === 'number' && cmp[op]!(a); };
  }
  if (op !== '=' && op !== '!=') return fail(`${op} compares numbers only`);
  const text = String(v.value);
  const re = new RegExp(`^${text.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return (d) => {
    const a = lookup(d, path);
    if (a === undefined || a === null || typeof a === 'object') return op === '!=' && a !== undefined;
    return re.test(String(a)) === (op === '=');
  };
}

function lookup(doc: Json, path: string[]): Json {
  let cur: Json = doc;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Json>)[k];
  }
  return cur;
}
