/**
 * The web console in Chromium (Debian's, driven by playwright-core) against the running service:
 *   - first load: bytes of the page and its assets, and the time from navigation to the sign-in
 *     form being usable (a fresh browser context each time: nothing cached);
 *   - the dashboard with N single-node groups (100; --quick 20): time from navigation, signed in,
 *     to every group's row drawn;
 *   - one dashboard update (the three Describe calls a poll makes, from the page): its round trip,
 *     and the updates a second that allows.
 * Standalone: `node dist/bench/console.js [--quick]`.
 */
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../test/helpers/browser.js';
import { createGroup, describeAll } from './groups.js';
import { runStandalone, type BenchService } from './service.js';
import { median, ms, now, progress, summarize, table, type Row, type Summary } from './stats.js';
import { waitFor } from '../src/util/wait.js';

export interface ConsoleResult {
  groups: number;
  firstLoadBytes: number;
  firstLoadMs: number[];
  dashboardMs: number[];
  poll: Summary;
}

const BATCH = 10;
const REPEATS = 5;

export async function measureConsole(svc: BenchService, quick: boolean): Promise<ConsoleResult> {
  if (!CHROMIUM) throw new Error('chromium is not installed (scripts/setup.sh --test installs it)');
  const groups = quick ? 20 : 100;
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  try {
    const url = `${svc.url}/console/`;
    // 1. First load, nothing cached.
    const firstLoadMs: number[] = [];
    let firstLoadBytes = 0;
    for (let i = 0; i < REPEATS; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const bodies: Array<Promise<number>> = [];
      page.on('response', (r) => { bodies.push(r.body().then((b) => b.length, () => 0)); });
      const t0 = now();
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      firstLoadMs.push(now() - t0);
      // The sign-in shell asks GET /console/api/session (401) too: its few bytes count, as a browser fetches them.
      firstLoadBytes = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      await context.close();
    }

    // 2. The dashboard with `groups` groups.
    progress(`console: creating ${groups} single-node groups`);
    const ids = Array.from({ length: groups }, (_, i) => `console-bench-${i}`);
    for (let i = 0; i < ids.length; i += BATCH) await Promise.all(ids.slice(i, i + BATCH).map((id) => createGroup(svc.client, id, 1)));
    await waitFor(async () => (await describeAll(svc.client)).filter((g) => g.Status === 'available').length >= groups,
      { timeoutMs: 300_000, intervalMs: 1000, what: `${groups} groups available` });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel('Access key ID').fill(svc.credentials.accessKeyId);
    await page.getByLabel('Secret access key').fill(svc.credentials.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Caches' }).waitFor();
    const dashboardMs: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t0 = now();
      await page.reload();
      await page.waitForFunction((n) => document.querySelectorAll('tr[data-group]').length >= n, groups, { timeout: 30_000 });
      dashboardMs.push(now() - t0);
    }

    // 3. One update: the poll's three calls, from the page, one after another.
    const times = await page.evaluate(async (n) => {
      const token = ((await (await fetch('/console/api/session')).json()) as { csrfToken: string }).csrfToken;
      const post = (action: string, params: Record<string, string>) => fetch(`/console/api/call/elasticache/${action}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-cachefleet-csrf': token }, body: JSON.stringify({ params }),
      }).then((r) => r.json());
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await Promise.all([post('DescribeReplicationGroups', { MaxRecords: '100' }),
          post('DescribeCacheClusters', { MaxRecords: '100', ShowCacheNodeInfo: 'true' }), post('DescribeEvents', { Duration: '1440', MaxRecords: '50' })]);
        out.push(performance.now() - t0);
      }
      return out;
    }, quick ? 20 : 50);
    await context.close();
    return { groups, firstLoadBytes, firstLoadMs, dashboardMs, poll: summarize(times) };
  } finally {
    await browser.close();
  }
}

export function consoleRows(r: ConsoleResult): Row[] {
  const poll = r.poll.p50;
  return [
    { measure: 'Console first load: page, script and style (bytes, uncompressed)', value: `${Math.round(r.firstLoadBytes / 1024)} KiB`, goal: '< 200 KiB', ok: r.firstLoadBytes < 200 * 1024 },
    { measure: `Console first load → sign-in usable, nothing cached (median of ${r.firstLoadMs.length})`, value: ms(median(r.firstLoadMs), 0), goal: '< 1 s', ok: median(r.firstLoadMs) < 1000 },
    { measure: `Console dashboard, ${r.groups} groups: reload → every row drawn (median of ${r.dashboardMs.length})`, value: ms(median(r.dashboardMs), 0), goal: '< 2 s', ok: median(r.dashboardMs) < 2000 },
    { measure: `Console dashboard update (its 3 Describe calls), ${r.groups} groups (p50 / p95)`, value: `${ms(r.poll.p50)} / ${ms(r.poll.p95)}`, goal: '' },
    { measure: 'Console dashboard updates a second one page could draw (1 / p50)', value: (1000 / poll).toFixed(1), goal: '≥ 0.5 (it polls every 2 s)', ok: 1000 / poll >= 0.5 },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runStandalone(async (svc, quick) => table(consoleRows(await measureConsole(svc, quick))));
}
