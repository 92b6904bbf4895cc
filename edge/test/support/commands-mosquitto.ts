import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Debian's mosquitto with a password file and the fleet ACL. The same approach as
 * e2e/support/mosquitto.ts, copied because the edge project cannot import outside its rootDir.
 */

const run = promisify(execFile);

export interface Mosquitto {
  url: string;
  stop(): Promise<void>;
}

/** `technician` may read and write the whole fleet tree; every other user only its own subtree and cmd/#. */
export async function startCommandsMosquitto(users: Record<string, string>, technician: string): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-cmd-'));
  const passwordFile = join(dir, 'passwd');
  const aclFile = join(dir, 'acl');
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(passwordFile, '');
  for (const [user, password] of Object.entries(users)) {
    await run('mosquitto_passwd', ['-b', passwordFile, user, password]);
  }
  await writeFile(
    aclFile,
    [
      `user ${technician}`,
      'topic readwrite triporteur/v1/#',
      '',
      'pattern write triporteur/v1/%u/#',
      'pattern read triporteur/v1/%u/cmd/#',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  await writeFile(
    configFile,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      `acl_file ${aclFile}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  // Started as root, mosquitto drops to the "mosquitto" user, which must still read these files.
  await chmod(dir, 0o755);
  for (const file of [passwordFile, aclFile, configFile]) await chmod(file, 0o644);
  const child: ChildProcess = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(port, child, () => stderr);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
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
