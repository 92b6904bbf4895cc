import { chmod, readFile, writeFile } from 'node:fs/promises';
import { LegalLogError, LegalLogErrorCode } from './errors.js';
import { generateKeyPair, parseIdentityFile } from './seal.js';

/**
 * The association's key pair, in age-keygen's file format so Debian's `age -d -i <file>` reads it too.
 * Made on the admin's own machine: the unit is only ever given the public key.
 */
export async function writeKeyPair(path: string, now: Date = new Date()): Promise<{ recipient: string }> {
  const { identity, recipient } = await generateKeyPair();
  const text = `# created: ${now.toISOString()}\n# public key: ${recipient}\n${identity}\n`;
  try {
    // `wx`: an existing key is never overwritten, which would make its day files unreadable forever.
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
    await chmod(path, 0o600);
  } catch (err) {
    throw new LegalLogError(
      LegalLogErrorCode.KEYGEN_WRITE,
      `cannot write the private key to ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { recipient };
}

/** Reads an identity file; unreadable or without an X25519 identity is EDG_LEGAL_IDENTITY. */
export async function readIdentityFile(path: string): Promise<{ identity: string; recipient: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LegalLogError(LegalLogErrorCode.IDENTITY_INVALID, `cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseIdentityFile(text);
}
