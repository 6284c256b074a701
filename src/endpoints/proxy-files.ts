/**
 * The files through which the ProxyRouter (control plane) and the detached proxy process talk.
 * Files, not a socket, so that either side can die and restart without the other noticing:
 *   routes.json          desired routes (router writes, atomically; its removal stops the proxy)
 *   proxy.pid            the proxy's pid (proxy writes)
 *   proxy-status.json    what the proxy has applied: generation, listeners, errors (proxy writes)
 *   drop-<id>.json       a dropConnections request; the proxy deletes it when done (the ack)
 *   proxy.log            the proxy's stdout/stderr
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { FILE_MODE } from '../paths/index.js';
import { runsScriptWith } from '../util/process-info.js';
import type { EndpointRoute, Target } from './types.js';

export const PROXY_SCRIPT = 'proxy-process.js';

/** The file names: the one table in src/paths. */
export { proxyPaths, type ProxyPaths } from '../paths/index.js';

export interface RoutesFile {
  version: 1;
  /** Hash of the routes; the proxy echoes it in its status once applied. */
  generation: string;
  routes: EndpointRoute[];
}

export interface ProxyStatus {
  pid: number;
  generation: string;
  /** "address:port" of every listener up. */
  listening: string[];
  /** Routes that could not be served (e.g. EADDRINUSE); the proxy retries them. */
  errors: { routeId: string; message: string }[];
  /**
   * What this proxy's code can serve beyond plain routes: a proxy started by an older version
   * (adopted after an upgrade) would apply routes.json while ignoring fields it does not know.
   */
  features?: string[];
}

/** 'sniff': routes with tlsTargets (TLS "preferred" mode). */
export const PROXY_FEATURES = ['sniff'];

export interface DropRequest {
  routeId: string;
  target: Target;
}

export const DROP_PREFIX = 'drop-';

export function routesGeneration(routes: readonly EndpointRoute[]): string {
  return createHash('sha256').update(JSON.stringify(routes)).digest('hex').slice(0, 16);
}

/** Write-then-rename so a reader never sees a half-written file. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: FILE_MODE });
  try {
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw err;
  }
}

/** Parsed JSON, or undefined when the file is missing or unreadable. */
export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live proxy process serving `routesPath`: a pidfile can outlive its process and
 * the pid be reused by anything, so never signal a pid without this check.
 */
export function isProxyProcess(pid: number, routesPath: string): boolean {
  return runsScriptWith(pid, PROXY_SCRIPT, routesPath);
}
