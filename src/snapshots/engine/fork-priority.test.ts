import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { backgroundCommand, setIdlePolicy, setNormalPolicy } from './fork-priority.js';

/** The scheduling policy of `pid` as /proc shows it (0 SCHED_OTHER, 5 SCHED_IDLE). */
async function policy(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

describe('fork-priority', () => {
  it('starts background work at nice 19, in SCHED_IDLE when asked and chrt is there', () => {
    assert.deepEqual(backgroundCommand(['a', 'b']), { file: 'nice', args: ['-n', '19', 'a', 'b'] });
    const idle = backgroundCommand(['a'], true);
    if (idle.file === 'nice') return; // no chrt on this host: nice alone
    assert.match(idle.file, /chrt$/);
    assert.deepEqual(idle.args, ['--idle', '0', 'nice', '-n', '19', 'a']);
  });

  it('puts a process in SCHED_IDLE and (as root) back', { skip: process.platform !== 'linux' }, async (t) => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => child.kill());
    const pid = child.pid!;
    assert.equal(await policy(pid), 0);
    if (!(await setIdlePolicy(pid))) return t.skip('chrt missing or not permitted here');
    assert.equal(await policy(pid), 5);
    if (process.getuid?.() !== 0) return; // an unprivileged owner cannot leave SCHED_IDLE
    assert.equal(await setNormalPolicy(pid), true);
    assert.equal(await policy(pid), 0);
  });

  it('refuses pids that cannot be a node', async () => {
    assert.equal(await setIdlePolicy(1), false);
    assert.equal(await setIdlePolicy(-5), false);
  });
});
