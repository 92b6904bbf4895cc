import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AuthError, AuthErrorCode } from './errors.js';

/**
 * Dashboard user passwords: scrypt with a per-user salt, the cost stored in the hash so it can be
 * raised later without breaking existing hashes: `$scrypt$ln=15,r=8,p=3$<salt b64>$<key b64>`.
 * (Unit broker secrets keep their own fixed format in secrets.ts.)
 *
 * ln=15, r=8, p=3 is one of OWASP's scrypt settings: 32 MiB per hash, so a small server can run a
 * few logins at once, at about the cost of the 128 MiB setting.
 */
export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_COST: Readonly<ScryptCost> = { ln: 15, r: 8, p: 3 };

export const MIN_PASSWORD_LENGTH = 12;
/** Longer input is refused before hashing so no one can make the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds on what a stored hash may ask for, so a tampered row cannot exhaust memory or CPU.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;
const HASH_PATTERN = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const n = 2 ** cost.ln;
  const maxmem = 128 * n * cost.r * 2;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r: cost.r, p: cost.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Code points, not UTF-16 units: "12 characters" means what a person counts. */
function length(password: string): number {
  return [...password].length;
}

/** Refuses a password a person should not be allowed to choose. */
export function checkPasswordStrength(password: string): void {
  if (length(password) < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      AuthErrorCode.WEAK_PASSWORD,
      `Le mot de passe doit compter au moins ${MIN_PASSWORD_LENGTH} caractères.`,
    );
  }
  if (length(password) > MAX_PASSWORD_LENGTH) {
    throw new AuthError(
      AuthErrorCode.WEAK_PASSWORD,
      `Le mot de passe ne peut pas dépasser ${MAX_PASSWORD_LENGTH} caractères.`,
    );
  }
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parse(hash: string): ParsedHash | undefined {
  const m = HASH_PATTERN.exec(hash);
  if (!m) return undefined;
  const cost = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  for (const name of ['ln', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    if (cost[name] < min || cost[name] > max) return undefined;
  }
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const key = Buffer.from(m[5] ?? '', 'base64');
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { cost, salt, key };
}

/** False for a wrong password, an over-long one and a malformed hash; never throws on bad input. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parse(hash);
  if (!parsed || length(password) > MAX_PASSWORD_LENGTH) return false;
  const actual = await derive(password, parsed.salt, parsed.cost);
  return timingSafeEqual(actual, parsed.key);
}

/** True when a hash was made with another cost than `cost`: rehash it at the next good login. */
export function needsRehash(hash: string, cost: ScryptCost = DEFAULT_COST): boolean {
  const parsed = parse(hash);
  return !parsed || parsed.cost.ln !== cost.ln || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}
