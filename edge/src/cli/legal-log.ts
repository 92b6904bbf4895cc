import type { Command } from 'commander';
import { LegalLogError, LegalLogErrorCode } from '../legal-log/errors.js';
import { exportRange } from '../legal-log/export.js';
import { readIdentityFile, writeKeyPair } from '../legal-log/keys.js';

/** Where the unit keeps its day files unless the config says otherwise (the config schema's default). */
export const DEFAULT_LEGAL_LOG_DIR = '/var/lib/triporteur/legal-log';

export interface CliStreams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/**
 * `legal-log export` answers a requisition: it decrypts the day files of a range with the association's
 * private key and prints the records. `legal-log keygen` makes that key pair, on the admin's machine.
 */
export function addLegalLogCommands(
  program: Command,
  streams: CliStreams = { out: process.stdout, err: process.stderr },
): void {
  const legalLog = program
    .command('legal-log')
    .description('the legal connection log (CPCE L34-1): export a range for a requisition, make the key pair');

  legalLog
    .command('export')
    .description('decrypt the records of a time range and print them, one JSON object (or CSV row) per line')
    .requiredOption('--from <time>', 'start of the range, ISO 8601 (e.g. 2026-03-14T09:00:00+01:00)')
    .requiredOption('--to <time>', 'end of the range, ISO 8601, inclusive')
    .requiredOption('--identity <file>', "the association's private key file (from `legal-log keygen`)")
    .option('--dir <directory>', 'the day files (copied from the unit)', DEFAULT_LEGAL_LOG_DIR)
    .option('--csv', 'CSV with a header row instead of JSON lines')
    .option('--time-zone <zone>', 'the zone the unit named its day files in', 'Europe/Paris')
    .action(
      async (opts: { from: string; to: string; identity: string; dir: string; csv?: boolean; timeZone: string }) => {
        const from = parseTime(opts.from, '--from');
        const to = parseTime(opts.to, '--to');
        const { identity, recipient } = await readIdentityFile(opts.identity);
        streams.err.write(`reading ${opts.dir} with the key of ${recipient}\n`);
        const summary = await exportRange({
          directory: opts.dir,
          identity,
          from,
          to,
          timeZone: opts.timeZone,
          format: opts.csv ? 'csv' : 'json',
          write: (line) => streams.out.write(`${line}\n`),
        });
        for (const problem of summary.problems) {
          streams.err.write(`warning ${problem.code}: ${problem.file} at byte ${problem.offset}: ${problem.detail}\n`);
        }
        streams.err.write(
          `${summary.records} record(s) from ${summary.chunksRead} chunk(s) in ${summary.filesRead} file(s); ${summary.problems.length} problem(s)\n`,
        );
      },
    );

  legalLog
    .command('keygen')
    .description("make the association's key pair: the private key goes to a 0600 file, the public key is printed")
    .requiredOption('--out <file>', 'where to write the private key (never on the unit; never overwritten)')
    .action(async (opts: { out: string }) => {
      const { recipient } = await writeKeyPair(opts.out);
      streams.err.write(`private key written to ${opts.out} (keep it off the unit, with a backup)\n`);
      streams.err.write('public key, for the legalLog.publicKey field of every unit:\n');
      streams.out.write(`${recipient}\n`);
    });
}

function parseTime(value: string, option: string): number {
  // A date alone would be read as UTC midnight: ask for a full time so the range means what it says.
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new LegalLogError(
      LegalLogErrorCode.EXPORT_INPUT,
      `${option} ${JSON.stringify(value)} is not an ISO 8601 time such as 2026-03-14T09:00:00+01:00`,
    );
  }
  return ms;
}
