import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { DashboardError, DashboardErrorCode } from '../errors.js';

/**
 * The page's files live in `dashboard/web/`, outside `src`, so tsc leaves them alone. This module
 * runs either as `src/http/assets.ts` (vitest) or as `dist/src/http/assets.js` (built), so the
 * folder is two or three levels up; we take the first candidate that holds `index.html`.
 */
const CANDIDATES = ['../../web/', '../../../web/'];

export function findWebDir(): string {
  for (const relativeDir of CANDIDATES) {
    const dir = fileURLToPath(new URL(relativeDir, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new DashboardError(
    DashboardErrorCode.WEB_ASSETS,
    `web assets not found next to ${fileURLToPath(import.meta.url)} (looked in ${CANDIDATES.join(', ')}); is the package complete?`,
  );
}

/** One served file, compressed ahead of time: tablets on 4G load the page once a day, not once a build. */
export interface WebFile {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  /** A strong validator for conditional requests. */
  readonly etag: string;
}

export interface WebAssets {
  /** index.html with a `<!--units-->` marker where the rows go. */
  readonly indexTemplate: string;
  /** By URL path without the leading slash: `app.js`, `i18n/fr.json`, `vendor/leaflet.js`. */
  readonly files: ReadonlyMap<string, WebFile>;
}

/** What is served, by extension; anything else in the folder (source maps, notes) is not. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The map and chart libraries, served from their npm packages (never a CDN: the CSP allows 'self' only). */
const VENDOR: readonly { from: string; files: readonly string[] }[] = [
  {
    from: 'leaflet/dist/leaflet.js',
    files: [
      'leaflet.js',
      'leaflet.css',
      'images/marker-icon.png',
      'images/marker-icon-2x.png',
      'images/marker-shadow.png',
    ],
  },
  { from: 'uplot/dist/uPlot.iife.min.js', files: ['uPlot.iife.min.js', 'uPlot.min.css'] },
];

function readAsset(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new DashboardError(DashboardErrorCode.WEB_ASSETS, `cannot read web asset ${path}`, { cause: err });
  }
}

function webFile(path: string, type: string): WebFile {
  const body = readAsset(path);
  const compressible = !type.startsWith('image/png');
  const brotli = compressible ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : body;
  const gzip = compressible ? gzipSync(body, { level: 9 }) : body;
  const etag = `"${body.length.toString(36)}-${Buffer.from(gzip.subarray(-8)).toString('hex')}"`;
  return { type, body, gzip, brotli, etag };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Read once at start-up: the files are small and a running server should not depend on the disk. */
export function loadWebAssets(dir = findWebDir()): WebAssets {
  const indexTemplate = readAsset(join(dir, 'index.html')).toString('utf8');
  if (!indexTemplate.includes('<!--units-->')) {
    throw new DashboardError(DashboardErrorCode.WEB_ASSETS, `${join(dir, 'index.html')} lacks the <!--units--> marker`);
  }
  const files = new Map<string, WebFile>();
  for (const path of walk(dir)) {
    const type = TYPES[extname(path)];
    const name = relative(dir, path).split(sep).join('/');
    if (type && name !== 'index.html') files.set(name, webFile(path, type));
  }
  const require = createRequire(import.meta.url);
  for (const { from, files: names } of VENDOR) {
    const base = dirname(require.resolve(from));
    for (const name of names) files.set(`vendor/${name}`, webFile(join(base, name), TYPES[extname(name)] ?? ''));
  }
  return { indexTemplate, files };
}

/** The encoding to answer with, from the request's Accept-Encoding (no q-value games: br, then gzip). */
/**
 * A page made per request (the fleet list with every unit) compressed for the browser: at 500 units it
 * is ~190 kB of HTML, ~15 kB in brotli. Quality 5: most of the gain for a fraction of quality 11's time.
 */
export function compressedPage(
  html: string,
  acceptEncoding: string | undefined,
): { body: Buffer | string; encoding?: 'br' | 'gzip' } {
  const encoding = pickEncoding(acceptEncoding);
  if (encoding === 'br') {
    const body = brotliCompressSync(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    return { body, encoding };
  }
  if (encoding === 'gzip') return { body: gzipSync(html), encoding };
  return { body: html };
}

export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = (acceptEncoding ?? '').split(',').map((part) => part.trim().split(';')[0]);
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return undefined;
}
