/**
 * Renders endpoint routes as one nft transaction, and reads back what is programmed.
 * Pure (no I/O) so the exact text is unit-tested.
 */
import { createHash } from 'node:crypto';
import type { EndpointRoute } from './types.js';

export const CHAIN = 'output';

/** nft identifiers: conservative so the name can go into a script unquoted. */
export function checkTableName(table: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) {
    throw new Error(`invalid nft table name "${table}" (letters, digits, _; at most 64 characters)`);
  }
}

/** The rule body (without comment) for one route. */
export function renderRuleBody(r: EndpointRoute): string {
  const match = `ip daddr ${r.address} tcp dport ${r.port}`;
  if (r.targets.length === 0) {
    // A reset on the SYN makes connect() fail at once (ECONNREFUSED) instead of reaching whatever
    // else may listen on that port, or timing out.
    return `${match} reject with tcp reset`;
  }
  if (r.targets.length === 1) {
    const t = r.targets[0]!;
    return `${match} dnat to ${t.address}:${t.port}`;
  }
  // Round robin: numgen counts new connections (the nat chain sees only the first packet of each);
  // the map value is an address . port concatenation, so targets may use different ports.
  const entries = r.targets.map((t, i) => `${i} : ${t.address} . ${t.port}`).join(', ');
  return `${match} dnat ip to numgen inc mod ${r.targets.length} map { ${entries} }`;
}

/**
 * The comment tagging each rule: the route id for people reading `nft list`, plus a hash of the
 * rule body so a later process can tell, from the listing alone, whether the table holds exactly
 * what it would program (adoption after a restart without touching the kernel).
 */
export function ruleComment(r: EndpointRoute, body: string): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const id = r.id.replace(/[^A-Za-z0-9._:/@-]/g, '_').slice(0, 80);
  return `${id} cf:${hash}`;
}

export interface RenderedTable {
  script: string;
  /** The rule comments in chain order, to compare with what `nft -j list table` reports. */
  comments: string[];
}

/** One script that atomically replaces the table's contents (nft -f applies it as one transaction). */
export function renderNftScript(table: string, routes: readonly EndpointRoute[]): RenderedTable {
  checkTableName(table);
  const comments: string[] = [];
  const rules: string[] = [];
  for (const r of routes) {
    const body = renderRuleBody(r);
    const comment = ruleComment(r, body);
    comments.push(comment);
    rules.push(`    ${body} comment "${comment}"`);
  }
  const script = [
    // Declaring the table first makes the flush valid whether or not it exists yet.
    `table ip ${table} {}`,
    `flush table ip ${table}`,
    `table ip ${table} {`,
    `  chain ${CHAIN} {`,
    // dstnat priority in the output hook: locally originated connections (all loopback clients).
    `    type nat hook output priority -100; policy accept;`,
    ...rules,
    `  }`,
    `}`,
    '',
  ].join('\n');
  return { script, comments };
}

/**
 * From `nft -j list table ip T` output: the comments of the rules in our chain, in order, or
 * undefined when the chain is missing or not the nat/output hook we program.
 */
export function programmedComments(json: string): string[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return undefined;
  }
  const items = (doc as { nftables?: unknown[] }).nftables;
  if (!Array.isArray(items)) return undefined;
  let chainOk = false;
  const comments: string[] = [];
  for (const item of items) {
    const chain = (item as { chain?: Record<string, unknown> }).chain;
    if (chain && chain.name === CHAIN) {
      chainOk = chain.type === 'nat' && chain.hook === 'output' && chain.prio === -100 && chain.policy === 'accept';
    }
    const rule = (item as { rule?: Record<string, unknown> }).rule;
    if (rule && rule.chain === CHAIN) comments.push(typeof rule.comment === 'string' ? rule.comment : '');
  }
  return chainOk ? comments : undefined;
}
