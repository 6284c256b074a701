/**
 * `cachefleet usage <cache>`: what a serverless cache has used, as ElastiCache Serverless bills it —
 * ECPUs (1 per KB transferred for simple commands, more for commands that use more CPU: ComputeECPUs
 * is that part, reconciler/serverless/compute-ecpu.ts), commands, bytes in and out, and GB-hours of data
 * stored — with the backing group's shard count and the autoscaler's last decision (usage-report.ts).
 * Works beside a running service, and on a stopped one.
 */
import type { Command } from 'commander';
import { usageReport } from './usage-report.js';

export function registerUsageCommand(program: Command): void {
  program.command('usage <cache>')
    .description("a serverless cache's metered usage: ECPUs, commands, bytes, GB-hours of data stored (and its endpoint's state)")
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('--json', 'print JSON instead of lines', false)
    .action(async (name: string, o: { dataDir: string; json: boolean }) => {
      const report = await usageReport(o.dataDir, name);
      if (o.json) { console.log(JSON.stringify(report, null, 2)); return; }
      const rows = Object.entries(report).map(([k, v]) => [k, String(v ?? '-')] as const);
      const width = Math.max(...rows.map(([k]) => k.length));
      console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
    });
}
