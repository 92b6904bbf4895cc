import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { encodeTrace, TRACE_FILE } from './trace.js';
import { generateTrace } from './trace-gen.js';

/**
 * Writes the committed reference trace (bench/traces/ride-park-hour.ndjson.gz). Run once after changing
 * the generator, then commit the file: the bench reads the file, never the generator.
 *   npx tsc -b && node edge/dist/bench/uplink/make-trace.js
 */
const trace = generateTrace();
const bytes = encodeTrace(trace);
const file = join(repoRoot(import.meta.dirname), TRACE_FILE);
await writeFile(file, bytes);
const sha = createHash('sha256').update(bytes).digest('hex');
process.stdout.write(`${file}: ${trace.samples.length} samples, ${bytes.byteLength} bytes, sha256 ${sha}\n`);
