import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiServer } from '../api/http.js';
import { consoleMount } from './routes.js';
import { loadStaticFiles } from './static-files.js';

// The build splits the console into an entry chunk and chunks fetched when a page is first shown
// (console/src/lazy-page.tsx): each is a file below assets/, served like the entry.
test("the build's lazy chunks are served as the entry is: script or style type, cached for good, under the CSP, signed out", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-console-dist-'));
  try {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-a1.js"></script>');
    writeFileSync(join(dir, 'assets/index-a1.js'), 'import("./GroupPage-b2.js")');
    writeFileSync(join(dir, 'assets/GroupPage-b2.js'), 'export const GroupPage = 1;');
    writeFileSync(join(dir, 'assets/MetricCharts-c3.css'), '.uplot{}');
    const files = loadStaticFiles(dir);
    assert.deepEqual([...files.keys()].sort(), ['assets/GroupPage-b2.js', 'assets/MetricCharts-c3.css', 'assets/index-a1.js', 'index.html']);

    const app = createApiServer({ actions: new Map(), mount: consoleMount({ secretFor: () => undefined, secure: false, files }) });
    try {
      const get = (url: string) => app.inject({ method: 'GET', url, headers: { host: 'console.test' } });
      for (const [url, type, body] of [
        ['/console/assets/GroupPage-b2.js', 'text/javascript; charset=utf-8', 'export const GroupPage = 1;'],
        ['/console/assets/MetricCharts-c3.css', 'text/css; charset=utf-8', '.uplot{}'],
      ] as const) {
        const res = await get(url);
        assert.equal(res.statusCode, 200, url);
        assert.equal(res.headers['content-type'], type);
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', 'hashed names: a new build has new names');
        assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
        assert.equal(res.body, body);
      }
      assert.equal((await get('/console/assets/GroupPage-old.js')).statusCode, 404, "an older build's chunk is not there");
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
