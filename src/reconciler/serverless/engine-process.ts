/**
 * A serverless cache's endpoint engine as a detached process, as the endpoint proxy is run
 * (endpoints/proxy-router.ts): started with `node <main.js> <proxy.json>` in its own session, so a
 * signal to the control plane's group never reaches it; found again after a restart of the control
 * plane through its pidfile, verified against its command line (a pid can be reused); told to stop
 * by the removal of proxy.json, and signalled only if it does not.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DIR_MODE, FILE_MODE, type ServerlessPaths } from '../../paths/index.js';
import type { ServerlessComputeCharge, ServerlessProxyConfig, ServerlessProxyStatus, ServerlessUsage } from '../../serverless/proxy/config.js';
import { runsScriptWith } from '../../util/process-info.js';

/** The generation of a config: a hash of everything but the generation, so an unchanged config keeps it. */
export function configGeneration(config: Omit<ServerlessProxyConfig, 'generation'>): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/**
 * Open files the engine may hold when the service can raise the limit (util-linux's prlimit, and
 * CAP_SYS_RESOURCE, which root has outside restricted containers): ElastiCache Serverless admits
 * 65,000 clients a cache, each a descriptor in one of the workers, and a host's usual limit (1,024
 * or 20,000) would cap that. Where it cannot, the workers admit what their limit allows
 * (serverless/proxy/client-limit.ts) and refuse the rest with Redis's own error.
 */
export const ENGINE_OPEN_FILES = 70_000;
let raisable: string | false | undefined;

/** prlimit's path when it can give a process ENGINE_OPEN_FILES (tried once), else false. */
export function openFilesRaiser(): string | false {
  if (raisable !== undefined) return raisable;
  raisable = false;
  for (const p of ['/usr/bin/prlimit', '/bin/prlimit']) {
    if (!existsSync(p)) continue;
    try {
      execFileSync(p, [`--nofile=${ENGINE_OPEN_FILES}:${ENGINE_OPEN_FILES}`, 'true'], { stdio: 'ignore', timeout: 5000 });
      raisable = p;
    } catch { /* not permitted here */ }
    break;
  }
  return raisable;
}

/** The command that starts the engine: under prlimit with ENGINE_OPEN_FILES when it may raise the limit. */
export function engineCommand(main: string, config: string, prlimit: string | false = openFilesRaiser()): [string, string[]] {
  if (prlimit) return [prlimit, [`--nofile=${ENGINE_OPEN_FILES}:${ENGINE_OPEN_FILES}`, process.execPath, main, config]];
  return [process.execPath, [main, config]];
}

export class EngineProcess {
  /** Spawned by this control plane and not yet seen in the pidfile: not started twice meanwhile. */
  private spawned: number | undefined;
  /** When the first request to stop was made (signals follow after `stopGraceMs`). */
  private stopAskedAt: number | undefined;

  constructor(readonly paths: ServerlessPaths, private readonly mainScript: string) {}

  /** Whether the engine's code is installed (the endpoint engine is built separately). */
  installed(): boolean {
    return existsSync(this.mainScript);
  }

  /** The engine's pid when one runs for this cache (verified, not just the pidfile). */
  pid(): number | undefined {
    const fromFile = readPid(this.paths.pid);
    if (fromFile !== undefined && this.isEngine(fromFile)) {
      this.spawned = undefined;
      return fromFile;
    }
    if (this.spawned !== undefined && this.isEngine(this.spawned)) return this.spawned;
    this.spawned = undefined;
    return undefined;
  }

  /** Writes proxy.json (atomically) when it differs; true when it was written. */
  writeConfig(config: ServerlessProxyConfig): boolean {
    const text = `${JSON.stringify(config, null, 1)}\n`;
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    let current: string | undefined;
    try { current = readFileSync(this.paths.config, 'utf8'); } catch { /* first write */ }
    if (current === text) return false;
    writeFileAtomic(this.paths.config, text);
    return true;
  }

  /** Writes compute.json (atomically): the CPU part of ECPUs the workers charge to their buckets. */
  writeCompute(charge: ServerlessComputeCharge): void {
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    writeFileAtomic(this.paths.compute, `${JSON.stringify(charge)}\n`);
  }

  /** Writes a secret file (0600) when its content differs. */
  writeSecret(path: string, secret: string): void {
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    let current: string | undefined;
    try { current = readFileSync(path, 'utf8'); } catch { /* none yet */ }
    if (current !== `${secret}\n`) writeFileAtomic(path, `${secret}\n`);
  }

  start(): number {
    mkdirSync(this.paths.dir, { recursive: true, mode: DIR_MODE });
    const log = openSync(this.paths.log, 'a', FILE_MODE);
    try {
      // prlimit execs node in place: the pid is the engine's.
      const [command, args] = engineCommand(this.mainScript, this.paths.config);
      const child = spawn(command, args, {
        detached: true, stdio: ['ignore', log, log], cwd: this.paths.dir,
      });
      child.unref();
      if (child.pid === undefined) throw new Error(`cannot start the serverless endpoint engine ${this.mainScript}`);
      this.spawned = child.pid;
      return child.pid;
    } finally {
      closeSync(log);
    }
  }

  /** The status the engine reports, when it is the live engine's. */
  status(): ServerlessProxyStatus | undefined {
    const s = readJson<ServerlessProxyStatus>(this.paths.status);
    return s && this.isEngine(s.pid) ? s : undefined;
  }

  /** The workers' usage counters (usage-<worker>.json). */
  usage(): ServerlessUsage[] {
    return readWorkerUsage(this.paths.dir);
  }

  /**
   * One step of stopping: removes proxy.json (the engine then exits by itself), and signals it
   * after `graceMs` if it has not (SIGTERM, then SIGKILL after twice that). True once no engine runs.
   */
  stopStep(now: number, graceMs: number): boolean {
    try { unlinkSync(this.paths.config); } catch { /* already gone */ }
    const pid = this.pid();
    if (pid === undefined) { this.stopAskedAt = undefined; return true; }
    this.stopAskedAt ??= now;
    const waited = now - this.stopAskedAt;
    if (waited >= graceMs) signal(pid, waited >= 2 * graceMs ? 'SIGKILL' : 'SIGTERM');
    return false;
  }

  private isEngine(pid: number): boolean {
    return runsScriptWith(pid, basename(this.mainScript), this.paths.config);
  }
}

/** The usage counters the engine's workers wrote in a cache's directory (usage-<worker>.json). */
export function readWorkerUsage(dir: string): ServerlessUsage[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return []; }
  return names.filter((n) => /^usage-.+\.json$/.test(n))
    .map((n) => readJson<ServerlessUsage>(join(dir, n)))
    .filter((u): u is ServerlessUsage => !!u && typeof u.ecpu === 'number');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try { process.kill(pid, sig); } catch { /* it exited meanwhile */ }
}

function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, content, { mode: FILE_MODE });
  try {
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw err;
  }
}

function readJson<T>(path: string): T | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch { return undefined; }
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
