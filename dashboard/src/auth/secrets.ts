import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for broker accounts, stored in the config as `scrypt$<salt b64>$<hash b64>`.
 * The cost parameters are fixed for format version "scrypt"; raising them needs a new prefix,
 * so existing hashes keep verifying.
 */
const PREFIX = 'scrypt';
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PARAMS: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** What the config schema accepts as a secret hash. */
export const SECRET_HASH_PATTERN = '^scrypt\\$[A-Za-z0-9+/]{22}={0,2}\\$[A-Za-z0-9+/]{43}=?$';

function derive(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashSecret(secret: string): Promise<string> {
  if (secret.length === 0) throw new RangeError('secret must not be empty');
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt);
  return `${PREFIX}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** False for a wrong secret and for a malformed hash; never throws on bad input. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 3 || parts[0] !== PREFIX) return false;
  const salt = Buffer.from(parts[1] ?? '', 'base64');
  const expected = Buffer.from(parts[2] ?? '', 'base64');
  if (salt.length !== SALT_BYTES || expected.length !== KEY_BYTES) return false;
  const actual = await derive(secret, salt);
  return timingSafeEqual(actual, expected);
}
