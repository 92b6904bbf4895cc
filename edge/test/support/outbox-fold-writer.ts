/**
 * Child process for the folding SIGKILL test, run from the compiled build like outbox-crash-writer.js. Appends
 * v2 delta records under tight bounds, so that eviction and folding run in nearly every append, until killed.
 * The records are a function of the seed and seq alone, so the parent can rebuild the truth.
 *
 * Usage: node outbox-fold-writer.js <file> <bootId> <seed>
 * stdout, one line per event, written synchronously:
 *   ready <depth>         opened (and recovered) the file
 *   a <first> <last>      about to append seqs first..last (one transaction)
 *   A <last>              that append returned: durable
 */
import { writeSync } from 'node:fs';
import { Outbox } from '../../src/uplink/outbox.js';
import { prng } from './outbox-fixtures.js';
import { FOLD_CRASH_BOUNDS, foldCrashAlarm, foldCrashTs, foldV2, v2RecordMaker } from './outbox-v2.js';

const [file, bootId, seedText] = process.argv.slice(2);
if (file === undefined || bootId === undefined || seedText === undefined) {
  process.stderr.write('usage: outbox-fold-writer <file> <bootId> <seed>\n');
  process.exit(2);
}
const say = (line: string) => writeSync(1, `${line}\n`);
const makeRecord = v2RecordMaker(prng(Number(seedText)));
const batchSize = prng(Number(seedText) + 1);

const outbox = new Outbox(file, { ...FOLD_CRASH_BOUNDS, fold: foldV2 });
say(`ready ${outbox.stats().depth}`);
let seq = 0;
for (;;) {
  const count = 1 + Math.floor(batchSize() * 5);
  const batch = Array.from({ length: count }, (_, i) => {
    const s = seq + i;
    const payload = JSON.stringify(makeRecord(s, foldCrashTs(s), s === 0));
    return { bootId, seq: s, ts: foldCrashTs(s), alarm: foldCrashAlarm(s), payload };
  });
  say(`a ${seq} ${seq + count - 1}`);
  outbox.append(batch);
  seq += count;
  say(`A ${seq - 1}`);
}
