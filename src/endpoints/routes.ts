/** Validation shared by both routers: reject a route set that would be silently mis-programmed. */
import { isIpv4 } from '../util/ipv4.js';
import { mergeSources, sourceAllowed } from './addresses.js';
import type { EndpointRoute, SourceFilter, Target } from './types.js';

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what}: invalid port ${port}`);
}

function checkTarget(t: Target, what: string): void {
  if (!isIpv4(t.address)) throw new Error(`${what}: invalid IPv4 target address "${t.address}"`);
  checkPort(t.port, what);
}

/**
 * Validates `routes` and returns a copy sorted by id, so the same set always renders the same
 * programme (the routers skip work when nothing changed). Both routers are IPv4-only.
 */
export function normalizeRoutes(routes: readonly EndpointRoute[]): EndpointRoute[] {
  const ids = new Set<string>();
  const listeners = new Map<string, string>();
  for (const r of routes) {
    if (!r.id) throw new Error('endpoint route without an id');
    if (ids.has(r.id)) throw new Error(`duplicate endpoint route id "${r.id}"`);
    ids.add(r.id);
    if (!isIpv4(r.address)) throw new Error(`route ${r.id}: invalid IPv4 address "${r.address}"`);
    checkPort(r.port, `route ${r.id}`);
    // Two routes on one address:port would make the first silently win.
    const key = `${r.address}:${r.port}`;
    const other = listeners.get(key);
    if (other !== undefined) throw new Error(`routes ${other} and ${r.id} both use ${key}`);
    listeners.set(key, r.id);
    for (const t of r.targets) checkTarget(t, `route ${r.id}`);
    for (const t of r.tlsTargets ?? []) checkTarget(t, `route ${r.id} (TLS target)`);
    if (r.allow !== undefined) checkSources(r.allow, `route ${r.id}`);
    if (r.exceptSources !== undefined) checkSources(r.exceptSources, `route ${r.id} (source exemptions)`);
    // The proxy serves durable and sniffing routes, kernel NAT the exemptions: no router does two.
    const exempt = (r.exceptSources?.length ?? 0) > 0;
    if (r.durable && r.tlsTargets) throw new Error(`route ${r.id}: durable writes and TLS sniffing (tlsTargets) cannot be combined`);
    if (exempt && r.durable) throw new Error(`route ${r.id}: durable writes and source exemptions (exceptSources) cannot be combined`);
    if (exempt && r.tlsTargets) throw new Error(`route ${r.id}: TLS sniffing (tlsTargets) and source exemptions (exceptSources) cannot be combined`);
    if (r.sourceAddress !== undefined && !isIpv4(r.sourceAddress)) throw new Error(`route ${r.id}: invalid source address "${r.sourceAddress}"`);
    if (r.durable !== undefined) {
      const ms = r.durable.timeoutMs;
      if (!Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) throw new Error(`route ${r.id}: invalid durable timeout ${ms} ms`);
    }
  }
  checkNoLoop(routes);
  return [...routes]
    .map((r): EndpointRoute => ({
      id: r.id, address: r.address, port: r.port, targets: r.targets.map((t) => ({ address: t.address, port: t.port })),
      // Only when set, so the routes (and their hash) of a plain route are what they always were.
      ...(r.durable ? { durable: { timeoutMs: r.durable.timeoutMs } } : {}),
      ...(r.allow ? { allow: [...r.allow].sort() } : {}),
      ...(r.sourceAddress ? { sourceAddress: r.sourceAddress } : {}),
      ...(r.tlsTargets ? { tlsTargets: r.tlsTargets.map((t) => ({ address: t.address, port: t.port })) } : {}),
      // An empty list exempts nobody: dropped, so the route is (and hashes as) a plain one.
      ...(r.exceptSources?.length ? { exceptSources: [...r.exceptSources].sort() } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A sniffing route (TLS "preferred" mode): served by the proxy process, which picks targets by the first byte. */
export function isSniffing(r: EndpointRoute): boolean {
  return r.tlsTargets !== undefined;
}

/** A route with source exemptions: only kernel NAT can serve it (the address:port is the node's own). */
export function needsKernelNat(r: EndpointRoute): boolean {
  return (r.exceptSources?.length ?? 0) > 0;
}

/**
 * TLS "preferred" mode sends a node's clients from node:6379 (NAT, with exemptions) to a sniffing
 * listener, which connects back to node:6379: unless that connection's source is exempt, NAT
 * sends it to the listener again, and every client would start an endless chain of connections.
 */
function checkNoLoop(routes: readonly EndpointRoute[]): void {
  const at = new Map(routes.map((r) => [`${r.address}:${r.port}`, r]));
  for (const nat of routes) {
    if (!nat.exceptSources?.length) continue;
    for (const t of nat.targets) {
      const proxied = at.get(`${t.address}:${t.port}`);
      // Only the proxy connects anew; NAT translates a connection once, so NAT to NAT cannot loop.
      if (!proxied || !(proxied.durable || isSniffing(proxied))) continue;
      const back = [...proxied.targets, ...(proxied.tlsTargets ?? [])].some((u) => u.address === nat.address && u.port === nat.port);
      const exempt = proxied.sourceAddress !== undefined && sourceAllowed(proxied.sourceAddress, nat.exceptSources);
      if (back && !exempt) {
        throw new Error(
          `route ${proxied.id} connects to ${nat.address}:${nat.port}, which route ${nat.id} translates back to it: ` +
            `its sourceAddress (${proxied.sourceAddress ?? 'none'}) must be among ${nat.id}'s exceptSources`,
        );
      }
    }
  }
}

export function sameTarget(a: Target, b: Target): boolean {
  return a.address === b.address && a.port === b.port;
}

function checkSources(sources: readonly string[], what: string): void {
  try {
    mergeSources(sources);
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
}

/** Validates source filters and returns a copy sorted by id (stable rendering, as for routes). */
export function normalizeFilters(filters: readonly SourceFilter[]): SourceFilter[] {
  const ids = new Set<string>();
  const listeners = new Map<string, string>();
  for (const f of filters) {
    if (!f.id) throw new Error('source filter without an id');
    if (ids.has(f.id)) throw new Error(`duplicate source filter id "${f.id}"`);
    ids.add(f.id);
    if (!isIpv4(f.address)) throw new Error(`source filter ${f.id}: invalid IPv4 address "${f.address}"`);
    checkPort(f.port, `source filter ${f.id}`);
    const key = `${f.address}:${f.port}`;
    const other = listeners.get(key);
    if (other !== undefined) throw new Error(`source filters ${other} and ${f.id} both guard ${key}`);
    listeners.set(key, f.id);
    checkSources(f.allow, `source filter ${f.id}`);
  }
  return [...filters]
    .map((f): SourceFilter => ({ id: f.id, address: f.address, port: f.port, allow: [...f.allow].sort() }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
