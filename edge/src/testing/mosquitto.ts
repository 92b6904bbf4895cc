import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface Mosquitto {
  url: string;
  port: number;
  /** Stops the broker (an outage; SIGTERM lets it save its sessions) but keeps its files for `restart()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian's mosquitto on a private loopback port, with a password file and an ACL that
 * confines each unit to its own subtree (the same policy the embedded broker enforces).
 */
export interface MosquittoTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export async function startMosquitto(
  users: Record<string, string>,
  admin: string,
  tls?: MosquittoTls,
): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  await writeFile(passwordFile, '');
  for (const [user, password] of Object.entries(users)) {
    await run('mosquitto_passwd', ['-b', passwordFile, user, password]);
  }
  await writeFile(
    aclFile,
    [
      `user ${admin}`,
      'topic readwrite triporteur/v1/#',
      '',
      'pattern write triporteur/v1/%u/#',
      'pattern read triporteur/v1/%u/cmd/#',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(
    configFile,
    [
      `listener ${port} 127.0.0.1`,
      ...(tls ? [`cafile ${tls.caFile}`, `certfile ${tls.certFile}`, `keyfile ${tls.keyFile}`] : []),
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      // Sessions (the dashboard ingest's subscription and its queued QoS 1 messages) survive a restart.
      'persistence true',
      `persistence_location ${dir}/data/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  // Started as root, mosquitto drops to the "mosquitto" user, which must still read these files.
  await chmod(dir, 0o755);
  // Writable by whichever user mosquitto drops to, for its session database.
  await mkdir(join(dir, 'data'));
  await chmod(join(dir, 'data'), 0o777);
  for (const file of [passwordFile, aclFile, configFile]) await chmod(file, 0o644);
  let child: ChildProcess = await launch(configFile, port);
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    }
  };
  return {
    url: tls ? `mqtts://localhost:${port}` : `mqtt://127.0.0.1:${port}`,
    port,
    kill,
    restart: async () => {
      await kill();
      child = await launch(configFile, port);
    },
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(configFile: string, port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(port, child, () => stderr);
  return child;
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${stderr()}`);
}
