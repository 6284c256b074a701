import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DIR_MODE, FILE_MODE, dataPaths } from '../paths/index.js';

/** Where things live inside the data directory: the one table in src/paths. */
export { dataPaths };

/** What server.json says about the running service. */
export interface ServerInfo {
  pid: number;
  host: string;
  port: number;
  /** `https` when the API serves TLS (cachefleet server --tls); absent in files of older versions: http. */
  scheme?: 'http' | 'https';
  managementAddress?: string;
}

/** The API's base URL server.json describes. */
export function serverUrl(info: Pick<ServerInfo, 'host' | 'port' | 'scheme'>): string {
  const host = info.host.includes(':') ? `[${info.host}]` : info.host;
  return `${info.scheme ?? 'http'}://${host}:${info.port}`;
}

/** nft table name unique to this data directory, so two services on one host never share one. */
export function routeTableName(dataDir: string): string {
  return `cachefleet_${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
}

/** Alive and not a zombie (a killed service its parent has not reaped yet is gone for our purpose). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // not Linux: trust kill(0)
  }
}

/**
 * One service per data directory: server.json names the running service (pid, API address).
 * A stale file (its process gone, e.g. after kill -9) is taken over.
 */
export function claimDataDir(dataDir: string, info: Omit<ServerInfo, 'pid'>): () => void {
  mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
  const { serverFile } = dataPaths(dataDir);
  try {
    const prev = JSON.parse(readFileSync(serverFile, 'utf8')) as ServerInfo;
    if (prev.pid !== process.pid && alive(prev.pid)) {
      throw new Error(`another cachefleet service (pid ${prev.pid}, ${serverUrl(prev)}) uses data directory ${dataDir}`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  writeFileSync(serverFile, JSON.stringify({ pid: process.pid, ...info, startedAt: new Date().toISOString() }) + '\n', { mode: FILE_MODE });
  return () => rmSync(serverFile, { force: true });
}

/** server.json: the running service's pid, API address and scheme, and the address its node connections come from. */
export function readServerFile(dataDir: string): ServerInfo | undefined {
  try {
    return JSON.parse(readFileSync(dataPaths(dataDir).serverFile, 'utf8'));
  } catch {
    return undefined;
  }
}
