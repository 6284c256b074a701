/**
 * Nodes outlive their control plane: a control plane in its own process runs the provider,
 * then dies by Ctrl-C (SIGINT to its process group) or kill -9; the node keeps serving and the
 * next control plane adopts it instead of starting a second one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { before, describe, it } from 'node:test';
import { AdminPool } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeProcessStatus, NodeSpec } from '../../src/engine/types.js';
import { waitFor } from '../../src/util/wait.js';
import { pidGone, useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
const pool = new AdminPool();
let nodesDir: string;

before(async () => {
  nodesDir = await cleanup.tmpDir('cachefleet-adopt-');
  cleanup.defer(() => pool.closeAll());
});

// The "control plane": ensureRunning in a separate node process, report the status, then idle.
const controlPlane = `
const [providerUrl, nodesDir, spec] = process.argv.slice(1);
const { LocalProcessProvider } = await import(providerUrl);
const st = await new LocalProcessProvider({ nodesDir }).ensureRunning(JSON.parse(spec));
process.stdout.write(JSON.stringify(st) + '\\n');
setInterval(() => {}, 1 << 30);
`;

/** Starts a control-plane process in its own process group (like a shell job) and waits for its report. */
async function runControlPlane(spec: NodeSpec) {
  const providerUrl = new URL('../../src/engine/local-provider.js', import.meta.url).href;
  const cp = spawn(process.execPath, ['--input-type=module', '-e', controlPlane, providerUrl, nodesDir, JSON.stringify(spec)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.trackPid(cp.pid, nodesDir);
  const exited = once(cp, 'exit');
  const lines = createInterface({ input: cp.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    exited.then(() => Promise.reject(new Error('control plane exited before reporting'))),
  ])) as [string];
  const st = JSON.parse(line) as NodeProcessStatus;
  cleanup.trackPid(st.pid, nodesDir);
  return { cp, st, exited };
}

function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

async function ping(spec: NodeSpec): Promise<string> {
  return (await pool.ready(spec.address, spec.port)).ping();
}

describe('nodes survive the control plane', () => {
  it('Ctrl-C and kill -9 of the control plane leave the node running; the next one adopts it', async () => {
    const spec = await testNodeSpec();
    const first = await runControlPlane(spec);
    assert.equal(first.st.running, true);
    const pid = first.st.pid!;
    if (process.platform === 'linux') {
      assert.equal(processGroup(pid), pid, 'the node leads its own process group');
      assert.notEqual(processGroup(pid), processGroup(first.cp.pid!));
    }
    assert.equal(await ping(spec), 'PONG');

    // Ctrl-C: SIGINT to the control plane's whole process group.
    process.kill(-first.cp.pid!, 'SIGINT');
    await first.exited;
    assert.equal(await pidGone(pid), false);
    assert.equal(await ping(spec), 'PONG');

    // A second control plane adopts the node (same pid) and is then killed with SIGKILL.
    const second = await runControlPlane(spec);
    assert.deepEqual(second.st, { running: true, pid });
    process.kill(second.cp.pid!, 'SIGKILL');
    await second.exited;
    assert.equal(await ping(spec), 'PONG');

    // A third one (in this process) adopts it too, and can stop a node that is not its child.
    const provider = new LocalProcessProvider({ nodesDir });
    assert.deepEqual(await provider.status(spec.key), { running: true, pid });
    await provider.remove(spec.key);
    await waitFor(() => pidGone(pid), { timeoutMs: 2000, what: `pid ${pid} to exit` });
    assert.deepEqual((await provider.status(spec.key)).running, false);
  });
});
