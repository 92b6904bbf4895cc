import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { LegalLogError, LegalLogErrorCode } from './errors.js';

/**
 * Sealing with age (age-encryption.org/v1, X25519 recipients), through Filippo Valsorda's
 * `age-encryption`. Each chunk is a complete age file in ASCII armor, so the association can also open
 * one with Debian's `age` CLI. Only X25519 keys: Debian 12's age (1.1.1) predates the post-quantum ones.
 */

const RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/;

/** Checks an `age1…` public key (bech32 checksum included); a typo in the config must stop the log. */
export function checkRecipient(recipient: string): string {
  const trimmed = recipient.trim();
  try {
    if (!RECIPIENT_PATTERN.test(trimmed)) throw new Error('not an age1… X25519 recipient');
    new Encrypter().addRecipient(trimmed);
  } catch (err) {
    throw new LegalLogError(
      LegalLogErrorCode.RECIPIENT_INVALID,
      `the legal log's publicKey is not an age X25519 recipient (age1…): ${(err as Error).message}`,
      { cause: err },
    );
  }
  return trimmed;
}

/** Seals chunks to one public key. The unit only ever holds this half. */
export class ChunkSealer {
  private readonly encrypter = new Encrypter();

  constructor(recipient: string) {
    this.encrypter.addRecipient(checkRecipient(recipient));
  }

  /** One armored age file, ending with a newline. */
  async seal(plaintext: Uint8Array): Promise<string> {
    return armor.encode(await this.encrypter.encrypt(plaintext));
  }
}

/**
 * Reads an age identity file as age-keygen writes it (comments, then `AGE-SECRET-KEY-1…`), and returns
 * the identity with its public key so a reader can say which key it holds.
 */
export async function parseIdentityFile(text: string): Promise<{ identity: string; recipient: string }> {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const identity = lines.find((line) => line.startsWith('AGE-SECRET-KEY-1'));
  if (identity === undefined) {
    throw new LegalLogError(
      LegalLogErrorCode.IDENTITY_INVALID,
      'no AGE-SECRET-KEY-1… line in the identity file (post-quantum and plugin identities are not supported)',
    );
  }
  try {
    return { identity, recipient: await identityToRecipient(identity) };
  } catch (err) {
    throw new LegalLogError(LegalLogErrorCode.IDENTITY_INVALID, 'the identity file holds a damaged age identity', {
      cause: err,
    });
  }
}

/** The outcome of opening one chunk: its plaintext, or the reason it cannot be read. */
export type OpenedChunk =
  | { ok: true; plaintext: Uint8Array }
  | { ok: false; code: typeof LegalLogErrorCode.WRONG_KEY | typeof LegalLogErrorCode.CHUNK_CORRUPT; detail: string };

export class ChunkOpener {
  private readonly decrypter = new Decrypter();

  constructor(identity: string) {
    this.decrypter.addIdentity(identity);
  }

  async open(armored: string): Promise<OpenedChunk> {
    let file: Uint8Array;
    try {
      file = armor.decode(armored);
    } catch (err) {
      return { ok: false, code: LegalLogErrorCode.CHUNK_CORRUPT, detail: `armor: ${(err as Error).message}` };
    }
    try {
      return { ok: true, plaintext: await this.decrypter.decrypt(file) };
    } catch (err) {
      const message = (err as Error).message;
      // age's own wording for "sealed to someone else"; anything else is damage.
      const code = /no identity matched/i.test(message) ? LegalLogErrorCode.WRONG_KEY : LegalLogErrorCode.CHUNK_CORRUPT;
      return { ok: false, code, detail: message };
    }
  }
}

/** A new key pair for the association's admin, made on their own machine. */
export async function generateKeyPair(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}
