import { type ExecFileException, execFile } from 'node:child_process';
import { constants } from 'node:os';
import { isNetnsName } from './addresses.js';
import { HotspotError, HotspotErrorCode } from './errors.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The exit status; 128 + n when a signal n ended it (as a shell reports it). */
  code: number;
}

export interface CommandOptions {
  /** Written to the command's standard input, which is then closed (nft -f - reads its ruleset here). */
  input?: string;
}

/**
 * How the hotspot runs system commands: a program and its argv, never a shell string, so no value can
 * be read as shell syntax. A non-zero exit is a result, not an exception; `runChecked` turns it into one.
 */
export interface CommandRunner {
  run(file: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

export interface ExecFileRunnerOptions {
  /** Run every command inside this network namespace (`ip netns exec <netns> …`): tests and the harness. */
  netns?: string;
  /** Kill a command that runs longer than this; nft answers in milliseconds, so 10 s means it is stuck. */
  timeoutMs?: number;
  /** Bigger outputs fail the command: `nft -j list set` of a full allowed set is well under 2 MB. */
  maxOutputBytes?: number;
}

/** The real runner, over child_process.execFile. */
export function createExecFileRunner(options: ExecFileRunnerOptions = {}): CommandRunner {
  const { netns, timeoutMs = 10_000, maxOutputBytes = 16 * 1024 * 1024 } = options;
  if (netns !== undefined && !isNetnsName(netns)) {
    throw new HotspotError(HotspotErrorCode.BAD_INPUT, `not a network namespace name: ${JSON.stringify(netns)}`);
  }
  return {
    run(file, args, runOptions = {}) {
      const [program, argv] = netns === undefined ? [file, [...args]] : ['ip', ['netns', 'exec', netns, file, ...args]];
      return new Promise((resolve, reject) => {
        const child = execFile(
          program,
          argv,
          { encoding: 'utf8', timeout: timeoutMs, maxBuffer: maxOutputBytes, killSignal: 'SIGKILL' },
          (error, stdout, stderr) => {
            if (!error) return resolve({ stdout, stderr, code: 0 });
            const failure = toResultOrError(error, file, timeoutMs);
            if (failure instanceof HotspotError) return reject(failure);
            resolve({ stdout, stderr, code: failure });
          },
        );
        // Commands that read stdin when it is open (nft -f -) must see an end even with no input.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(runOptions.input ?? '');
      });
    },
  };
}

function toResultOrError(error: ExecFileException, file: string, timeoutMs: number): number | HotspotError {
  if (typeof error.code === 'number') return error.code;
  if (error.killed && error.signal === 'SIGKILL') {
    return new HotspotError(HotspotErrorCode.COMMAND_TIMEOUT, `${file} did not finish within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  if (error.signal) return 128 + (constants.signals[error.signal] ?? 0);
  // ENOENT, EACCES, or maxBuffer exceeded: the command never gave a usable answer.
  return new HotspotError(HotspotErrorCode.COMMAND_START, `cannot run ${file}: ${error.message}`, { cause: error });
}

export interface CheckedOptions extends CommandOptions {
  /**
   * The command line or its output names a resident (an IP or MAC): keep both out of the message, which
   * may reach an info-level log, and leave them on `cause` for debugging.
   */
  redact?: boolean;
}

/** Runs a command and throws a coded error, carrying its stderr, when it exits non-zero. */
export async function runChecked(
  runner: CommandRunner,
  file: string,
  args: readonly string[],
  options: CheckedOptions = {},
): Promise<CommandResult> {
  const result = await runner.run(file, args, options.input === undefined ? {} : { input: options.input });
  return checkResult(result, file, args, options);
}

/** Returns a zero-exit result; throws the coded error runChecked would for any other. */
export function checkResult(
  result: CommandResult,
  file: string,
  args: readonly string[],
  options: Pick<CheckedOptions, 'redact'> = {},
): CommandResult {
  if (result.code !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || '(no output)';
    const command = `${file} ${args.join(' ')}`;
    const message = options.redact
      ? `${file} ${args[0] ?? ''} exited with ${result.code} (details withheld: they name a client)`
      : `${command} exited with ${result.code}: ${detail}`;
    throw new HotspotError(HotspotErrorCode.COMMAND_FAILED, message, { cause: new Error(`${command}: ${detail}`) });
  }
  return result;
}
