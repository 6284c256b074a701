/**
 * Renders endpoint routes as one nft transaction, and reads back what is programmed.
 * Pure (no I/O) so the exact text is unit-tested.
 */
import { createHash } from 'node:crypto';
import { formatIpv4 } from '../util/ipv4.js';
import { mergeSources } from './addresses.js';
import type { EndpointRoute, SourceFilter } from './types.js';

/** The NAT chain (endpoint routes) and the filter chain (security groups' source filters). */
export const CHAIN = 'output';
export const FILTER_CHAIN = 'input';

/**
 * The conntrack mark of connections the cache nodes' own processes open. A node's MIGRATE (slot
 * migration, resharding) connects from the host's default source, 127.0.0.1, whatever its
 * bind-source-addr says (Redis 7.0 binds only replication and the cluster bus), so the source
 * filters know node-to-node traffic by the process's user: nodes run as their own user.
 */
export const NODE_MARK = '0x63660001';

export interface NftScriptOptions {
  /** The user cache nodes run as; their connections pass every source filter. */
  nodeUid?: number;
}

/** nft identifiers: conservative so the name can go into a script unquoted. */
export function checkTableName(table: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) {
    throw new Error(`invalid nft table name "${table}" (letters, digits, _; at most 64 characters)`);
  }
}

/** Sources as an nft anonymous interval set, e.g. "{ 10.1.2.3, 127.0.0.0-127.0.0.5 }". */
function sourceSet(sources: readonly string[]): string {
  const ranges = mergeSources(sources);
  return `{ ${ranges.map((r) => (r.first === r.last ? formatIpv4(r.first) : `${formatIpv4(r.first)}-${formatIpv4(r.last)}`)).join(', ')} }`;
}

/** The rule body (without comment) for one route. */
export function renderRuleBody(r: EndpointRoute): string {
  // Exempt sources match no rule and so reach address:port itself (e.g. redis-server on a node's
  // address, where everyone else is sent to a sniffing proxy listener).
  const exempt = r.exceptSources?.length ? ` ip saddr != ${sourceSet(r.exceptSources)}` : '';
  const match = `ip daddr ${r.address} tcp dport ${r.port}${exempt}`;
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
 * The rule body for one source filter: a new connection from outside `allow` is refused with a
 * reset (connect() fails at once, as on a closed port). Only new connections: as with EC2
 * security groups, revoking a rule does not cut connections already established.
 */
export function renderFilterBody(f: SourceFilter): string {
  const match = `ip daddr ${f.address} tcp dport ${f.port} ct state new`;
  if (f.allow.length === 0) return `${match} reject with tcp reset`;
  return `${match} ip saddr != ${sourceSet(f.allow)} reject with tcp reset`;
}

/**
 * The comment tagging each rule: the route id for people reading `nft list`, plus a hash of the
 * rule body so a later process can tell, from the listing alone, whether the table holds exactly
 * what it would program (adoption after a restart without touching the kernel).
 */
export function ruleComment(r: { id: string }, body: string): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const id = r.id.replace(/[^A-Za-z0-9._:/@-]/g, '_').slice(0, 80);
  return `${id} cf:${hash}`;
}

export interface RenderedTable {
  script: string;
  /** "chain comment" of every rule, chains in order, to compare with what `nft -j list table` reports. */
  comments: string[];
}

/** One script that atomically replaces the table's contents (nft -f applies it as one transaction). */
export function renderNftScript(table: string, routes: readonly EndpointRoute[], filters: readonly SourceFilter[] = [], opts: NftScriptOptions = {}): RenderedTable {
  checkTableName(table);
  const comments: string[] = [];
  const rules: string[] = [];
  const filterRules: string[] = [];
  const markNodes = filters.length > 0 && opts.nodeUid !== undefined && Number.isInteger(opts.nodeUid) && opts.nodeUid > 0;
  if (markNodes) {
    // First in the NAT chain (a dnat ends it): the first packet of each connection a node opens.
    const body = `meta skuid ${opts.nodeUid} ct mark set ${NODE_MARK}`;
    const comment = ruleComment({ id: 'node-connections' }, body);
    comments.push(`${CHAIN} ${comment}`);
    rules.push(`    ${body} comment "${comment}"`);
  }
  for (const r of routes) {
    const body = renderRuleBody(r);
    const comment = ruleComment(r, body);
    comments.push(`${CHAIN} ${comment}`);
    rules.push(`    ${body} comment "${comment}"`);
  }
  if (filters.length > 0) {
    // Packets of established connections skip the per-address rules below (one check instead of
    // one per guarded address). Accepting here only ends this chain; other tables still apply.
    const body = 'ct state != new accept';
    const comment = ruleComment({ id: 'not-new' }, body);
    comments.push(`${FILTER_CHAIN} ${comment}`);
    filterRules.push(`    ${body} comment "${comment}"`);
    if (markNodes) {
      const nodes = `ct mark ${NODE_MARK} accept`;
      const c = ruleComment({ id: 'node-connections' }, nodes);
      comments.push(`${FILTER_CHAIN} ${c}`);
      filterRules.push(`    ${nodes} comment "${c}"`);
    }
  }
  for (const f of filters) {
    const body = renderFilterBody(f);
    const comment = ruleComment(f, body);
    comments.push(`${FILTER_CHAIN} ${comment}`);
    filterRules.push(`    ${body} comment "${comment}"`);
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
    `  chain ${FILTER_CHAIN} {`,
    // Every connection a node accepts arrives here, already translated: a filter on the node's
    // address covers connections through an endpoint's NAT and direct ones alike.
    `    type filter hook input priority 0; policy accept;`,
    ...filterRules,
    `  }`,
    `}`,
    '',
  ].join('\n');
  return { script, comments };
}

/**
 * From `nft -j list table ip T` output: "chain comment" of the rules in our chains, in order, or
 * undefined when a chain is missing or not the hook we program.
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
  let natOk = false;
  let filterOk = false;
  const nat: string[] = [];
  const filter: string[] = [];
  for (const item of items) {
    const chain = (item as { chain?: Record<string, unknown> }).chain;
    if (chain && chain.name === CHAIN) {
      natOk = chain.type === 'nat' && chain.hook === 'output' && chain.prio === -100 && chain.policy === 'accept';
    }
    if (chain && chain.name === FILTER_CHAIN) {
      filterOk = chain.type === 'filter' && chain.hook === 'input' && chain.prio === 0 && chain.policy === 'accept';
    }
    const rule = (item as { rule?: Record<string, unknown> }).rule;
    const comment = typeof rule?.comment === 'string' ? rule.comment : '';
    if (rule && rule.chain === CHAIN) nat.push(`${CHAIN} ${comment}`);
    if (rule && rule.chain === FILTER_CHAIN) filter.push(`${FILTER_CHAIN} ${comment}`);
  }
  return natOk && filterOk ? [...nat, ...filter] : undefined;
}
