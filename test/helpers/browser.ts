/**
 * Real Chromium for the web console's tests: Debian's `chromium` (scripts/setup.sh --test installs
 * it) driven by playwright-core, which downloads no browser. Closed by the test's cleanup.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Cleanup } from './cleanup.js';
import { startService, type TestService } from './service.js';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export async function launchChromium(cleanup: Cleanup): Promise<Browser> {
  if (!CHROMIUM) throw new Error('chromium is not installed: run scripts/setup.sh --test (apt-get install chromium)');
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    // As root Chromium refuses its sandbox; the tests load only the service's own pages.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  cleanup.defer(() => browser.close());
  return browser;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A running service and a signed-out page of the console in Chromium, with the CSP reports it logs. */
export interface ConsoleSession {
  svc: TestService;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  cspViolations: string[];
  /**
   * Where screenshots go: docs/console/ (what the README shows) when CACHEFLEET_UPDATE_SCREENSHOTS=1,
   * else a temporary directory removed afterwards, so a test run leaves the checkout as it was.
   */
  shots: string;
}

/** `service`: startService's options (e.g. `{ args: ['--metrics-period-seconds', '1'] }` for charts with data soon). */
export async function openConsole(cleanup: Cleanup, service: Parameters<typeof startService>[1] = {}): Promise<ConsoleSession> {
  assert.ok(existsSync(join(ROOT, 'console/dist/index.html')), 'the console is built (npm run build, or scripts/setup.sh)');
  let shots = join(ROOT, 'docs/console');
  if (process.env.CACHEFLEET_UPDATE_SCREENSHOTS === '1') mkdirSync(shots, { recursive: true });
  else shots = await cleanup.tmpDir('cachefleet-console-shots-');
  const svc = await startService(cleanup, service);
  const browser = await launchChromium(cleanup);
  const context = await browser.newContext({ viewport: { width: 1200, height: 820 }, colorScheme: 'light' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
  return { svc, browser, context, page, cspViolations, shots };
}

/** Signs in with the service's admin key, on the dashboard. */
export async function signIn(page: Page, svc: TestService): Promise<void> {
  await page.goto(`${svc.url}/console/#/`);
  await page.getByLabel('Access key ID').fill(svc.credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(svc.credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Caches', exact: true }).waitFor();
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function axeCheck(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${what}: ${JSON.stringify(violations)}`);
}
