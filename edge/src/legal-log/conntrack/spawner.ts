import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EdgeError, EdgeErrorCode } from '../../errors.js';
import { isNetnsName } from '../../hotspot/system/addresses.js';

/**
 * How the legal log runs a long-lived tool whose output it reads line by line (conntrack -E). The
 * CommandRunner seam (hotspot/system/command.ts) waits for a command to end; this one streams. Argv
 * only, never a shell string.
 */

export interface ProcessExit {
  /** Exit status, or null when a signal ended it or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  startError?: Error;
}

export interface StreamingProcess {
  onStdoutLine(listener: (line: string) => void): void;
  onStderrLine(listener: (line: string) => void): void;
  /** Called once, after every output line has been delivered. */
  onExit(listener: (exit: ProcessExit) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface ProcessSpawner {
  spawn(file: string, args: readonly string[]): StreamingProcess;
}

export interface SpawnerOptions {
  /** Run inside this network namespace (`ip netns exec <netns> …`): tests and the harness. */
  netns?: string;
}

export function createProcessSpawner(options: SpawnerOptions = {}): ProcessSpawner {
  const { netns } = options;
  if (netns !== undefined && !isNetnsName(netns)) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `not a network namespace name: ${JSON.stringify(netns)}`);
  }
  return {
    spawn(file, args) {
      const [program, argv] = netns === undefined ? [file, [...args]] : ['ip', ['netns', 'exec', netns, file, ...args]];
      // `ip netns exec` execs the program in place: the child's pid is the tool's, so kill() reaches it.
      const child = spawn(program, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      const stdout = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
      const stderr = createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY });
      const exitListeners: Array<(exit: ProcessExit) => void> = [];
      let exited: ProcessExit | undefined;
      const finish = (exit: ProcessExit) => {
        if (exited !== undefined) return;
        exited = exit;
        for (const listener of exitListeners) listener(exit);
      };
      child.once('error', (err) => finish({ code: null, signal: null, startError: err }));
      // 'close' comes after the pipes are drained, so no line arrives after the exit is reported.
      child.once('close', (code, signal) => finish({ code, signal }));
      return {
        onStdoutLine: (listener) => void stdout.on('line', listener),
        onStderrLine: (listener) => void stderr.on('line', listener),
        onExit: (listener) => {
          if (exited !== undefined) listener(exited);
          else exitListeners.push(listener);
        },
        kill: (signal = 'SIGTERM') => {
          if (exited === undefined) child.kill(signal);
        },
      };
    },
  };
}
