/**
 * Scale: the control plane's cost with many nodes. Creates single-node cache clusters
 * (CreateCacheCluster, cache.t3.micro) in parallel batches up to each count asked for (e.g. 100,
 * then 1,000), and at each count measures the service's CPU at rest (/proc/<pid>/stat over a
 * window with no API calls). At the largest count it also times DescribeCacheClusters page by
 * page over all of them, and the failover of a 3-node group's primary (kill -9 → first write
 * through the primary endpoint) with every node running. Deletes everything at the end.
 */
import { readFile } from 'node:fs/promises';
import {
  CreateCacheClusterCommand,
  DeleteCacheClusterCommand,
  DescribeCacheClustersCommand,
  type CacheCluster,
  type ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { delay } from '../src/util/wait.js';
import { measureFailover, type FailoverResult } from './failover.js';
import { NODE_TYPE } from './groups.js';
import { cpuTimeMs, processesUsing, serviceCredentials, type BenchService } from './service.js';
import { signRequest } from '../test/helpers/sigv4-client.js';
import { max, median, ms, now, progress, sec, summarize, type Row, type Summary } from './stats.js';

export interface ScaleOptions {
  /** Node counts to reach in turn, ascending (e.g. [100, 1000]). */
  counts: number[];
  idleWindowMs: number;
  /** Full paginated DescribeCacheClusters sweeps timed at the largest count. */
  sweeps: number;
  /** Kills in a row for the failover measure at the largest count (0: skip). */
  failovers: number;
}

export interface ScaleStep {
  nodes: number;
  /** Create requests of this step sent → every cluster available (ms). */
  createMs: number;
  idleCpuPct: number;
  /** The service's resident memory at rest (MiB). */
  serviceRssMiB: number;
}

export interface ScaleResult {
  steps: ScaleStep[];
  /** Per page (MaxRecords 100) over all clusters at the largest count: JS SDK, and raw signed fetch (the service's share). */
  describePage?: Summary;
  describePageRaw?: Summary;
  /**
   * The service's CPU per raw page (ms), net of its CPU at rest over the same time: what a page
   * costs the service, which wall-clock latency on a loaded machine does not show.
   */
  describeCpuMsPerPage?: number;
  pages?: number;
  failover?: FailoverResult;
  deleteAllMs: number;
  leftoverNodes: number;
}

const BATCH = 20;
const PAGE = 100;

/** Every cluster, page by page; each page's latency is pushed to `pageMs`. */
async function describeClusters(client: ElastiCacheClient, pageMs?: number[]): Promise<CacheCluster[]> {
  const all: CacheCluster[] = [];
  let marker: string | undefined;
  do {
    const t0 = now();
    const out = await client.send(new DescribeCacheClustersCommand({ MaxRecords: PAGE, Marker: marker }));
    pageMs?.push(now() - t0);
    all.push(...(out.CacheClusters ?? []));
    marker = out.Marker;
  } while (marker);
  return all;
}

/** The same pages as raw signed POSTs (no SDK parsing): pushes each page's latency. */
async function describeRaw(svc: BenchService, pageMs: number[]): Promise<void> {
  let marker: string | undefined;
  do {
    const body = `Action=DescribeCacheClusters&Version=2015-02-02&MaxRecords=${PAGE}${marker ? `&Marker=${encodeURIComponent(marker)}` : ''}`;
    const t0 = now();
    const signed = await signRequest(new URL('/', svc.url).href, {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, credentials: serviceCredentials(svc.dataDir),
    });
    const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body });
    const text = await res.text();
    pageMs.push(now() - t0);
    if (res.status !== 200) throw new Error(`raw DescribeCacheClusters: HTTP ${res.status}: ${text.slice(0, 300)}`);
    marker = /<Marker>([^<]+)<\/Marker>/.exec(text)?.[1];
  } while (marker);
}

async function waitAllAvailable(client: ElastiCacheClient, ids: Set<string>, t0: number): Promise<void> {
  let lastPrint = 0;
  for (;;) {
    const ours = (await describeClusters(client)).filter((c) => ids.has(c.CacheClusterId!));
    const available = ours.filter((c) => c.CacheClusterStatus === 'available').length;
    if (available === ids.size) return;
    const bad = ours.find((c) => !['creating', 'available', 'modifying'].includes(c.CacheClusterStatus!));
    if (bad) throw new Error(`${bad.CacheClusterId} is ${bad.CacheClusterStatus}`);
    if (now() - lastPrint > 5000) {
      progress(`waiting for ${ids.size} clusters to be available… ${available}/${ids.size} (${sec(now() - t0)})`);
      lastPrint = now();
    }
    if (now() - t0 > 1_800_000) throw new Error(`only ${available}/${ids.size} clusters available after 1800 s`);
    await delay(1000);
  }
}

async function rssMiB(pid: number): Promise<number> {
  const kb = /^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

async function idleCpu(pid: number, windowMs: number): Promise<number> {
  const cpu0 = await cpuTimeMs(pid);
  const w0 = now();
  await delay(windowMs);
  return (100 * (await cpuTimeMs(pid) - cpu0)) / (now() - w0);
}

export async function measureScale(svc: BenchService, opts: ScaleOptions): Promise<ScaleResult> {
  const { client } = svc;
  const ids: string[] = [];
  const steps: ScaleStep[] = [];
  const result: ScaleResult = { steps, deleteAllMs: 0, leftoverNodes: 0 };
  try {
    for (const count of opts.counts) {
      const t0 = now();
      const fresh = Array.from({ length: count - ids.length }, (_, i) => `bench-scale-${String(ids.length + i + 1).padStart(4, '0')}`);
      for (let i = 0; i < fresh.length; i += BATCH) {
        const batch = fresh.slice(i, i + BATCH);
        await Promise.all(batch.map((id) => client.send(new CreateCacheClusterCommand({
          CacheClusterId: id, CacheNodeType: NODE_TYPE, Engine: 'redis', NumCacheNodes: 1,
        }))));
        ids.push(...batch);
        if ((i / BATCH) % 10 === 9 || i + BATCH >= fresh.length) progress(`created ${ids.length}/${count} clusters (${sec(now() - t0)})`);
      }
      await waitAllAvailable(client, new Set(ids), t0);
      const createMs = now() - t0;
      progress(`${count} clusters available after ${sec(createMs)}; letting the last passes settle`);
      await delay(Math.min(10_000, 2000 + count * 5));
      progress(`control-plane CPU at rest with ${count} nodes over ${sec(opts.idleWindowMs)}`);
      const idleCpuPct = await idleCpu(svc.pid, opts.idleWindowMs);
      steps.push({ nodes: count, createMs, idleCpuPct, serviceRssMiB: await rssMiB(svc.pid) });
      progress(`${count} nodes: ${idleCpuPct.toFixed(1)} % of a core at rest`);
    }

    const pageMs: number[] = [];
    for (let s = 0; s < opts.sweeps; s++) {
      const seen = (await describeClusters(client, pageMs)).length;
      if (seen < ids.length) throw new Error(`DescribeCacheClusters pages held ${seen} clusters, expected at least ${ids.length}`);
    }
    result.describePage = summarize(pageMs);
    result.pages = pageMs.length / Math.max(1, opts.sweeps);
    const rawMs: number[] = [];
    const cpu0 = await cpuTimeMs(svc.pid);
    const w0 = now();
    for (let s = 0; s < opts.sweeps; s++) await describeRaw(svc, rawMs);
    const atRest = (steps.at(-1)?.idleCpuPct ?? 0) / 100;
    result.describeCpuMsPerPage = Math.max(0, await cpuTimeMs(svc.pid) - cpu0 - atRest * (now() - w0)) / rawMs.length;
    result.describePageRaw = summarize(rawMs);

    if (opts.failovers > 0) {
      progress(`failover with ${ids.length} nodes running`);
      result.failover = await measureFailover(client, svc.dataDir, opts.failovers);
    }
  } finally {
    progress(`deleting ${ids.length} clusters`);
    const d0 = now();
    for (let i = 0; i < ids.length; i += BATCH) {
      await Promise.all(ids.slice(i, i + BATCH).map((id) =>
        client.send(new DeleteCacheClusterCommand({ CacheClusterId: id })).catch(() => undefined)));
    }
    const ours = new Set(ids);
    for (;;) {
      const left = (await describeClusters(client).catch(() => [])).filter((c) => ours.has(c.CacheClusterId!)).length;
      if (left === 0) break;
      if (now() - d0 > 600_000) { progress(`${left} clusters still exist 600 s after the deletes`); break; }
      await delay(500);
    }
    result.deleteAllMs = now() - d0;
    result.leftoverNodes = (await processesUsing(svc.dataDir)).length;
    progress(`deleted after ${sec(result.deleteAllMs)}; node processes left: ${result.leftoverNodes}`);
  }
  return result;
}

export function scaleRows(r: ScaleResult): Row[] {
  const rows: Row[] = [];
  for (const s of r.steps) {
    const goal = s.nodes <= 100 ? '≤ 5 %' : '';
    rows.push({ measure: `Scale: ${s.nodes} single-node clusters: create → all available`, value: sec(s.createMs), goal: '' });
    rows.push({ measure: `Scale: control-plane CPU at rest, ${s.nodes} nodes (service RSS ${Math.round(s.serviceRssMiB)} MiB)`,
      value: `${s.idleCpuPct.toFixed(1)} % of a core`, goal, ...(goal ? { ok: s.idleCpuPct <= 5 } : {}) });
  }
  const top = r.steps.at(-1)?.nodes ?? 0;
  if (r.describePage) {
    const p = r.describePage;
    rows.push({ measure: `Scale: DescribeCacheClusters, ${top} clusters in ${r.pages} pages of ${PAGE} (p50/p95/max a page)`,
      value: `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.max)}`, goal: 'p50 < 20 ms', ok: p.p50 < 20 });
  }
  if (r.describePageRaw) {
    const p = r.describePageRaw;
    rows.push({ measure: `Scale: the same pages, raw signed fetch (p50/p95/max a page)`,
      value: `${ms(p.p50)} / ${ms(p.p95)} / ${ms(p.max)}`, goal: 'p50 < 20 ms', ok: p.p50 < 20 });
  }
  if (r.describeCpuMsPerPage !== undefined) {
    rows.push({ measure: 'Scale: the service\'s CPU a raw page (net of its CPU at rest)', value: ms(r.describeCpuMsPerPage), goal: '' });
  }
  if (r.failover) {
    const f = r.failover;
    rows.push({ measure: `Scale: kill -9 primary → first write, ${top} nodes running, ${f.resumeMs.length} kills (median / max)`,
      value: `${ms(median(f.resumeMs), 0)} / ${ms(max(f.resumeMs), 0)}`, goal: '< 1 s', ok: f.maxMs < 1000 });
    rows.push({ measure: 'Scale: failover READONLY / other errors seen by the writer', value: `${f.readonlyErrors} / ${f.otherErrors}`,
      goal: '0 / 0', ok: f.readonlyErrors === 0 && f.otherErrors === 0 });
  }
  rows.push({ measure: `Scale: delete ${top} clusters → all gone`, value: sec(r.deleteAllMs), goal: '' });
  rows.push({ measure: 'Scale: node processes left after the deletes', value: String(r.leftoverNodes), goal: '0', ok: r.leftoverNodes === 0 });
  return rows;
}
