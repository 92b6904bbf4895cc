import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DashboardError, DashboardErrorCode } from '../errors.js';

/**
 * The page's files live in `dashboard/web/`, outside `src`, so tsc leaves them alone. This module
 * runs either as `src/http/assets.ts` (vitest) or as `dist/src/http/assets.js` (built), so the
 * folder is two or three levels up; we take the first candidate that holds `index.html`.
 */
const CANDIDATES = ['../../web/', '../../../web/'];

export function findWebDir(): string {
  for (const relative of CANDIDATES) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new DashboardError(
    DashboardErrorCode.WEB_ASSETS,
    `web assets not found next to ${fileURLToPath(import.meta.url)} (looked in ${CANDIDATES.join(', ')}); is the package complete?`,
  );
}

export interface WebAssets {
  /** index.html with a `<!--units-->` marker where the rows go. */
  readonly indexTemplate: string;
  readonly files: ReadonlyMap<string, { readonly body: string; readonly type: string }>;
}

const TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'login.html': 'text/html; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** Read once at start-up: the files are small and a running server should not depend on the disk. */
export function loadWebAssets(dir = findWebDir()): WebAssets {
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new DashboardError(DashboardErrorCode.WEB_ASSETS, `cannot read web asset ${join(dir, name)}`, {
        cause: err,
      });
    }
  };
  const indexTemplate = read('index.html');
  if (!indexTemplate.includes('<!--units-->')) {
    throw new DashboardError(DashboardErrorCode.WEB_ASSETS, `${join(dir, 'index.html')} lacks the <!--units--> marker`);
  }
  const files = new Map(Object.entries(TYPES).map(([name, type]) => [name, { body: read(name), type }]));
  return { indexTemplate, files };
}
