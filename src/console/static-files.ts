// The console's built files (console/dist, made by `npm run build`), read once into memory: the
// bundle is small and immutable while the service runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  contentType: string;
  body: Buffer;
}

/** Where `npm run build` puts the bundle: console/dist at the repo root (this file runs from dist/src/console/). */
export const DEFAULT_CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../console/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

/** Path below the console (`index.html`, `assets/index-abc.js`) → file; empty when the console is not built. */
export function loadStaticFiles(dir: string = DEFAULT_CONSOLE_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p).split(sep).join('/'), { contentType: TYPES[extname(name)] ?? 'application/octet-stream', body: readFileSync(p) });
    }
  };
  walk(dir);
  return files;
}
