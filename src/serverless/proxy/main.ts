/**
 * The serverless endpoint engine's supervisor (see config.ts for the contract):
 *   node dist/src/serverless/proxy/main.js <state dir>/proxy.json
 * The control plane starts it detached; it forks `workers` worker processes (worker.ts) sharing
 * the endpoint's ports, restarts any that dies (the others' clients never notice), hands them each
 * new generation of proxy.json (fs.watch plus a periodic re-read), reports in proxy-status.json,
 * and stops them all and exits when proxy.json disappears.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson, writeFileAtomic } from '../../endpoints/proxy-files.js';
import { SERVICE_UMASK } from '../../paths/index.js';
import type { ServerlessComputeCharge, ServerlessProxyConfig, ServerlessProxyStatus } from './config.js';
import type { ToSupervisor, ToWorker } from './ipc.js';
import { tuningFromEnv } from './tuning.js';

interface WorkerSlot {
  index: number;
  child?: ChildProcess;
  generation?: string;
  listening: string[];
  errors: string[];
}

process.umask(SERVICE_UMASK);
const configPath = resolve(process.argv[2] ?? '');
const dir = dirname(configPath);
const files = { pid: join(dir, 'proxy.pid'), status: join(dir, 'proxy-status.json'), compute: join(dir, 'compute.json') };
const workerScript = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
const tuning = tuningFromEnv();
const slots: WorkerSlot[] = [];
let config: ServerlessProxyConfig | undefined;
/** The last compute.json read (the CPU part of ECPUs), handed to every worker and to each new one. */
let compute: ServerlessComputeCharge | undefined;
let stopping = false;
let lastStatus = '';
let watcher: FSWatcher | undefined;

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg, ...extra })}\n`);
}

function tell(slot: WorkerSlot, msg: ToWorker): void {
  if (slot.child?.connected) slot.child.send(msg);
}

function start(slot: WorkerSlot): void {
  const child = fork(workerScript, [configPath, String(slot.index)], { stdio: 'inherit' });
  slot.child = child;
  slot.generation = undefined;
  child.on('message', (m: ToSupervisor) => {
    if (m.type === 'ready' && config) {
      tell(slot, { type: 'config', config });
      if (compute) tell(slot, { type: 'compute', charge: compute });
    }
    else if (m.type === 'applied') {
      slot.generation = m.generation;
      slot.listening = m.listening;
      slot.errors = m.errors;
      writeStatus();
    }
  });
  child.on('exit', (code, signal) => {
    if (slot.child !== child) return;
    slot.child = undefined;
    slot.listening = [];
    writeStatus();
    if (stopping || slot.index >= (config?.workers ?? 0)) return;
    log('warn', 'worker exited; restarting', { worker: slot.index, code, signal });
    setTimeout(() => { if (!stopping && !slot.child && slot.index < (config?.workers ?? 0)) start(slot); }, tuning.restartDelayMs);
  });
}

function writeStatus(): void {
  const live = slots.filter((s) => s.child?.pid !== undefined);
  const applied = config && live.length > 0 && live.every((s) => s.generation === config!.generation);
  const status: ServerlessProxyStatus = {
    pid: process.pid,
    generation: applied ? config!.generation : '',
    workers: live.map((s) => s.child!.pid!),
    listening: [...new Set(live.flatMap((s) => s.listening))].sort(),
    errors: [...new Set(slots.flatMap((s) => s.errors))],
  };
  const text = `${JSON.stringify(status)}\n`;
  if (text === lastStatus) return;
  lastStatus = text;
  try {
    writeFileAtomic(files.status, text);
  } catch (e) {
    log('warn', 'status not written', { error: (e as Error).message });
  }
}

/** Reads compute.json; hands a new one to the workers (a missing one: the last charge runs out by itself). */
function rescanCompute(): void {
  const next = readJson<ServerlessComputeCharge>(files.compute);
  if (!next || typeof next.ecpuPerSecond !== 'number' || (compute && next.at === compute.at)) return;
  compute = next;
  for (const slot of slots) if (slot.index < (config?.workers ?? 0)) tell(slot, { type: 'compute', charge: next });
}

/** Reads proxy.json; applies a new generation; stops everything when it is gone. */
function rescan(): void {
  if (stopping) return;
  const next = readJson<ServerlessProxyConfig>(configPath);
  if (!next) {
    let gone = false;
    try {
      readFileSync(configPath);
    } catch (e) {
      gone = (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
    if (gone) shutdown('proxy.json removed');
    return; // unreadable for a moment (being replaced): next scan
  }
  if (config && next.generation === config.generation) return;
  config = next;
  log('info', 'configuration', { generation: next.generation, workers: next.workers });
  for (let i = slots.length; i < next.workers; i++) slots.push({ index: i, listening: [], errors: [] });
  for (const slot of slots) {
    if (slot.index >= next.workers) tell(slot, { type: 'stop' });
    else if (!slot.child) start(slot);
    else tell(slot, { type: 'config', config: next });
  }
  writeStatus();
}

function shutdown(why: string): void {
  if (stopping) return;
  stopping = true;
  log('info', 'stopping', { why });
  watcher?.close();
  const children = slots.map((s) => s.child).filter((c): c is ChildProcess => !!c);
  for (const slot of slots) tell(slot, { type: 'stop' });
  let left = children.length;
  const done = () => {
    try { unlinkSync(files.pid); } catch { /* gone */ }
    process.exit(0);
  };
  if (left === 0) done();
  for (const c of children) c.once('exit', () => { if (--left === 0) done(); });
  setTimeout(() => {
    for (const c of children) c.kill('SIGKILL');
    done();
  }, 5000).unref();
}

writeFileAtomic(files.pid, `${process.pid}\n`);
try {
  watcher = watch(dir, (_event, name) => {
    if (name === null || name === basename(configPath)) rescan();
    if (name === null || name === basename(files.compute)) rescanCompute();
  });
} catch (e) {
  log('warn', 'fs.watch unavailable; polling only', { error: (e as Error).message });
}
setInterval(() => { rescan(); rescanCompute(); }, tuning.configRescanMs);
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGHUP', () => {}); // detached from whoever started it: a closed terminal is no reason to stop
rescan();
if (!config) shutdown('no proxy.json');
rescanCompute();
