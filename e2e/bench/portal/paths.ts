import { existsSync, readFileSync } from 'node:fs';
import { copyFile, readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The monorepo's root: the nearest folder up from `from` whose package.json names the monorepo. */
export function repoRoot(from = HERE): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === MONOREPO) {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no ${MONOREPO} package.json above ${from}`);
  }
}

const MONOREPO = 'triporteur-connecte';

/** True when this file runs from e2e/dist (npm run bench), false from the sources (vitest). */
export function runningFromDist(file = fileURLToPath(import.meta.url)): boolean {
  return file.includes(`${sep}e2e${sep}dist${sep}`);
}

/**
 * The edge's compiled module at `relative` (under edge/src). The bench runs from e2e/dist, where a
 * relative import of the edge's sources would point one folder too deep, and the edge package exports
 * no hotspot entry; so its processes load the edge's own dist by path.
 */
export function edgeDistModule(relative: string, root = repoRoot()): string {
  return join(root, 'edge', 'dist', 'src', relative);
}

/**
 * tsc emits the harness's TypeScript only; its plain-JavaScript helpers (internet server, flood client,
 * listen helper, DNS lookup) are copied from e2e/support/netns next to the compiled harness, where it
 * looks for them. Returns the files copied.
 */
export async function ensureHarnessHelpers(root = repoRoot()): Promise<string[]> {
  const source = join(root, 'e2e', 'support', 'netns');
  const target = join(root, 'e2e', 'dist', 'support', 'netns');
  const helpers = (await readdir(source)).filter((name) => name.endsWith('.mjs'));
  await Promise.all(helpers.map((name) => copyFile(join(source, name), join(target, name))));
  return helpers;
}
