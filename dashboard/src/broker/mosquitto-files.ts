import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { verifySecret } from '../auth/secrets.js';
import { type DashboardConfig, DEFAULT_INGEST_USERNAME } from '../config.js';
import { type MosquittoTlsListener, renderMosquittoAcl, renderMosquittoConf } from './mosquitto.js';
import { MosquittoError, MosquittoErrorCode } from './mosquitto-errors.js';
import {
  type CommandRunner,
  execFileRunner,
  type PasswordEntry,
  readPasswordUsers,
  setMosquittoPasswords,
} from './mosquitto-passwords.js';

/** The three files of a Mosquitto setup, side by side in one directory (on Debian, /etc/mosquitto). */
export function mosquittoPaths(dir: string) {
  const abs = resolve(dir);
  return {
    dir: abs,
    conf: join(abs, 'mosquitto.conf'),
    acl: join(abs, 'acl'),
    passwords: join(abs, 'passwd'),
  };
}

/**
 * The account the dashboard's ingest logs in with: in external mode the one its config names (whose
 * password it therefore knows), otherwise the embedded broker's ingest account.
 */
export function ingestAccount(config: Readonly<DashboardConfig>): { username: string; password?: string } {
  if (config.broker.mode === 'external') return { username: config.broker.username, password: config.broker.password };
  return { username: config.ingest?.username ?? DEFAULT_INGEST_USERNAME };
}

/**
 * Replaces `path` in one step (temporary file in the same directory, then rename), so a reader (or a
 * Mosquitto reload) sees the old file or the new one, never half of it. An existing file keeps its
 * mode and, where the system allows, its owner: the broker's group may be what lets it read the file.
 */
export async function writeFileAtomic(path: string, text: string, newFileMode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const previous = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(previous ? previous.mode & 0o7777 : newFileMode);
      if (previous) await handle.chown(previous.uid, previous.gid).catch(() => {});
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw new MosquittoError(MosquittoErrorCode.WRITE_FAILED, `cannot write ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Rewrites the ACL for the config's units and ingest account. */
export async function writeMosquittoAcl(aclFile: string, config: Readonly<DashboardConfig>): Promise<void> {
  await writeFileAtomic(aclFile, renderMosquittoAcl(config.units, [ingestAccount(config).username]));
}

/** Reads `{ "<account>": "<secret>", … }`: the secrets to put in the password file. */
export async function readSecretsFile(path: string): Promise<Record<string, string>> {
  const bad = (why: string, cause?: unknown) =>
    new MosquittoError(MosquittoErrorCode.SECRETS_FILE, `secrets file ${path}: ${why}`, { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    // JSON.parse's message can quote the text, which is secrets; name only the kind of failure.
    throw bad(err instanceof SyntaxError ? 'not valid JSON' : (err as Error).message);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw bad('expected a JSON object of account → secret');
  const secrets: Record<string, string> = {};
  for (const [account, secret] of Object.entries(parsed)) {
    if (typeof secret !== 'string') throw bad(`the value for "${account.slice(0, 80)}" must be a string`);
    secrets[account] = secret;
  }
  return secrets;
}

/**
 * Turns the secrets file into password entries, refusing any account the config does not have and
 * any secret that does not match the config's hash (Mosquitto and the embedded broker would disagree).
 */
async function passwordEntries(
  config: Readonly<DashboardConfig>,
  secrets: Readonly<Record<string, string>>,
): Promise<PasswordEntry[]> {
  const ingest = ingestAccount(config);
  const hashes = new Map(config.units.map((u) => [u.id, u.secretHash]));
  if (config.broker.mode === 'embedded' && config.ingest?.secretHash)
    hashes.set(ingest.username, config.ingest.secretHash);
  const entries: PasswordEntry[] = [];
  if (ingest.password !== undefined) entries.push({ username: ingest.username, password: ingest.password });
  for (const [account, secret] of Object.entries(secrets)) {
    const mismatch = () =>
      new MosquittoError(
        MosquittoErrorCode.SECRET_MISMATCH,
        `the secret given for "${account}" does not match the dashboard config`,
      );
    if (account === ingest.username && ingest.password !== undefined) {
      if (secret !== ingest.password) throw mismatch();
      continue;
    }
    const hash = hashes.get(account);
    if (hash === undefined && account !== ingest.username) {
      throw new MosquittoError(
        MosquittoErrorCode.SECRETS_FILE,
        `the secrets file names "${account.slice(0, 80)}", which is neither a unit of the dashboard config nor its ingest account`,
      );
    }
    if (hash !== undefined && !(await verifySecret(secret, hash))) throw mismatch();
    entries.push({ username: account, password: secret });
  }
  return entries;
}

export interface MosquittoSetupOptions {
  config: Readonly<DashboardConfig>;
  outDir: string;
  host: string;
  port: number;
  persistenceDir: string;
  tls?: MosquittoTlsListener;
  /** Account → secret; the external broker's ingest password is taken from the config without it. */
  secrets?: Readonly<Record<string, string>>;
  run?: CommandRunner;
}

export interface MosquittoSetupResult {
  files: ReturnType<typeof mosquittoPaths>;
  /** Accounts whose password was set or replaced in this run. */
  passwordsSet: string[];
  /** Accounts the ACL names that have no password yet: they cannot log in until they get one. */
  withoutPassword: string[];
}

/** Writes mosquitto.conf and the ACL, then creates or updates the password file. */
export async function writeMosquittoSetup(options: MosquittoSetupOptions): Promise<MosquittoSetupResult> {
  const files = mosquittoPaths(options.outDir);
  const { config } = options;
  const ingest = ingestAccount(config);
  // Everything is rendered and checked before the first file is touched.
  const conf = renderMosquittoConf({
    host: options.host,
    port: options.port,
    passwordFile: files.passwords,
    aclFile: files.acl,
    persistenceDir: options.persistenceDir,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const acl = renderMosquittoAcl(config.units, [ingest.username]);
  const entries = await passwordEntries(config, options.secrets ?? {});

  await mkdir(files.dir, { recursive: true, mode: 0o755 }).catch((err: unknown) => {
    throw new MosquittoError(MosquittoErrorCode.WRITE_FAILED, `cannot create ${files.dir}: ${(err as Error).message}`, {
      cause: err,
    });
  });
  await writeFileAtomic(files.conf, conf);
  await writeFileAtomic(files.acl, acl);
  await setMosquittoPasswords(files.passwords, entries, options.run ?? execFileRunner);
  // Mosquitto refuses to start without its password file, even an empty one.
  if (entries.length === 0) await createIfMissing(files.passwords);

  const known = new Set(await readPasswordUsers(files.passwords));
  const accounts = [ingest.username, ...config.units.map((u) => u.id)];
  return {
    files,
    passwordsSet: entries.map((e) => e.username),
    withoutPassword: accounts.filter((a) => !known.has(a)),
  };
}

async function createIfMissing(path: string): Promise<void> {
  try {
    await writeFile(path, '', { flag: 'wx', mode: 0o644 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new MosquittoError(MosquittoErrorCode.WRITE_FAILED, `cannot create ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
