import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { checkPath, checkUsername } from './mosquitto.js';
import { MosquittoError, MosquittoErrorCode } from './mosquitto-errors.js';

/**
 * Mosquitto's password file, written only by Debian's own `mosquitto_passwd` so the hash format is
 * always the one the installed broker reads. The runner is injected; it takes an argv array, never a
 * shell string, and its errors must not quote that argv (it holds the secret).
 */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Resolves with the exit status, however it ended; rejects only when the program could not run. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<CommandResult>;

export const MOSQUITTO_PASSWD = 'mosquitto_passwd';

/** Random bytes in a unit secret: 256 bits, printed as 43 base64url characters. */
export const UNIT_SECRET_BYTES = 32;

export function generateUnitSecret(): string {
  return randomBytes(UNIT_SECRET_BYTES).toString('base64url');
}

const RUN_TIMEOUT_MS = 30_000;

/** The real runner: execFile without a shell. Node's own error would print the command line, so it is never passed on. */
export const execFileRunner: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: RUN_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err === null) return resolve({ exitCode: 0, stdout, stderr });
      if (typeof err.code === 'number') return resolve({ exitCode: err.code, stdout, stderr });
      if (err.killed || err.signal) {
        return resolve({ exitCode: -1, stdout, stderr: `${stderr}killed by ${err.signal ?? 'a signal'}` });
      }
      reject(
        Object.assign(new Error(`${file} could not be started (${String(err.code ?? 'unknown')})`), { code: err.code }),
      );
    });
  });

export interface PasswordEntry {
  username: string;
  password: string;
}

function checkSecret(username: string, password: string): void {
  if (password.length === 0 || /[\r\n\0]/.test(password)) {
    throw new MosquittoError(
      MosquittoErrorCode.SECRET,
      `the secret for "${username}" must be non-empty and on one line`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** What mosquitto_passwd said, without the secret should it ever echo it back. */
function scrub(text: string, secret: string): string {
  return text.split(secret).join('***').trim().slice(0, 300);
}

/**
 * Adds each account, or replaces its password when it already has one (`-b`). The file is created
 * (`-c`) only when it does not exist: `-c` on an existing file would wipe every other account.
 */
export async function setMosquittoPasswords(
  passwordFile: string,
  entries: readonly PasswordEntry[],
  run: CommandRunner = execFileRunner,
): Promise<void> {
  checkPath('password file', passwordFile);
  for (const { username, password } of entries) {
    checkUsername(username);
    checkSecret(username, password);
  }
  let create = !(await exists(passwordFile));
  for (const { username, password } of entries) {
    const args = [...(create ? ['-c'] : []), '-b', passwordFile, username, password];
    let result: CommandResult;
    try {
      result = await run(MOSQUITTO_PASSWD, args);
    } catch (err) {
      throw new MosquittoError(
        MosquittoErrorCode.PASSWD_MISSING,
        `cannot run ${MOSQUITTO_PASSWD} (${(err as { code?: unknown }).code ?? 'error'}): install Debian's mosquitto package`,
      );
    }
    if (result.exitCode !== 0) {
      const said = scrub(`${result.stderr}\n${result.stdout}`, password);
      throw new MosquittoError(
        MosquittoErrorCode.PASSWD_FAILED,
        `${MOSQUITTO_PASSWD} could not set the password of "${username}" in ${passwordFile} (exit ${result.exitCode})${said ? `: ${said}` : ''}`,
      );
    }
    create = false;
  }
}

/** Account names already in a password file (`name:hash` lines); empty when there is no file yet. */
export async function readPasswordUsers(passwordFile: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(passwordFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.indexOf(':') > 0)
    .map((line) => line.slice(0, line.indexOf(':')));
}
