import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where things live inside the data directory. */
export function dataPaths(dataDir: string) {
  return {
    state: join(dataDir, 'state.db'),
    nodes: join(dataDir, 'nodes'),
    endpoints: join(dataDir, 'endpoints'),
    serverFile: join(dataDir, 'server.json'),
    /** The API's access keys (mode 0600), created on first start. */
    credentials: join(dataDir, 'credentials.json'),
  };
}

/** Makes the state database and its journal files readable and writable by their owner only. */
export function protectStateFiles(statePath: string): void {
  for (const file of [statePath, `${statePath}-wal`, `${statePath}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
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
export function claimDataDir(dataDir: string, info: { host: string; port: number; managementAddress?: string }): () => void {
  mkdirSync(dataDir, { recursive: true });
  const { serverFile } = dataPaths(dataDir);
  try {
    const prev = JSON.parse(readFileSync(serverFile, 'utf8')) as { pid: number; host: string; port: number };
    if (prev.pid !== process.pid && alive(prev.pid)) {
      throw new Error(`another cachefleet service (pid ${prev.pid}, http://${prev.host}:${prev.port}) uses data directory ${dataDir}`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
  }
  writeFileSync(serverFile, JSON.stringify({ pid: process.pid, ...info, startedAt: new Date().toISOString() }) + '\n');
  return () => rmSync(serverFile, { force: true });
}

/** server.json: the running service's pid and API address, and the address its node connections come from. */
export function readServerFile(dataDir: string): { pid: number; host: string; port: number; managementAddress?: string } | undefined {
  try {
    return JSON.parse(readFileSync(dataPaths(dataDir).serverFile, 'utf8'));
  } catch {
    return undefined;
  }
}
