/**
 * Running external programs from end-to-end tests (aws CLI, python, redis-cli, the cachefleet
 * CLI): the exit code, stdout and stderr are always returned, and a failure to run says what ran.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the program after this long (default 60 s); a timeout is reported as code -1. */
  timeoutMs?: number;
  input?: string;
}

/** Runs `cmd args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, {
      env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024, encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      if (e && typeof e.code === 'string') { // ENOENT etc.: the program could not be run at all
        reject(new Error(`cannot run ${cmd}: ${e.message}`));
        return;
      }
      const code = e ? (e.killed ? -1 : typeof e.code === 'number' ? e.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Runs and requires exit code 0; the error names the command and carries its output. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

/** `redis-cli -h address -p port args…`, output trimmed (redis-cli prints raw replies when not on a terminal). */
export async function redisCli(address: string, port: number, ...args: string[]): Promise<string> {
  const r = await runOk('redis-cli', ['-h', address, '-p', String(port), ...args], { timeoutMs: 10_000 });
  return r.stdout.trim();
}

const PYTHONS = ['python3', '/usr/bin/python3'];

/** The first Python that imports every one of `modules` (pyenv's has boto3, Debian's has redis-py), if any. */
export async function pythonWith(...modules: string[]): Promise<string | undefined> {
  for (const py of PYTHONS) {
    const r = await run(py, ['-c', `import ${modules.join(', ')}`], { timeoutMs: 20_000 }).catch(() => undefined);
    if (r?.code === 0) return py;
  }
  return undefined;
}
