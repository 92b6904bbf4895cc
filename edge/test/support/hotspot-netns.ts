import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  type CommandResult,
  type CommandRunner,
  createExecFileRunner,
  runChecked,
} from '../../src/hotspot/system/command.js';

/**
 * Throw-away network namespaces for the hotspot tests. Every name carries a per-run id, so parallel
 * test files never collide; `cleanup()` stops the processes this lab started (by their own pid) and
 * deletes its namespaces, which takes their veths along. Call it in afterAll, even after a failure.
 */
export class NetnsLab {
  readonly id = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly host = createExecFileRunner();

  /** Last resort if the worker exits without afterAll (a crash): nothing of this lab outlives it. */
  private readonly onExit = () => {
    for (const child of this.children) child.kill('SIGKILL');
    for (const ns of this.namespaces) spawnSync('ip', ['netns', 'del', ns]);
  };

  /** Creates `tpt-<id>-<role>` with loopback up. */
  async add(role: string): Promise<string> {
    const name = `tpt-${this.id}-${role}`;
    await runChecked(this.host, 'ip', ['netns', 'add', name]);
    if (this.namespaces.length === 0) process.once('exit', this.onExit);
    this.namespaces.push(name);
    await this.sh(name, 'ip', ['link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth pair with one end in each namespace; the names exist only inside them, never on the host. */
  async veth(a: { ns: string; name: string }, b: { ns: string; name: string }): Promise<void> {
    await runChecked(this.host, 'ip', [
      'link',
      'add',
      'name',
      a.name,
      'netns',
      a.ns,
      'type',
      'veth',
      'peer',
      'name',
      b.name,
      'netns',
      b.ns,
    ]);
  }

  runner(ns: string, timeoutMs?: number): CommandRunner {
    return createExecFileRunner(timeoutMs === undefined ? { netns: ns } : { netns: ns, timeoutMs });
  }

  /** Runs a command in a namespace and fails the test on a non-zero exit. */
  async sh(ns: string, file: string, args: readonly string[]): Promise<CommandResult> {
    return runChecked(this.runner(ns), file, args);
  }

  /** Runs a command in a namespace and returns whatever it did. */
  async try(ns: string, file: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
    return this.runner(ns, timeoutMs).run(file, args);
  }

  /**
   * Starts a long-running process in a namespace (`ip netns exec` execs it, so the pid is its own) and
   * resolves once `ready` matches its output, or rejects if it exits first.
   */
  async start(
    ns: string,
    file: string,
    args: readonly string[],
    options: { ready: RegExp; env?: NodeJS.ProcessEnv },
  ): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, file, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (options.ready.test(output)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before ready: ${output}`)));
    });
    return child;
  }

  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  async cleanup(): Promise<void> {
    for (const child of [...this.children]) await this.stop(child);
    for (const ns of this.namespaces.splice(0).reverse()) {
      await this.host.run('ip', ['netns', 'del', ns]);
    }
    process.off('exit', this.onExit);
  }
}
