// The parser of CloudWatch metric math expressions (the subset served: see evaluate.ts): numbers,
// query ids, + - * / ^, unary minus, comparisons (> < >= <= == !=), AND/OR (&& ||), parentheses,
// function calls and [a, b] arrays. A precedence-climbing parser over a small tokenizer.

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'unary'; op: '-'; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr };

export class ExpressionError extends Error {}

type Token = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'op'; v: string };

const OPS = ['>=', '<=', '==', '!=', '&&', '||', '+', '-', '*', '/', '^', '>', '<', '(', ')', '[', ']', ','];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', v: id[0] }); i += id[0].length; continue; }
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end === -1) throw new ExpressionError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: src.slice(i + 1, end) }); i = end + 1; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character "${c}" at ${i}`);
    out.push({ t: 'op', v: op }); i += op.length;
  }
  return out;
}

/** Binding power of each binary operator (higher binds tighter); ^ is right-associative. */
const PRECEDENCE: Record<string, number> = { '||': 1, OR: 1, '&&': 2, AND: 2, '>': 3, '<': 3, '>=': 3, '<=': 3, '==': 3, '!=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '^': 7 };

export function parseExpression(src: string): Expr {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const isOp = (v: string) => { const t = peek(); return t !== undefined && (t.t === 'op' || t.t === 'id') && t.v === v; };
  const expect = (v: string) => { if (!isOp(v)) throw new ExpressionError(`expected "${v}"`); pos++; };

  function primary(): Expr {
    const t = toks[pos++];
    if (!t) throw new ExpressionError('unexpected end of expression');
    if (t.t === 'num') return { kind: 'number', value: t.v };
    if (t.t === 'str') return { kind: 'string', value: t.v };
    if (t.t === 'op' && t.v === '-') return { kind: 'unary', op: '-', arg: binary(6) };
    if (t.t === 'op' && t.v === '(') { const e = binary(0); expect(')'); return e; }
    if (t.t === 'op' && t.v === '[') return { kind: 'array', items: list(']') };
    if (t.t === 'id') {
      if (isOp('(')) { pos++; return { kind: 'call', fn: t.v.toUpperCase(), args: list(')') }; }
      return { kind: 'id', name: t.v };
    }
    throw new ExpressionError(`unexpected "${t.v}"`);
  }
  function list(close: string): Expr[] {
    const items: Expr[] = [];
    if (isOp(close)) { pos++; return items; }
    for (;;) {
      items.push(binary(0));
      if (isOp(',')) { pos++; continue; }
      expect(close);
      return items;
    }
  }
  function binary(minPrec: number): Expr {
    let left = primary();
    for (;;) {
      const t = peek();
      if (!t || (t.t !== 'op' && t.t !== 'id')) break;
      const prec = PRECEDENCE[t.v];
      if (prec === undefined || prec < minPrec) break;
      pos++;
      const right = binary(t.v === '^' ? prec : prec + 1);
      const op = t.v === 'AND' ? '&&' : t.v === 'OR' ? '||' : t.v;
      left = { kind: 'binary', op, left, right };
    }
    return left;
  }
  const e = binary(0);
  if (pos !== toks.length) throw new ExpressionError(`unexpected "${toks[pos]!.v}"`);
  return e;
}
