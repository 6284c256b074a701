/**
 * The house's floors (STYLE.md: "lower floors never import higher ones… no import cycles"),
 * checked on every `import`/`export … from`/`import()` of src/**\/*.ts, tests included, type-only
 * imports included (a type is a dependency a reader has to follow too).
 *
 * A folder of src/ may import its own files and the folders on floors below its own; never a
 * folder on its own floor (peers stay independent) nor one above. Separately, no file may take
 * part in an import cycle, however short.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Bottom to top. Each line is one floor; the folders of a floor do not import one another.
 * - util: logging, waiting, IPv4 arithmetic — no knowledge of cachefleet. paths: the data
 *   directory's layout (every path, its mode and owner), which every floor above takes its paths from.
 * - errors: the typed AWS error and the ElastiCache model's faults.
 * - store, catalog: the records and their store; the engines, node types, parameters on offer.
 * - engine, endpoints, events: redis-server processes and admin connections; the routes in front
 *   of them; the event sink (over the store).
 * - core, security, health, failover, iam: what API handlers and controllers share (Services, ARNs,
 *   the service's configuration); node auth, ACL users and TLS; the health monitor; the failover
 *   machine (over the engine); the API's own users, groups, keys and policy evaluation. metrics:
 *   collection from the nodes, the time-series store, the Prometheus exposition (over the engine).
 * - resources: the ElastiCache resources as records (validation, naming, commits). serverless: the
 *   serverless caches' endpoint engine (a RESP-aware cluster proxy, its process beside the
 *   endpoints) and its contract with the control plane. gateway: the
 *   IAM auth gateway of Redis connections (tokens checked with iam's SigV4 and policies, its process
 *   beside the endpoints).
 * - logs: CloudWatch Logs' groups, streams and events (logs.db) and the delivery of the nodes'
 *   slow and engine logs into them (over the engine's admin connections). metrics: the metric contracts and stores. alarms: CloudWatch alarms evaluated over a metric
 *   store (their data and their SNS publishing injected). sns: topics' deliveries (signed envelopes, retries).
 * - snapshots: backup files (stores, framing, keys) and moving RDB data in and out of nodes.
 * - reconciler: observed state brought to the desired one.
 * - api: the wire (ElastiCache and EC2 actions, codecs, auth).
 * - console: the web console's sessions and routes, mounted on the API's server and calling its pipeline.
 * - service: wiring it all together at start.
 * - cli: the command line.
 */
export const FLOORS: readonly (readonly string[])[] = [
  ['util', 'paths'],
  ['errors'],
  ['store', 'catalog'],
  ['engine', 'endpoints', 'events'],
  ['core', 'security', 'health', 'failover', 'iam', 'snapshots', 'metrics'],
  ['resources', 'gateway', 'alarms', 'sns', 'logs', 'serverless'],
  ['reconciler'],
  ['api'],
  ['console'],
  ['service'],
  ['cli'],
];

/**
 * Known exceptions, `from -> to` as paths under src/ (no extension), each with why it stays.
 * Empty is the goal; an entry that no longer matches anything fails the test, so the list shrinks.
 */
export const ALLOWED: ReadonlyMap<string, string> = new Map<string, string>([
  // Type-only: these validators take the API's input as the generated model types it (a
  // CreateReplicationGroup's NodeGroupConfiguration, a CreateUser's AuthenticationMode). The
  // model (api/model: shapes.ts beside the service.json the codec reads) is the API's, and
  // restating its shapes by hand here would drift from botocore's. Erased at run time.
  ['resources/shard-layout -> api/model/shapes', 'type-only: validates NodeGroupConfiguration of the API model'],
  ['resources/users -> api/model/shapes', 'type-only: validates AuthenticationMode of the API model'],
]);

export interface ImportEdge {
  /** Importing file and imported file, relative to src/ without extension (`api/errors`). */
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Every relative import of one file (static, re-export, dynamic), resolved to src/-relative paths. */
export function importsOf(srcDir: string, file: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return; // a package or node: builtin
    const target = resolve(dirname(file), spec).replace(/\.(js|ts)$/, '');
    out.push({ from: srcPath(srcDir, file), to: relative(srcDir, target).split(sep).join('/'), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings &&
        ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true); // `import('./x.js').T` in a type position
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function srcPath(srcDir: string, file: string): string {
  return relative(srcDir, file).replace(/\.ts$/, '').split(sep).join('/');
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The floor of a src/-relative path (its first folder), or undefined for a file outside every floor. */
export function floorOf(path: string, floors = FLOORS): number | undefined {
  const folder = path.split('/')[0]!;
  const i = floors.findIndex((f) => f.includes(folder));
  return i === -1 ? undefined : i;
}

/** Imports that go up a floor or sideways to another folder of the same floor, as `from -> to` lines. */
export function floorViolations(edges: readonly ImportEdge[], floors = FLOORS): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const [a, b] = [e.from.split('/')[0], e.to.split('/')[0]];
    if (a === b || e.to.startsWith('..')) continue; // own folder; test helpers outside src/ are checked by tsc only
    const fa = floorOf(e.from, floors);
    const fb = floorOf(e.to, floors);
    if (fa === undefined || fb === undefined) out.push(`${e.from} -> ${e.to} (a folder with no floor: add it to FLOORS)`);
    else if (fb >= fa) {
      out.push(`${e.from} -> ${e.to} (${a} is on floor ${fa}, ${b} on ${fb === fa ? 'the same floor' : `floor ${fb}`}${e.typeOnly ? '; type-only' : ''})`);
    }
  }
  return out;
}

/** The import cycles among files (strongly connected components of more than one file, or a self-import). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  // Tarjan's algorithm, iterative over an explicit stack of (node, remaining successors).
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  for (const root of [...next.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<[string, string[]]> = [];
    const open = (v: string) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push([v, [...(next.get(v) ?? [])].sort()]);
    };
    open(root);
    while (work.length > 0) {
      const [v, succ] = work[work.length - 1]!;
      const w = succ.shift();
      if (w !== undefined) {
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let x: string;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          scc.push(x);
        } while (x !== v);
        if (scc.length > 1 || next.get(v)?.has(v)) cycles.push(scc.sort());
      }
    }
  }
  return cycles;
}

describe('layers', () => {
  // dist/src/layers.test.js runs; the sources are in <repo>/src.
  const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
  const edges = tsFiles(srcDir).flatMap((f) => importsOf(srcDir, f, readFileSync(f, 'utf8')));

  it('finds the imports of the source tree', () => {
    assert.ok(edges.length > 500, `only ${edges.length} imports found under ${srcDir}`);
  });

  it('no folder imports one on its own floor or above (STYLE.md)', () => {
    const found = floorViolations(edges);
    const key = (line: string) => line.split(' (')[0]!;
    const unexplained = found.filter((v) => !ALLOWED.has(key(v)));
    assert.equal(unexplained.length, 0, `imports against the floors:\n  ${unexplained.join('\n  ')}`);
    const stale = [...ALLOWED.keys()].filter((k) => !found.some((v) => key(v) === k));
    assert.equal(stale.length, 0, `allow-list entries that no longer match an import (remove them):\n  ${stale.join('\n  ')}`);
  });

  it('no import cycles', () => {
    const cycles = importCycles(edges);
    assert.equal(cycles.length, 0, `import cycles:\n  ${cycles.map((c) => c.join(' <-> ')).join('\n  ')}`);
  });

  it('checks itself: floors, sideways imports, cycles', () => {
    const e = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: false });
    assert.deepEqual(floorViolations([e('api/x', 'store/y'), e('api/x', 'api/z')]), []);
    assert.equal(floorViolations([e('store/y', 'api/x')]).length, 1);
    assert.equal(floorViolations([e('store/y', 'catalog/x')]).length, 1, 'same floor');
    assert.equal(floorViolations([e('nowhere/y', 'util/x')]).length, 1, 'unknown folder');
    assert.deepEqual(importCycles([e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')]), [['a', 'b', 'c']]);
    assert.deepEqual(importCycles([e('a', 'b'), e('b', 'c')]), []);
    const parsed = importsOf('/r/src', '/r/src/api/x.ts', [
      "import type { A } from '../store/index.js';",
      "import { b, type C } from './b.js';",
      "export * from '../util/wait.js';",
      "const m = await import('../engine/admin.js');",
      "type T = import('../catalog/engines.js').InstalledEngine;",
      "import { pino } from 'pino';",
      "// import { x } from '../nowhere.js';",
    ].join('\n'));
    assert.deepEqual(parsed.map((p) => [p.to, p.typeOnly]), [
      ['store/index', true], ['api/b', false], ['util/wait', false], ['engine/admin', false], ['catalog/engines', true],
    ]);
  });
});
