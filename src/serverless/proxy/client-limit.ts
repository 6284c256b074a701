/**
 * How many clients one worker admits (ElastiCache Serverless: `maxclients` 65,000 per cache). The
 * workers share the ports (SO_REUSEPORT spreads connections evenly), so each takes its share; and
 * none may take more than its open-files limit leaves after the descriptors it needs itself
 * (backend connections, files): past that, accept() would fail and a client would see its
 * connection closed without a word, instead of Redis's own error.
 */
import { readFileSync } from 'node:fs';

export const MAX_CLIENTS = 65_000;
/** Descriptors a worker keeps for itself: backend pools, pub/sub and blocking connections, files. */
export const FD_RESERVE = 1024;
/** What Redis answers a client past maxclients, before it closes the connection. */
export const MAX_CLIENTS_ERROR = '-ERR max number of clients reached\r\n';

export function clientsPerWorker(maxClients: number, workers: number, openFilesLimit: number | undefined): number {
  const share = Math.ceil(maxClients / Math.max(1, workers));
  return openFilesLimit === undefined ? share : Math.max(1, Math.min(share, openFilesLimit - FD_RESERVE));
}

/** The process's soft limit of open files (Linux: /proc/self/limits), undefined when unknown or unlimited. */
export function openFilesLimit(limits = readProcLimits()): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits ?? '');
  return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
}

function readProcLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}
