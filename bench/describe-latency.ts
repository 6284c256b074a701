/**
 * DescribeReplicationGroups latency with many single-node groups: creates them (parallel
 * batches), waits until all are available, then times sequential calls client-side — all groups
 * (no id; one page of up to 100) with the JS SDK and with raw fetch POSTs, and one group by id —
 * and finally deletes every group and times that.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { createGroup, deleteGroup, describeAll } from './groups.js';
import { cpuTimeMs, processesUsing, serviceCredentials } from './service.js';
import { signRequest } from '../test/helpers/sigv4-client.js';
import { now, progress, sec, summarize, type Summary } from './stats.js';
import { delay } from '../src/util/wait.js';

export interface DescribeResult {
  groups: number;
  calls: number;
  /** Create requests sent → every group available (ms). */
  createAllMs: number;
  sdkAll: Summary;
  fetchAll: Summary;
  sdkOne: Summary;
  fetchOne: Summary;
  /** The JS SDK against a local server that answers the captured all-groups body at once: client-side cost alone. */
  sdkCanned: Summary;
  /** GET /healthz with fetch: the HTTP round trip alone (no action, no store, no XML). */
  health: Summary;
  /** Control-plane CPU (% of one core) with every group available and no API calls, and the window (ms). */
  idleCpuPct: number;
  idleWindowMs: number;
  /** Size of the all-groups response body (bytes). */
  allBytes: number;
  /** First DeleteReplicationGroup sent → no group left (ms). */
  deleteAllMs: number;
  /** redis-server processes of the data dir still running after every group was deleted. */
  leftoverNodes: number;
}

const BATCH = 10;
const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

async function inBatches(ids: string[], what: string, fn: (id: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) {
    await Promise.all(ids.slice(i, i + BATCH).map(fn));
    progress(`${what} ${ids.length} groups… ${Math.min(i + BATCH, ids.length)}/${ids.length}`);
  }
}

async function timeCalls(calls: number, fn: () => Promise<void>): Promise<Summary> {
  for (let i = 0; i < Math.min(10, calls); i++) await fn(); // warm-up: connections, JIT
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = now();
    await fn();
    samples.push(now() - t0);
  }
  return summarize(samples);
}

/** Times the SDK parsing `body` (served by a trivial local HTTP server): signing, HTTP, XML parse, deserialization. */
async function sdkClientCost(body: string, calls: number): Promise<Summary> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new ElastiCacheClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDCACHEFLEETBENCH', secretAccessKey: 'bench-secret' },
  });
  try {
    return await timeCalls(calls, async () => { await client.send(new DescribeReplicationGroupsCommand({})); });
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function fetchDescribe(url: string, dataDir: string, id?: string): Promise<string> {
  const body = `Action=DescribeReplicationGroups&Version=2015-02-02${id ? `&ReplicationGroupId=${encodeURIComponent(id)}` : ''}`;
  // Signed like any client must (Signature Version 4, the SDK's signer): part of the raw cost.
  const signed = await signRequest(new URL('/', url).href, { headers: { 'content-type': FORM }, body, credentials: serviceCredentials(dataDir) });
  const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`raw DescribeReplicationGroups: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

export async function measureDescribe(client: ElastiCacheClient, url: string, dataDir: string,
  opts: { groups: number; calls: number; servicePid: number; idleWindowMs: number }): Promise<DescribeResult> {
  const ids = Array.from({ length: opts.groups }, (_, i) => `bench-describe-${String(i + 1).padStart(3, '0')}`);
  const t0 = now();
  await inBatches(ids, 'creating', (id) => createGroup(client, id, 1));
  let last = -1;
  let lastPrint = 0;
  for (;;) {
    const groups = await describeAll(client);
    const available = groups.filter((g) => g.Status === 'available').length;
    if (available === ids.length) break;
    const bad = groups.find((g) => g.Status !== 'creating' && g.Status !== 'available');
    if (bad) throw new Error(`${bad.ReplicationGroupId} is ${bad.Status}`);
    if (available !== last && now() - lastPrint > 1000) {
      progress(`waiting for ${ids.length} groups to be available… ${available}/${ids.length}`);
      last = available;
      lastPrint = now();
    }
    if (now() - t0 > 600_000) throw new Error(`only ${available}/${ids.length} groups available after 600 s`);
    await delay(250);
  }
  const createAllMs = now() - t0;
  progress(`all ${ids.length} groups available after ${sec(createAllMs)}`);

  // At rest, the reconciler still observes every node on its period (default 2 s).
  progress(`control-plane CPU at rest over ${sec(opts.idleWindowMs)}`);
  const cpu0 = await cpuTimeMs(opts.servicePid);
  const w0 = now();
  await delay(opts.idleWindowMs);
  const idleCpuPct = (100 * (await cpuTimeMs(opts.servicePid) - cpu0)) / (now() - w0);

  const check = await client.send(new DescribeReplicationGroupsCommand({}));
  if ((check.ReplicationGroups?.length ?? 0) !== Math.min(100, ids.length)) {
    throw new Error(`DescribeReplicationGroups returned ${check.ReplicationGroups?.length} groups, expected ${Math.min(100, ids.length)}`);
  }
  const allBody = await fetchDescribe(url, dataDir);
  const allBytes = Buffer.byteLength(allBody);
  const one = ids[Math.floor(ids.length / 2)]!;

  progress(`${opts.calls} × DescribeReplicationGroups (all ${ids.length}, JS SDK)`);
  const sdkAll = await timeCalls(opts.calls, async () => { await client.send(new DescribeReplicationGroupsCommand({})); });
  progress(`${opts.calls} × DescribeReplicationGroups (all ${ids.length}, raw fetch)`);
  const fetchAll = await timeCalls(opts.calls, async () => { await fetchDescribe(url, dataDir); });
  progress(`${opts.calls} × DescribeReplicationGroups (one id, JS SDK and raw fetch)`);
  const sdkOne = await timeCalls(opts.calls, async () => {
    await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: one }));
  });
  const fetchOne = await timeCalls(opts.calls, async () => { await fetchDescribe(url, dataDir, one); });
  progress(`${opts.calls} × the same calls against a canned response (client-side cost of the JS SDK)`);
  const sdkCanned = await sdkClientCost(allBody, opts.calls);
  const health = await timeCalls(opts.calls, async () => { await (await fetch(`${url}/healthz`)).text(); });

  const d0 = now();
  await inBatches(ids, 'deleting', (id) => deleteGroup(client, id));
  const ours = new Set(ids);
  for (;;) {
    const left = (await describeAll(client)).filter((g) => ours.has(g.ReplicationGroupId!)).length;
    if (left === 0) break;
    if (now() - d0 > 300_000) throw new Error(`${left} groups still exist 300 s after DeleteReplicationGroup`);
    await delay(100);
  }
  const deleteAllMs = now() - d0;
  const leftoverNodes = (await processesUsing(dataDir)).length;
  progress(`all ${ids.length} groups deleted after ${sec(deleteAllMs)}; node processes left: ${leftoverNodes}`);
  return { groups: ids.length, calls: opts.calls, createAllMs, idleCpuPct, idleWindowMs: opts.idleWindowMs, sdkAll, fetchAll, sdkOne, fetchOne, sdkCanned, health, allBytes, deleteAllMs, leftoverNodes };
}
