/**
 * `cachefleet top` and `cachefleet metrics <group>`: read the service's metrics routes
 * (/metrics/fleet: live node readings; /metrics/recent: the latest stored period) over HTTP(S).
 * These routes answer loopback clients, --metrics-allow CIDRs and the --metrics-token-file token,
 * not SigV4; once the CloudWatch API is served, `metrics` can read GetMetricData instead.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import type { Command } from 'commander';
import { MAIN_METRICS, type FleetNode, type RecentValue } from '../metrics/index.js';
import { apiCa, apiEndpoint, type ApiClientOptions } from './client.js';
import { addClientOptions } from './group-commands.js';
import { renderRecent, renderTop } from './metrics-views.js';

interface ViewOptions extends ApiClientOptions {
  tokenFile?: string;
}

async function getJson<T>(o: ViewOptions, path: string): Promise<T> {
  const base = apiEndpoint(o);
  const url = new URL(path, base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.tokenFile) headers.authorization = `Bearer ${readFileSync(o.tokenFile, 'utf8').trim()}`;
  const https = url.protocol === 'https:';
  const agent = https ? new Agent({ ca: [...rootCertificates, ...apiCa(o, base)] }) : undefined;
  return new Promise<T>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(url, { headers, ...(agent ? { agent } : {}), timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${url.pathname}: HTTP ${res.statusCode}: ${text.trim()}`));
        else {
          try { resolve(JSON.parse(text) as T); } catch (err) { reject(err as Error); }
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url.href}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${v}`);
  return n;
};

export function registerMetricsCommands(program: Command): void {
  addClientOptions(program.command('metrics <group>')
    .description('the recent values of a replication group\'s (or cache cluster\'s) main metrics, per cluster')
    .option('--minutes <n>', 'how far back to look for the latest period', int, 15)
    .option('--token-file <file>', 'the bearer token of the service\'s --metrics-token-file (from outside --metrics-allow)'))
    .action(async (group: string, o: ViewOptions & { minutes: number }) => {
      const r = await getJson<{ group: string; clusters: string[]; periodS: number; values: RecentValue[] }>(o,
        `/metrics/recent?group=${encodeURIComponent(group)}&minutes=${o.minutes}`);
      console.log(renderRecent(r, MAIN_METRICS));
    });

  addClientOptions(program.command('top')
    .description('a live view of the fleet\'s groups and nodes: role, ops/s, hit rate, memory, connections, replication lag')
    .option('--interval-ms <ms>', 'refresh period', int, 1000)
    .option('-n, --iterations <n>', 'stop after this many frames (0: until interrupted)', int, 0)
    .option('--once', 'print one frame without clearing the screen, then exit')
    .option('--token-file <file>', 'the bearer token of the service\'s --metrics-token-file (from outside --metrics-allow)'))
    .action(async (o: ViewOptions & { intervalMs: number; iterations: number; once?: boolean }) => {
      const frames = o.once ? 1 : o.iterations;
      const tty = Boolean(process.stdout.isTTY) && !o.once;
      let prev: FleetNode[] | undefined;
      for (let i = 0; frames === 0 || i < frames; i++) {
        const started = Date.now();
        const { nodes } = await getJson<{ nodes: FleetNode[] }>(o, '/metrics/fleet');
        const frame = renderTop(nodes, prev, { color: tty, now: new Date() });
        // Home and clear on a terminal (htop-like redraw); frames one after another otherwise.
        process.stdout.write(tty ? `\x1b[H\x1b[2J${frame}\n` : `${frame}\n${frames === 1 ? '' : '\n'}`);
        prev = nodes;
        if (frames !== 0 && i === frames - 1) break;
        await sleep(Math.max(0, o.intervalMs - (Date.now() - started)));
      }
    });
}
