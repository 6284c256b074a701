import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The command line of `pid`, or undefined when it is not running (or a zombie). */
export function commandLine(pid: number): string[] | undefined {
  if (process.platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw ? raw.split('\0').filter(Boolean) : undefined; // zombies have an empty cmdline
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

/**
 * Whether `pid` runs `script` with `arg` on its command line: a pidfile can outlive its process
 * and the pid be reused by anything, so never signal a pid from a pidfile without this check.
 */
export function runsScriptWith(pid: number, script: string, arg: string): boolean {
  const argv = commandLine(pid);
  return !!argv && argv.some((a) => basename(a) === script) && argv.includes(arg);
}
