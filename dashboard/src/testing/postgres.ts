import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'triporteur';

/** A PostgreSQL server of Debian's, started for a test run in a temporary directory, on loopback only. */
export interface TestPostgres {
  readonly port: number;
  /** Superuser URL of a database created for the caller (see createDatabase). */
  url(database: string): string;
  /** A fresh empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown), keeping its files: a database that went away. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops it and removes every file. */
  close(): Promise<void>;
}

async function binDir(): Promise<string> {
  const versions = (await readdir(POSTGRES_ROOT).catch(() => [] as string[])).filter((v) => /^\d+$/.test(v));
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) {
    throw new Error(
      `no PostgreSQL server under ${POSTGRES_ROOT}: install Debian's postgresql (scripts/install-system-deps.sh)`,
    );
  }
  return join(POSTGRES_ROOT, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the server runs as Debian's `postgres` account. */
async function asServerUser(): Promise<{ wrap: (argv: string[]) => string[]; uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return { wrap: (argv) => argv };
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  // setpriv execs in place (runuser would fork and keep the signals for itself).
  return {
    wrap: (argv) => ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', ...argv],
    uid,
    gid,
  };
}

/**
 * Initialises a cluster (trust auth on loopback, fsync off: throw-away data) and starts it. Tests, the
 * bench and the scale e2e share this; nothing listens beyond 127.0.0.1 and the socket sits in the data dir.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = await binDir();
  const user = await asServerUser();
  const dir = await mkdtemp(join(tmpdir(), 'triporteur-pg-'));
  if (user.uid !== undefined && user.gid !== undefined) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const [initFile, ...initArgs] = user.wrap([
    join(bin, 'initdb'),
    '-D',
    data,
    '-U',
    SUPERUSER,
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  await run(initFile as string, initArgs);
  const port = await freePort();
  let server: ChildProcess | undefined;
  let log = '';
  let counter = 0;

  const url = (database: string) => `postgresql://${SUPERUSER}@127.0.0.1:${port}/${database}`;

  async function waitReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const client = new pg.Client({ connectionString: url('postgres') });
      try {
        await client.connect();
        await client.end();
        return;
      } catch (err) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline || server?.exitCode !== null) {
          throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log.slice(-2000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function start(): Promise<void> {
    const [file, ...args] = user.wrap([
      join(bin, 'postgres'),
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ]);
    log = '';
    server = spawn(file as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    await waitReady();
  }

  async function stop(): Promise<void> {
    const running = server;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended and the server exits cleanly.
    running.kill('SIGINT');
    await exited;
  }

  await start();
  return {
    port,
    url,
    async createDatabase(name) {
      const database = name ?? `t${process.pid}_${Date.now().toString(36)}_${counter++}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(database);
    },
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
