/**
 * Child process for the SIGKILL test, run from the compiled build (dist/test/support/outbox-crash-writer.js),
 * as the edge service would run. Appends numbered records and acks some, in a tight loop, until killed.
 *
 * Usage: node outbox-crash-writer.js <file> <bootId> <seed>
 *
 * It reports on stdout, one line per event, each written synchronously before the next step so that the
 * parent knows exactly what was durable at the moment of the kill:
 *   ready <depth>                 opened (and recovered) the file
 *   a <first> <last>              about to append seqs first..last of this boot (one transaction)
 *   A <last>                      that append returned: the records are durable
 *   k <bootId> <seq,seq,…>        about to ack these entries (one line per boot)
 *   K                             that ack returned
 */
import { writeSync } from 'node:fs';
import { Outbox } from '../../src/uplink/outbox.js';
import { prng } from './outbox-fixtures.js';

const [file, bootId, seedText] = process.argv.slice(2);
if (file === undefined || bootId === undefined || seedText === undefined) {
  process.stderr.write('usage: outbox-crash-writer <file> <bootId> <seed>\n');
  process.exit(2);
}
const say = (line: string) => writeSync(1, `${line}\n`);
const rnd = prng(Number(seedText));
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

const outbox = new Outbox(file);
say(`ready ${outbox.stats().depth}`);
let seq = 0;
for (;;) {
  const count = int(1, 10);
  const batch = Array.from({ length: count }, (_, i) => {
    const s = seq + i;
    const payload = JSON.stringify({ seq: s, ts: Date.now(), historical: false, pad: 'x'.repeat(int(0, 400)) });
    return { bootId, seq: s, ts: Date.now(), alarm: rnd() < 0.1, payload };
  });
  say(`a ${seq} ${seq + count - 1}`);
  outbox.append(batch);
  seq += count;
  say(`A ${seq - 1}`);

  if (rnd() < 0.5) {
    const chosen = outbox.peek(int(1, 20)).filter(() => rnd() < 0.7);
    const byBoot = new Map<string, number[]>();
    for (const e of chosen) byBoot.set(e.bootId, [...(byBoot.get(e.bootId) ?? []), e.seq]);
    for (const [boot, seqs] of byBoot) say(`k ${boot} ${seqs.join(',')}`);
    outbox.ack(chosen.map((e) => e.id));
    say('K');
  }
  if (rnd() < 0.05) outbox.markReplay();
}
