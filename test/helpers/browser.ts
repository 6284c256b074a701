/**
 * Real Chromium for the web console's tests: Debian's `chromium` (scripts/setup.sh --test installs
 * it) driven by playwright-core, which downloads no browser. Closed by the test's cleanup.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Cleanup } from './cleanup.js';
import { requireOrSkip } from './prerequisites.js';
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

/** The `skip` of a console browser suite: Chromium missing (under CI, a failure instead: prerequisites.ts). */
export function skipWithoutChromium(): string | false {
  return requireOrSkip(!CHROMIUM && 'chromium (Debian\'s package; scripts/setup.sh --test installs it)');
}

/** A running service and a page of the console in Chromium, with the CSP reports it logs. */
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

export interface ConsoleOptions {
  /** startService's options (e.g. `{ args: ['--metrics-period-seconds', '1'] }` for charts with data soon). */
  service?: Parameters<typeof startService>[1];
  /**
   * Sign the page's context in with the service's admin key before the first test, as the sign-in
   * page does (its POST; console.test.ts signs in through the page itself). Else it starts signed out.
   */
  signIn?: boolean;
}

/**
 * The console of a suite: a before() hook of the current suite opens it (the service and Chromium
 * start side by side) and fills the returned session, so its fields are there from the first test
 * on. Registered after useCleanup(), which closes everything.
 *
 *   const ui = useConsole(useCleanup(), { signIn: true });
 *   test('…', async () => { const { svc, page } = ui; … });
 */
export function useConsole(cleanup: Cleanup, options: ConsoleOptions = {}): ConsoleSession {
  const session = {} as ConsoleSession;
  before(async () => {
    assert.ok(existsSync(join(ROOT, 'console/dist/index.html')), 'the console is built (npm run build, or scripts/setup.sh)');
    let shots = join(ROOT, 'docs/console');
    if (process.env.CACHEFLEET_UPDATE_SCREENSHOTS === '1') mkdirSync(shots, { recursive: true });
    else shots = await cleanup.tmpDir('cachefleet-console-shots-');
    const [svc, { browser, context, page, cspViolations }] = await Promise.all([startService(cleanup, options.service), openPage(cleanup)]);
    if (options.signIn) await signIn(context, svc);
    Object.assign(session, { svc, browser, context, page, cspViolations, shots });
  });
  return session;
}

/** Chromium with one page, light and desktop-sized, recording the CSP violations it reports. */
async function openPage(cleanup: Cleanup): Promise<Omit<ConsoleSession, 'svc' | 'shots'>> {
  const browser = await launchChromium(cleanup);
  const context = await browser.newContext({ viewport: { width: 1200, height: 820 }, colorScheme: 'light' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
  return { browser, context, page, cspViolations };
}

/** Signs `context` in with the service's admin key: the sign-in page's POST, whose cookie the context keeps. */
async function signIn(context: BrowserContext, svc: TestService): Promise<void> {
  const r = await context.request.post(`${svc.url}/console/api/sign-in`, {
    headers: { origin: new URL(svc.url).origin },
    data: { accessKeyId: svc.credentials.accessKeyId, secretAccessKey: svc.credentials.secretAccessKey },
  });
  assert.equal(r.status(), 200, `sign-in: ${await r.text()}`);
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
