import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BridgeError, BridgeErrorCode } from '../errors.js';

/**
 * Two linked pseudo-terminals made by socat: a real null-modem cable in software, so the real
 * serialport binding can be tested (and demoed) without hardware.
 */
export interface PtyPair {
  /** Path of one end (a symlink to /dev/pts/N). */
  a: string;
  b: string;
  /** Stops socat and removes the links. Safe to call twice. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** socat executable; found on PATH by default. */
  socatPath?: string;
  /**
   * Existing folder for the `a` and `b` links. A new pair in the same folder gets the same paths,
   * which is how tests replug a "device". Only the links are removed on close, not the folder.
   */
  linkDir?: string;
  /** How long socat may take to set up both ends. */
  startTimeoutMs?: number;
}

// socat -d -d prints this once both addresses are open and bytes can flow.
const READY_LINE = 'starting data transfer loop';

// socat would outlive a process that exits without close() (a failed test, a demo that calls
// process.exit), holding its ptys forever. Ctrl-C already reaches it through the process group.
const running = new Map<ChildProcess, string[]>();
let exitHookInstalled = false;

function track(child: ChildProcess, paths: string[]): void {
  running.set(child, paths);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [socat, paths] of running) {
      socat.kill('SIGTERM');
      for (const path of paths) rmSync(path, { recursive: true, force: true });
    }
  });
}

export async function createPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const socat = options.socatPath ?? 'socat';
  const ownDir = options.linkDir === undefined;
  const dir = options.linkDir ?? (await mkdtemp(join(tmpdir(), 'brg-pty-')));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  // Plain argv (no shell). raw,echo=0 keeps the line discipline from rewriting binary frames.
  const child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child, ownDir ? [dir] : [a, b]);
  try {
    await waitUntilReady(child, socat, options.startTimeoutMs ?? 5000);
    await Promise.all([access(a), access(b)]);
  } catch (err) {
    await stop(child);
    await removeLinks(dir, ownDir, a, b);
    throw err instanceof BridgeError
      ? err
      : new BridgeError(BridgeErrorCode.PTY_UNAVAILABLE, 'socat did not create both pty links', { cause: err });
  }
  // Past setup, a dying socat shows up as I/O errors on the pty ends; an unheard 'error' event would crash the process.
  child.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  return {
    a,
    b,
    close: () => {
      closing ??= stop(child).then(() => removeLinks(dir, ownDir, a, b));
      return closing;
    },
  };
}

function waitUntilReady(child: ChildProcess, socat: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const fail = (message: string, cause?: unknown) => {
      cleanup();
      reject(new BridgeError(BridgeErrorCode.PTY_UNAVAILABLE, message, { cause }));
    };
    const onData = (chunk: Buffer) => {
      // Keep only a tail: enough to explain a failure, bounded if socat gets chatty.
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      if (stderr.includes(READY_LINE)) {
        cleanup();
        resolve();
      }
    };
    const onError = (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'ENOENT' ? `socat not found (${socat}); install it to use pty pairs` : `cannot run ${socat}`,
        err,
      );
    const onExit = (code: number | null) => fail(`socat exited (code ${code}) before linking: ${stderr.trim()}`);
    const timer = setTimeout(() => fail(`socat did not link both ptys within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('error', onError);
      child.off('exit', onExit);
      // Keep draining stderr so a full pipe can never block socat.
      child.stderr?.resume();
    };
    child.stderr?.on('data', onData);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function removeLinks(dir: string, ownDir: boolean, a: string, b: string): Promise<void> {
  if (ownDir) await rm(dir, { recursive: true, force: true });
  else await Promise.all([rm(a, { force: true }), rm(b, { force: true })]);
}
