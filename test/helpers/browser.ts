/**
 * Real Chromium for the web console's tests: Debian's `chromium` (scripts/setup.sh --test installs
 * it) driven by playwright-core, which downloads no browser. Closed by the test's cleanup.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { Cleanup } from './cleanup.js';

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
