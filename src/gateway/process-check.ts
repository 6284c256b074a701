/** Whether a pid from the gateway's pidfile is still the gateway of that config (pids get reused). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { GATEWAY_SCRIPT } from './config.js';

function commandLine(pid: number): string[] | undefined {
  if (process.platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw ? raw.split('\0').filter(Boolean) : undefined; // a zombie's is empty
    } catch {
      return undefined;
    }
  }
  try {
    process.kill(pid, 0);
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return out ? out.split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

export function isGatewayProcess(pid: number, configPath: string): boolean {
  const argv = commandLine(pid);
  return !!argv && argv.some((a) => basename(a) === GATEWAY_SCRIPT) && argv.includes(configPath);
}
