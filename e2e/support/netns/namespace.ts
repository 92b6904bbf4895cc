import { spawn } from 'node:child_process';
import type { Server } from 'node:net';
import { HarnessError } from './errors.js';
import { ManagedProcess, type RunOptions, type RunResult, runCommand, type SpawnOptions } from './run.js';

const LISTEN_HELPER = new URL('./listen-helper.mjs', import.meta.url).pathname;

/** Everything a harness must undo on close: processes it started and other closers (browsers). */
export class Cleanup {
  readonly processes = new Set<ManagedProcess>();
  readonly closers: (() => Promise<void>)[] = [];
  closed = false;

  track(started: ManagedProcess): ManagedProcess {
    if (this.closed) {
      started.child.kill('SIGKILL');
      throw new HarnessError('E2E_NETNS_CLOSED', `${started.label} started after close()`);
    }
    this.processes.add(started);
    return started;
  }

  assertOpen(what: string): void {
    if (this.closed) throw new HarnessError('E2E_NETNS_CLOSED', `${what} after close()`);
  }
}

/**
 * A network namespace the harness owns. `exec` and `spawn` run a program inside it (argv only);
 * `listen` hands the test process a listening socket that lives inside it.
 */
export class Namespace {
  constructor(
    readonly name: string,
    protected readonly cleanup: Cleanup,
    /** Put in front of every command, e.g. the client's private-resolv.conf wrapper. */
    private readonly commandPrefix: readonly string[] = [],
  ) {}

  /** Runs one program inside the namespace and waits for it; throws on a non-zero exit unless allowFailure. */
  exec(file: string, args: readonly string[] = [], options: RunOptions = {}): Promise<RunResult> {
    this.cleanup.assertOpen(`exec ${file} in ${this.name}`);
    return runCommand('ip', this.argv(file, args), options);
  }

  /** Starts a long-running program inside the namespace; it is stopped on harness.close(). */
  spawn(label: string, file: string, args: readonly string[] = [], options: SpawnOptions = {}): ManagedProcess {
    this.cleanup.assertOpen(`spawn ${file} in ${this.name}`);
    return this.cleanup.track(new ManagedProcess(`${this.name}/${label}`, 'ip', this.argv(file, args), options));
  }

  /** Loads an nft ruleset (the text of an `nft -f` file) into this namespace's own tables. */
  async nft(ruleset: string): Promise<void> {
    await this.exec('nft', ['-f', '-'], { input: ruleset });
  }

  /** Network sysctls are per namespace, so they are written from inside it (busybox: no procps needed). */
  async sysctl(settings: Record<string, string | number>): Promise<void> {
    const pairs = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
    if (pairs.length > 0) await this.exec('busybox', ['sysctl', '-q', '-w', ...pairs]);
  }

  async readSysctl(key: string): Promise<string> {
    return (await this.exec('busybox', ['sysctl', '-n', key])).stdout.trim();
  }

  /**
   * A TCP server socket bound inside this namespace, handed to the test process over Node's IPC
   * channel. Serve it from the test with `httpServer.listen(server)` (fastify: `app.server`), and
   * requests arrive with the clients' real source addresses. Closing the returned server (or the
   * server that adopted it) frees the port; harness.close() does it too.
   */
  async listen(port: number, host = '0.0.0.0', timeoutMs = 10_000): Promise<Server> {
    this.cleanup.assertOpen(`listen in ${this.name}`);
    const args = this.argv(process.execPath, [LISTEN_HELPER, host, String(port)]);
    const child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new HarnessError('E2E_NETNS_TIMEOUT', `no socket from ${this.name} ${host}:${port} in ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('message', (_message, handle) => {
        clearTimeout(timer);
        resolve(handle as Server);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new HarnessError(
            'E2E_NETNS_PROCESS_EXITED',
            `listen ${host}:${port} in ${this.name}: exit ${code}: ${stderr}`,
          ),
        );
      });
    });
    this.cleanup.closers.push(
      () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    );
    return server;
  }

  private argv(file: string, args: readonly string[]): string[] {
    return ['netns', 'exec', this.name, ...this.commandPrefix, file, ...args];
  }
}
