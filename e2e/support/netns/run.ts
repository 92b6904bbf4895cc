import { type ChildProcess, spawn } from 'node:child_process';
import { HarnessError } from './errors.js';

export interface RunOptions {
  /** Written to the command's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
  /** Return the result of a non-zero exit instead of throwing (curl, lookups that may fail). */
  allowFailure?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs one command as an argv array (never a shell string) and collects its output. */
export function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new HarnessError('E2E_NETNS_COMMAND_FAILED', `${file} could not start`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: performance.now() - started,
      };
      if (code === 0 || options.allowFailure) return resolve(result);
      const why = signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : `exit ${code ?? signal}`;
      reject(
        new HarnessError(
          signal === 'SIGKILL' ? 'E2E_NETNS_TIMEOUT' : 'E2E_NETNS_COMMAND_FAILED',
          `${file} ${args.join(' ')}: ${why}: ${result.stderr.trim().slice(0, 2000)}`,
        ),
      );
    });
    child.stdin.on('error', () => {
      // The command may exit before reading its input; its exit status tells the story.
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra stdio slots after stdout/stderr, e.g. 'ipc' for a handle-passing helper. */
  extraStdio?: ('ipc' | 'pipe' | 'ignore')[];
}

/** A long-running process (dnsmasq, a server, udhcpc) whose output is kept for waiting and debugging. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly label: string,
    file: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ) {
    this.child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe', ...(options.extraStdio ?? [])],
      env: options.env ?? process.env,
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        // 'close' comes once the output is drained; a grandchild holding the pipes must not stall us.
        const fallback = setTimeout(resolve, 200);
        this.child.on('close', () => {
          clearTimeout(fallback);
          resolve();
        });
      });
      this.child.on('error', (error) => {
        this.exitInfo = { code: null, signal: null };
        this.push(`spawn error: ${error.message}`);
        resolve();
      });
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        pending += chunk;
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        for (const line of parts) this.push(line);
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Calls back on every output line from now on; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the first matching line: among those already printed and those to come, or only
   * those to come with `fresh` (subscribe before causing the event, then await).
   */
  waitForLine(pattern: RegExp, options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const seen = options.fresh ? undefined : this.lines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        unsubscribe();
      };
      const unsubscribe = this.onLine((line) => {
        if (settled || !pattern.test(line)) return;
        settle();
        resolve(line);
      });
      const timer = setTimeout(() => {
        if (settled) return;
        settle();
        reject(new HarnessError('E2E_NETNS_TIMEOUT', `${this.label}: no line matching ${pattern} in ${timeoutMs} ms`));
      }, timeoutMs);
      void this.exited.then(() => {
        if (settled) return;
        settle();
        const how = this.exitInfo?.code ?? this.exitInfo?.signal;
        reject(
          new HarnessError(
            'E2E_NETNS_PROCESS_EXITED',
            `${this.label} exited (${how}) before ${pattern}: ${this.tail()}`,
          ),
        );
      });
    });
  }

  /** The last lines of output, for error messages. */
  tail(count = 20): string {
    return this.lines.slice(-count).join('\n');
  }

  /** SIGTERM, then SIGKILL if it lingers; resolves once it is gone. */
  async stop(graceMs = 1_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 2_000) this.lines.splice(0, 1_000);
    for (const listener of this.listeners) listener(line);
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the input order in the result. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
