import type { Command } from 'commander';
import { loadEdgeConfig } from '../config/load.js';
import type { DoctorSeams } from '../doctor/context.js';
import { configFailure, DOCTOR_EXIT, exitCodeOf } from '../doctor/outcome.js';
import { renderTable } from '../doctor/output/table.js';
import { runDoctor, UnknownCheckError } from '../doctor/run-doctor.js';
import type { DoctorReport } from '../doctor/runner.js';
import { EdgeErrorCode } from '../errors.js';
import type { CliStreams } from './legal-log.js';

export interface DoctorCliOptions {
  streams?: CliStreams & { out: NodeJS.WritableStream & { isTTY?: boolean } };
  /** Replaces parts of the system (tests); the real one otherwise. */
  seams?: DoctorSeams;
  /** Where the exit code goes; process.exitCode by default, so pending output is flushed first. */
  setExitCode?: (code: number) => void;
}

/**
 * `triporteur-edge doctor -c <config> [--json] [--only <ids>]`: every check of the unit, as a table for
 * the technician at the console or as JSON for a script. Exit 0 when nothing failed (warnings included),
 * 2 when something failed, 1 when doctor itself cannot run (docs/doctor.md).
 */
export function addDoctorCommand(program: Command, options: DoctorCliOptions = {}): void {
  const { streams = { out: process.stdout, err: process.stderr }, seams = {} } = options;
  const setExitCode = options.setExitCode ?? ((code: number) => (process.exitCode = code));
  program
    .command('doctor')
    .description('check the unit: serial devices, clock, hotspot, broker, outbox, storage, Wi-Fi and 4G')
    .requiredOption('-c, --config <file>', 'config file (JSON)')
    .option('--json', 'print {ok, checks:[…]} for machines instead of the table')
    .option('--only <ids>', 'comma-separated check ids or prefixes (e.g. broker,service)')
    .action(async (opts: { config: string; json?: boolean; only?: string }) => {
      const only = opts.only
        ?.split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      let report: DoctorReport;
      try {
        const config = await loadEdgeConfig(opts.config);
        report = await runDoctor(config, seams, only ? { only } : {});
      } catch (err) {
        if (err instanceof UnknownCheckError) {
          streams.err.write(`error ${EdgeErrorCode.TOOL_INPUT}: no doctor check named ${err.ids.join(', ')}\n`);
          setExitCode(DOCTOR_EXIT.unusable);
          return;
        }
        // A config that does not load is the first thing doctor must report, in the same shape.
        const code = (err as { code?: unknown }).code;
        if (typeof code !== 'string' || !code.startsWith('EDG_CONFIG')) throw err;
        report = configFailure(`${code} : ${(err as Error).message}`);
      }
      const color = streams.out.isTTY === true && process.env.NO_COLOR === undefined;
      streams.out.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, { color }));
      setExitCode(exitCodeOf(report));
    });
}
