/** Validation shared by both routers: reject a route set that would be silently mis-programmed. */
import { isIpv4, mergeSources } from './addresses.js';
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
    if (r.allow !== undefined) checkSources(r.allow, `route ${r.id}`);
    if (r.sourceAddress !== undefined && !isIpv4(r.sourceAddress)) throw new Error(`route ${r.id}: invalid source address "${r.sourceAddress}"`);
    if (r.durable !== undefined) {
      const ms = r.durable.timeoutMs;
      if (!Number.isInteger(ms) || ms < 1 || ms > 2 ** 31 - 1) throw new Error(`route ${r.id}: invalid durable timeout ${ms} ms`);
    }
  }
  return [...routes]
    .map((r): EndpointRoute => ({
      id: r.id, address: r.address, port: r.port, targets: r.targets.map((t) => ({ address: t.address, port: t.port })),
      // Only when set, so the routes (and their hash) of a plain route are what they always were.
      ...(r.durable ? { durable: { timeoutMs: r.durable.timeoutMs } } : {}),
      ...(r.allow ? { allow: [...r.allow].sort() } : {}),
      ...(r.sourceAddress ? { sourceAddress: r.sourceAddress } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
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
