/**
 * A stand-in control plane for the endpoint tests: programs routes, prints "synced", then idles
 * until the test kills it with SIGKILL (a crash, not a clean shutdown).
 *   node dist/test/helpers/endpoints-control-plane.js '{"mode":"proxy","table":"t","stateDir":"d","routes":[...]}'
 */
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { createEndpointRouter } from '../../src/endpoints/index.js';
import type { EndpointRoute } from '../../src/endpoints/types.js';
import { waitFor } from '../../src/util/wait.js';

export interface ControlPlaneArgs {
  mode: 'nftables' | 'proxy';
  table: string;
  stateDir: string;
  routes: EndpointRoute[];
}

/** Starts the stand-in control plane and waits until it has synced. */
export async function startControlPlane(args: ControlPlaneArgs): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(() => {
    if (child.exitCode !== null) throw new Error(`control plane exited early: ${out}`);
    return out.includes('synced');
  }, { timeoutMs: 15_000, what: 'stand-in control plane to sync' });
  return child;
}

export async function killControlPlane(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as ControlPlaneArgs;
  const router = await createEndpointRouter({ mode: args.mode, table: args.table, stateDir: args.stateDir });
  await router.sync(args.routes);
  process.stdout.write('synced\n');
  setInterval(() => {}, 60_000); // stay alive like a server would
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
