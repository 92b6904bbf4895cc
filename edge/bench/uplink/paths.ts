import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found upwards from `from`: the same answer from edge/bench (vitest) and edge/dist/bench (node). */
export function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'bench', 'README.md'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`uplink bench: no bench/README.md above ${from}`);
    dir = up;
  }
  return dir;
}
