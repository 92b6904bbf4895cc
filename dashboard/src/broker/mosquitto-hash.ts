import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * Checks a secret against an account's line in a Mosquitto 2 password file, so provisioning can leave
 * a correct entry alone (mosquitto_passwd salts anew on every call, which would rewrite the file).
 * Format `user:$7$<iterations>$<salt b64>$<hash b64>`: PBKDF2-HMAC-SHA512, as mosquitto_passwd 2.0
 * writes it (checked against Debian's mosquitto_passwd in the tests). Any other form, or no line, is "does not match".
 */
export async function mosquittoPasswordMatches(
  passwordFile: string,
  username: string,
  secret: string,
): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(passwordFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const line = text.split('\n').find((l) => l.startsWith(`${username}:`));
  const parts = line
    ?.slice(username.length + 1)
    .trim()
    .split('$');
  if (parts?.length !== 5 || parts[0] !== '' || parts[1] !== '7') return false;
  const iterations = Number(parts[2]);
  const salt = Buffer.from(parts[3] ?? '', 'base64');
  const expected = Buffer.from(parts[4] ?? '', 'base64');
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000 || expected.length === 0) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(secret, salt, iterations, expected.length, 'sha512', (err, key) => (err ? reject(err) : resolve(key))),
  );
  return timingSafeEqual(actual, expected);
}
