import { execFile } from 'node:child_process';
import { access, constants, realpath } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { CommonErrors } from '../errors/index.js';

/** A redis-server binary found on this host. */
export interface InstalledEngine {
  /** "7.0.15" */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Path to run it by. Not resolved through symlinks: redis-server is often a link to a multi-call binary that behaves by its name. */
  binary: string;
  /** Cache parameter group family, e.g. "redis7". */
  family: string;
}

const VERSION_TIMEOUT_MS = 5_000;

/** Parses `redis-server --version` output ("Redis server v=7.0.15 sha=… malloc=… bits=64 build=…"). */
export function parseRedisServerVersion(output: string): { version: string; major: number; minor: number; patch: number } | undefined {
  const m = /\bv=(\d+)\.(\d+)\.(\d+)\b/.exec(output);
  if (!m) return undefined;
  return { version: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/**
 * The ElastiCache cache parameter group family of an engine version:
 * "7.0", "7.1", "7.x" → "redis7"; "6.2", "6.x" → "redis6.x"; "5.0.6" → "redis5.0"; "4.0.10" → "redis4.0";
 * "3.2.4" → "redis3.2"; "2.8.24" → "redis2.8"; "2.6.13" → "redis2.6".
 * Throws InvalidParameterValue for a version no family covers.
 */
export function familyForVersion(version: string): string {
  const m = /^(\d+)(?:\.(\d+|x))?(?:\.\d+)?$/.exec(version.trim());
  const major = m ? Number(m[1]) : NaN;
  const minor = m?.[2];
  switch (major) {
    case 7: return 'redis7';
    case 6: return 'redis6.x';
    case 5: return 'redis5.0';
    case 4: return 'redis4.0';
    case 3: return 'redis3.2';
    case 2:
      if (minor === '8') return 'redis2.8';
      if (minor === '6') return 'redis2.6';
      break;
  }
  throw CommonErrors.invalidParameterValue(`Invalid engine version: ${version}. No cache parameter group family covers it.`);
}

function runVersion(binary: string): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    execFile(binary, ['--version'], { timeout: VERSION_TIMEOUT_MS, windowsHide: true }, (err, stdout) => {
      resolvePromise(err ? undefined : String(stdout));
    });
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `redis-server` on PATH, as an absolute path. */
async function findOnPath(command: string, pathEnv = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = resolve(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function probe(binary: string): Promise<InstalledEngine | undefined> {
  const out = await runVersion(binary);
  const v = out === undefined ? undefined : parseRedisServerVersion(out);
  if (!v) return undefined;
  let family: string;
  try {
    family = familyForVersion(v.version);
  } catch {
    return undefined; // a redis-server no ElastiCache family describes (e.g. 8.x)
  }
  return { ...v, binary, family };
}

/** Newest first: by major, minor, patch. */
export function compareEngines(a: InstalledEngine, b: InstalledEngine): number {
  return b.major - a.major || b.minor - a.minor || b.patch - a.patch;
}

/**
 * The redis-server engines on this host: the `redis-server` on PATH plus `extraBinaries`
 * (paths; relative ones are resolved against the working directory). Binaries that are missing,
 * fail to run, or report no version are skipped; the same file reached twice is listed once.
 * Newest first.
 */
export async function detectEngines(extraBinaries: string[] = []): Promise<InstalledEngine[]> {
  const candidates: string[] = [];
  const onPath = await findOnPath('redis-server');
  if (onPath) candidates.push(onPath);
  for (const b of extraBinaries) candidates.push(isAbsolute(b) ? b : join(process.cwd(), b));

  const seen = new Set<string>();
  const found: InstalledEngine[] = [];
  for (const binary of candidates) {
    let key: string;
    try {
      key = await realpath(binary);
    } catch {
      continue;
    }
    // A link's name decides how a multi-call binary behaves, so identity is (target, name).
    key = `${key}\0${binary.split('/').pop()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const engine = await probe(binary);
    if (engine) found.push(engine);
  }
  return found.sort(compareEngines);
}

function describeInstalled(installed: InstalledEngine[]): string {
  return installed.map((e) => `redis ${e.version} (family ${e.family})`).join(', ');
}

/**
 * The installed engine that serves a requested EngineVersion:
 * undefined/"" → the newest; "7", "7.x", "7.0", "7.1", "7.0.7" → an engine of that major,
 * preferring the requested minor (and the exact patch when installed), else the newest of that
 * major (ElastiCache's 7.1 is served by an installed 7.0).
 * Throws InvalidParameterValue when the version is malformed or its major is not installed.
 */
export function resolveEngine(requested: string | undefined, installed: InstalledEngine[]): InstalledEngine {
  const sorted = [...installed].sort(compareEngines);
  if (sorted.length === 0) {
    throw CommonErrors.invalidParameterValue('No redis-server engine is installed on this host.');
  }
  const want = requested?.trim();
  if (!want) return sorted[0]!;
  const m = /^(\d+)(?:\.(\d+|x)(?:\.(\d+))?)?$/.exec(want);
  if (!m) throw CommonErrors.invalidParameterValue(`Invalid engine version: ${requested}`);
  const major = Number(m[1]);
  const minor = m[2] === undefined || m[2] === 'x' ? undefined : Number(m[2]);
  const patch = m[3] === undefined ? undefined : Number(m[3]);

  const sameMajor = sorted.filter((e) => e.major === major);
  if (sameMajor.length === 0) {
    throw CommonErrors.invalidParameterValue(
      `Engine version ${want} is not available on this host; installed: ${describeInstalled(sorted)}`,
    );
  }
  if (minor !== undefined) {
    const sameMinor = sameMajor.filter((e) => e.minor === minor);
    if (patch !== undefined) {
      const exact = sameMinor.find((e) => e.patch === patch);
      if (exact) return exact;
    }
    if (sameMinor.length > 0) return sameMinor[0]!;
  }
  return sameMajor[0]!;
}
