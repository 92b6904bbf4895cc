import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Debian's `mosquitto -c <conf>` as a child process, for tests and trial runs of a generated setup
 * (production runs it under systemd). Started as root, mosquitto drops to the "mosquitto" user, so
 * its files and directories must be readable (and the persistence directory writable) by that user.
 */
export interface MosquittoProcess {
  /** SIGHUP: Mosquitto rereads the password file and the ACL, as `systemctl reload mosquitto` does. */
  reload(): void;
  /** SIGTERM, and waits for the exit (Mosquitto saves its sessions on the way out). */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export async function runMosquitto(confFile: string, port: number, host = '127.0.0.1'): Promise<MosquittoProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForListener(host, port, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { reload: () => child.kill('SIGHUP'), stop };
}

async function waitForListener(host: string, port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mosquitto exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${host}:${port}: ${stderr()}`);
}
